"""Fixtures shared across test folders.

Tests make their own data. The one exception is `mnist_dir`: the official MNIST test set, for the
checks that are about the models we ship rather than about the code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cnnviz.data.store import ENV_DATA_DIR

if TYPE_CHECKING:  # imported in the fixtures, so a run without broker tests never loads Celery
    from tests.celery_workers import CeleryWorker
    from tests.redis_server import RedisServer

REPO = Path(__file__).resolve().parents[1]
MNIST_TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder holding the real MNIST test files: `$CNNVIZ_DATA_DIR/mnist`, else
    `<repo>/../shared/data/mnist`. Fails (never skips) when they are not there."""
    root = Path(os.environ.get(ENV_DATA_DIR) or REPO.parent / "shared" / "data").expanduser()
    folder = root / "mnist"
    missing = [name for name in MNIST_TEST_FILES if not (folder / name).is_file()]
    if missing:
        pytest.fail(
            f"the MNIST test set is not in {folder} (missing {', '.join(missing)}): set "
            f"{ENV_DATA_DIR} to a folder that has it, or run `cnnviz data download mnist`",
            pytrace=False,
        )
    return folder


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One Redis for the whole run (tests/redis_server.py), started by the first test that asks
    for it and stopped at the end; fails (never skips) when redis-server is not installed."""
    from tests.redis_server import RedisServer

    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied (FLUSHALL) for this test, and started again first if an
    earlier test stopped it and failed before starting it."""
    if not redis_server.running:
        redis_server.start()
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def start_worker(redis_url: str, tmp_path: Path) -> Iterator[Callable[..., CeleryWorker]]:
    """Starts `cnnviz worker` on this test's Redis: `start_worker(concurrency=1, env=None)`
    returns it ready (tests/celery_workers.py); every worker started is stopped after the test."""
    from tests.celery_workers import CeleryWorker

    workers: list[CeleryWorker] = []

    def start(concurrency: int = 1, env: dict[str, str] | None = None) -> CeleryWorker:
        worker = CeleryWorker(redis_url, tmp_path, concurrency, env)
        workers.append(worker)
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()
