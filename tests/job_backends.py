"""The two job backends the jobs tests run against (issue 13): "embedded" (worker processes under
the server, today's default) and "broker" (jobs as Celery tasks on the run's Redis, trained by a
`cnnviz worker` subprocess). A test asks `jobs_backend` (tests/api/conftest.py) for a client and
gets the same routes over either; where the backends differ by design it reads `.broker`.

Starting and stopping a worker costs about 5 s, so one worker serves a test module's broker tests
(`ModuleWorker`), started again only when a test needs another concurrency. What a test leaves
behind cannot reach the next: each test's jobs are stopped when it ends (`stop_live_jobs`), and
Redis is emptied before each test (`redis_url`)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi.testclient import TestClient
from tests.waiting import job_ended, wait_until

from cnnviz.api.main import create_app
from cnnviz.settings import Settings
from cnnviz.tasks.downloads import DownloadManager

if TYPE_CHECKING:  # Celery is imported only when a broker test runs
    from tests.celery_workers import CeleryWorker

EMBEDDED, BROKER = "embedded", "broker"
#: How long a test's leftover jobs may take to stop (one batch, or a pause's wait).
STOP_TIMEOUT_S = 20.0


class ModuleWorker:
    """At most one `cnnviz worker` on `broker_url` at a time, logging into `folder`: kept from
    test to test while they ask for the same concurrency, replaced when one asks for another
    (two alive would add up their concurrency) or when it has died."""

    def __init__(self, broker_url: str, folder: Path) -> None:
        self.broker_url = broker_url
        self.folder = folder
        self.worker: CeleryWorker | None = None

    def at(self, concurrency: int) -> CeleryWorker:
        """The worker, running `concurrency` jobs at once."""
        from tests.celery_workers import CeleryWorker

        current = self.worker
        alive = current is not None and current.process.poll() is None
        if alive and current.concurrency == concurrency:
            return current
        self.stop()
        self.worker = CeleryWorker(self.broker_url, self.folder, concurrency)
        self.worker.start()
        return self.worker

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None


@dataclass
class JobsBackend:
    """`settings` are the test's own; `redis_url` (broker only) is tests/conftest.py's fixture
    and `module_worker` the module's worker. The running limit is `max_jobs` for the embedded
    backend and the worker's concurrency with a broker."""

    name: str
    settings: Settings
    redis_url: str | None = None
    module_worker: ModuleWorker | None = None
    worker: CeleryWorker | None = None

    @property
    def broker(self) -> bool:
        return self.name == BROKER

    def app_settings(self, max_jobs: int = 2, **changes) -> Settings:
        """The test's settings for this backend, with `max_jobs` running at once."""
        if self.broker:
            changes["broker_url"] = self.redis_url
        return dataclasses.replace(self.settings, max_jobs=max_jobs, **changes)

    @contextlib.contextmanager
    def client(self, max_jobs: int = 2, worker: bool = True, **changes) -> Iterator[TestClient]:
        """A TestClient over a new app on this backend; with a broker, first the module's
        worker at concurrency `max_jobs` (started again if it runs another), unless `worker`
        is false (downloads run in the API process)."""
        if self.broker and worker:
            self.use_worker(max_jobs)
        with TestClient(create_app(self.app_settings(max_jobs, **changes))) as client:
            yield client

    def use_worker(self, concurrency: int) -> CeleryWorker:
        """(Broker) the module's worker, running `concurrency` jobs at once, as `.worker`."""
        self.worker = self.module_worker.at(concurrency)
        return self.worker

    def downloads(self, download: Callable) -> DownloadManager:
        """This backend's download manager, fetching with `download` (a fake, in tests)."""
        if self.broker:
            from cnnviz.tasks.distributed.downloads import RedisDownloadManager

            return RedisDownloadManager(self.redis_url, download=download)
        return DownloadManager(download=download)

    def stop_live_jobs(self) -> None:
        """Stop (or cancel) every job still queued, running or paused, and wait until each has
        ended: the next test finds the module's worker free."""
        with self.client(worker=False) as client:
            live = [j["id"] for j in client.get("/api/train").json() if not job_ended(j)]
            for job_id in live:
                client.post(f"/api/train/{job_id}/stop")
            wait_until(
                lambda: all(job_ended(client.get(f"/api/train/{i}").json()) for i in live),
                timeout=STOP_TIMEOUT_S,
                what=f"the test's jobs {live} to stop",
            )
