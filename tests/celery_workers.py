"""Celery workers for the tests of the broker backend: `cnnviz worker` as a subprocess (as an
operator runs it on another machine), its output in a log file, its pool processes in its own
process group, waited for until it answers on the broker, and stopped, or killed outright for the
tests of a worker that dies mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import redis
from celery import Celery
from tests.child_processes import group_members, spawn, stop_group
from tests.live_server import without_proxies

REPO = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 30.0
#: How long one readiness poll waits for the workers' replies.
POLL_S = 0.5


class CeleryWorker:
    """A worker on `broker_url` with `concurrency` pool processes and `env` added to its
    environment (the test's CNNVIZ_* variables), logging into `folder`; use it as a context
    manager (started and ready on entry, stopped on exit). `app` runs another Celery app
    (`celery -A app worker`) in place of `cnnviz worker`: tests/test_harness.py's probe."""

    def __init__(
        self,
        broker_url: str,
        folder: Path,
        concurrency: int = 1,
        env: Mapping[str, str] | None = None,
        app: str | None = None,
    ) -> None:
        self.broker_url = broker_url
        self.concurrency = concurrency
        self.env = {**without_proxies(os.environ), **(env or {})}
        self.app = app
        self.log_path = folder / f"worker-{time.monotonic_ns()}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> CeleryWorker:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def command(self) -> list[str]:
        """The worker's command line."""
        if self.app is None:
            options = ["--broker", self.broker_url, "--concurrency", str(self.concurrency)]
            return [sys.executable, "-m", "cnnviz", "worker", *options]
        return [
            sys.executable, "-m", "celery", "--app", self.app, "--broker", self.broker_url,
            "worker", "--concurrency", str(self.concurrency), "--loglevel", "INFO",
        ]  # fmt: skip

    @property
    def pid(self) -> int:
        """The worker's main process, leader of its process group."""
        if self.process is None:
            raise RuntimeError("the worker has not been started")
        return self.process.pid

    def log(self) -> str:
        """Everything the worker has written so far, for a failing test's message."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        """Start the worker and return once it answers the broker (within READY_TIMEOUT_S), which
        it does only once its task consumer has started."""
        self.process = spawn(self.command(), self.log_path, self.env, cwd=REPO)
        deadline = time.monotonic() + READY_TIMEOUT_S
        with Celery(broker=self.broker_url) as control:
            while not self._answers(control):
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"the worker exited with {self.process.returncode}:\n{self.log()}"
                    )
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"the worker was not ready within {READY_TIMEOUT_S} s:\n{self.log()}"
                    )

    def _answers(self, control: Celery) -> bool:
        """Whether this worker is among those answering a `stats` broadcast. Every reply is
        kept, not a dict keyed by node name, so two workers with one name are told apart by
        pid."""
        try:
            replies = control.control.broadcast("stats", reply=True, timeout=POLL_S)
        except redis.ConnectionError:
            # Kombu may hand out a connection kept from before Redis restarted (an earlier test
            # stopped it): that one read fails and drops it, and the next poll reconnects.
            return False
        return any(
            stats.get("pid") == self.pid for reply in replies or [] for stats in reply.values()
        )

    def processes(self) -> list[int]:
        """The worker's live processes: its main process and its pool's."""
        return group_members(self.pid)

    def kill(self) -> None:
        """SIGKILL the worker's main process (the pool processes get no signal), as a crash or
        the kernel's out-of-memory killer would, and reap it."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=READY_TIMEOUT_S)

    def stop(self) -> None:
        """SIGTERM the worker (Celery's warm shutdown), then SIGKILL its whole process group
        after the deadline: a pool process left by `kill()` included."""
        if self.process is not None:
            stop_group(self.process)
