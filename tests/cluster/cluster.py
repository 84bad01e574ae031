"""A cnnviz cluster on loopback, as a school server runs one: one Redis, API processes (`cnnviz
serve --broker URL`, each its own process and port) sharing one models folder and one data
folder, and Celery workers (`cnnviz worker --broker URL`). The APIs can be restarted together
(new ports, same Redis), a worker killed outright and replaced."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx2 as httpx
from tests.celery_workers import CeleryWorker
from tests.live_server import LiveServer, live_server
from tests.redis_server import RedisServer
from tests.tiny_mnist import make_tiny_mnist

from cnnviz.tasks.distributed import keys

#: An SSE read waits at most this long for its next line (the server sends a keep-alive every
#: 15 s while nothing happens).
READ_TIMEOUT_S = 20.0


class Cluster:
    """`api_count` APIs and `worker_count` workers (concurrency 1 each) on `redis`, their logs
    in `folder`; a context manager (started on entry, everything stopped on exit)."""

    def __init__(
        self,
        redis: RedisServer,
        folder: Path,
        data_dir: Path,
        api_count: int = 2,
        worker_count: int = 2,
    ) -> None:
        self.redis = redis
        self.folder = folder
        self.data_dir = data_dir
        self.models_dir = folder / "models"
        self.api_count = api_count
        self.worker_count = worker_count
        self.apis: list[LiveServer] = []
        self.workers: list[CeleryWorker] = []
        self._api_stack = ExitStack()

    def __enter__(self) -> Cluster:
        try:
            self.start_apis()
            for _ in range(self.worker_count):
                self.start_worker()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start_apis(self) -> None:
        env = {"CNNVIZ_DATA_DIR": str(self.data_dir)}
        args = ["--broker", self.redis.url]
        for _ in range(self.api_count):
            server = live_server(self.folder, env=env, models_dir=self.models_dir, args=args)
            self.apis.append(self._api_stack.enter_context(server))

    def restart_apis(self) -> None:
        """Stop every API process (SIGTERM), then start as many anew: new processes, new ports."""
        self._api_stack.close()
        self.apis = []
        self.start_apis()

    def start_worker(self) -> CeleryWorker:
        worker = CeleryWorker(self.redis.url, self.folder, concurrency=1)
        self.workers.append(worker)
        worker.start()
        return worker

    def worker_running(self, job_id: str) -> CeleryWorker:
        """The worker whose pool process holds `job_id`'s lease (its value is host:pid)."""
        with self.redis.client() as client:
            holder = client.get(keys.lease(job_id))
        assert holder is not None, f"job {job_id} has no lease: no worker is running it"
        pid = int(holder.decode().rpartition(":")[2])
        for worker in self.workers:
            if pid in worker.processes():
                return worker
        raise AssertionError(f"no worker of this cluster has process {pid}, {job_id}'s holder")

    def kill_worker(self, worker: CeleryWorker) -> None:
        """SIGKILL the worker's whole process group, its main process and the pool process
        running a job, as a machine that loses power; it is no longer one of `workers`."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)
        self.workers.remove(worker)

    def client(self, api: int) -> httpx.Client:
        """An HTTP client on API number `api`, for reading event streams."""
        return httpx.Client(base_url=self.apis[api].url, timeout=READ_TIMEOUT_S)

    def close(self) -> None:
        self._api_stack.close()
        for worker in self.workers:
            worker.stop()
        self.workers = []


@contextmanager
def fresh_cluster(
    redis: RedisServer, folder: Path, train: int, worker_count: int
) -> Iterator[Cluster]:
    """A cluster on the test run's Redis, emptied before and after (started again first if a
    test stopped it), with `train` tiny MNIST digits in its data folder."""
    if not redis.running:
        redis.start()
    redis.flush()
    data_dir = make_tiny_mnist(folder / "data", train=train)
    with Cluster(redis, folder, data_dir, worker_count=worker_count) as running:
        yield running
    redis.flush()
