"""The data tests' fixtures: small datasets made on the spot and a local server to download them
from (tests/downloads.py); every test runs without a data dir or proxy from the environment."""

import pytest
from tests.downloads import (  # noqa: F401 (fixtures)
    big,
    closed_port_url_fixture,
    isolated,
    server,
    tiny,
    tiny_mirror,
    tiny_mnist,
)


@pytest.fixture(autouse=True)
def _every_test_isolated(request: pytest.FixtureRequest) -> None:
    """`isolated` for each test of the folder."""
    request.getfixturevalue("isolated")
