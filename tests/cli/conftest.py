"""The command tests' fixtures: small datasets made on the spot and a local server to download
them from (tests/downloads.py), every test without a data dir or proxy from the environment."""

from tests.downloads import (  # noqa: F401 (fixtures)
    closed_port_url_fixture,
    isolated,
    server,
    tiny,
    tiny_mirror,
    tiny_mnist,
)
