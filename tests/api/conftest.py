"""Shared fixtures for the API tests: one `TestClient` over a freshly built app."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cnnviz.api.main import create_app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client
