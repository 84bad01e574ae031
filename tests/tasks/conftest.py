"""Fixtures of the task tests: a tiny made-up MNIST on disk, a model store and a job manager in a
temporary folder (its workers stopped at the end)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.tiny_mnist import make_tiny_mnist

from cnnviz.models.store import ModelStore
from cnnviz.tasks.jobs import JobManager


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return make_tiny_mnist(tmp_path / "data")


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path / "models")


@pytest.fixture
def manager(store: ModelStore) -> Iterator[JobManager]:
    jobs = JobManager(store, max_jobs=2)
    yield jobs
    jobs.shutdown()
