"""Shared fixtures for the API tests: one `TestClient` over a fresh app whose user models live in
a temporary folder; the jobs tests' two backends; the download tests' local mirror
(tests/downloads.py)."""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from tests.class_clients import FakeClock, class_app
from tests.downloads import isolated, server, tiny, tiny_mirror  # noqa: F401 (fixtures)
from tests.job_backends import BROKER, EMBEDDED, JobsBackend, ModuleWorker

from cnnviz.api.main import create_app
from cnnviz.settings import Settings, find_frontend_dir

if TYPE_CHECKING:  # imported by the fixture that starts it
    from tests.redis_server import RedisServer


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


@pytest.fixture
def class_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def class_client(settings: Settings, class_clock: FakeClock) -> Iterator[TestClient]:
    """A TestClient whose classes run on `class_clock` (tickets, drawing intervals, idle classes:
    tests/class_clients.py)."""
    with TestClient(class_app(settings, class_clock)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def module_worker(redis_server: "RedisServer", tmp_path_factory) -> Iterator[ModuleWorker]:
    """The `cnnviz worker` a module's broker tests share (tests/job_backends.py)."""
    shared = ModuleWorker(redis_server.url, tmp_path_factory.mktemp("worker"))
    yield shared
    shared.stop()


@pytest.fixture(params=[EMBEDDED, BROKER])
def jobs_backend(request: pytest.FixtureRequest, settings: Settings) -> Iterator[JobsBackend]:
    """Each jobs test twice: on the embedded backend, and on a broker (the run's Redis and the
    module's `cnnviz worker`, asked for only then, so embedded runs never start Redis). A broker
    test's jobs are stopped when it ends."""
    if request.param == EMBEDDED:
        yield JobsBackend(EMBEDDED, settings)
        return
    redis_url = request.getfixturevalue("redis_url")
    backend = JobsBackend(BROKER, settings, redis_url, request.getfixturevalue("module_worker"))
    yield backend
    backend.stop_live_jobs()


@pytest.fixture
def jobs_client(jobs_backend: JobsBackend) -> Iterator[TestClient]:
    """A TestClient on `jobs_backend` with the default running limit (two jobs at once)."""
    with jobs_backend.client() as client:
        yield client
