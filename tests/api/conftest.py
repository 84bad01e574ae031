"""Shared fixtures for the API tests: one `TestClient` over a fresh app whose user models live in
a temporary folder."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cnnviz.api.main import create_app
from cnnviz.settings import Settings, find_frontend_dir


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # TestClient sends `Host: testserver`, a name the server does not answer to by default.
    return Settings(
        frontend_dir=find_frontend_dir(),
        models_dir=tmp_path / "models",
        allowed_hosts=("testserver",),
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
