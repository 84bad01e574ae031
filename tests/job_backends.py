"""The two job backends the jobs tests run against (issue 13): "embedded" (worker processes under
the server, today's default) and "broker" (jobs as Celery tasks on the run's Redis, trained by a
`cnnviz worker` subprocess). A test asks `jobs_backend` (tests/api/conftest.py) for a client and
gets the same routes over either; where the backends differ by design it reads `.name`."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from cnnviz.api.main import create_app
from cnnviz.settings import Settings
from cnnviz.tasks.downloads import DownloadManager

EMBEDDED, BROKER = "embedded", "broker"


@dataclass
class JobsBackend:
    """`settings` are the test's own; `redis_url` and `start_worker` (broker only) are
    tests/conftest.py's fixtures. The running limit is `max_jobs` for the embedded backend and
    the workers' total concurrency with a broker: a broker client starts one worker at that
    concurrency, once."""

    name: str
    settings: Settings
    redis_url: str | None = None
    start_worker: Callable | None = None
    workers: list = field(default_factory=list)

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
        """A TestClient over a new app on this backend; with a broker, a worker running
        `max_jobs` jobs at once is started first (the first time only: a restarted API finds
        the same worker), unless `worker` is false (downloads run in the API process)."""
        if self.broker and worker and not self.workers:
            self.workers.append(self.start_worker(concurrency=max_jobs))
        with TestClient(create_app(self.app_settings(max_jobs, **changes))) as client:
            yield client

    def downloads(self, download: Callable) -> DownloadManager:
        """This backend's download manager, fetching with `download` (a fake, in tests)."""
        if self.broker:
            from cnnviz.tasks.distributed.downloads import RedisDownloadManager

            return RedisDownloadManager(self.redis_url, download=download)
        return DownloadManager(download=download)
