"""A Redis server of the test run's own, for the tests of the broker backend (jobs as Celery tasks
on Redis): Debian's `redis-server` on a free port of 127.0.0.1, its folder a temporary one,
nothing persisted (a test run must never find the last run's jobs), waited for with a deadline.
A test can stop it (to see the API answer 503) and start it again on the same port, as an
operator restarting Redis would. A missing `redis-server` fails the test that needs it, loudly:
`.ci/run` installs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from tests.child_processes import spawn, stop_group
from tests.live_server import without_proxies

HOST = "127.0.0.1"
START_TIMEOUT_S = 10.0
#: Fresh ports tried when another process takes the one just found free before Redis binds it.
PORT_ATTEMPTS = 5
BIND_FAILED = "Address already in use"


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago (the kernel's pick for port 0)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class PortTakenError(RuntimeError):
    """Redis could not bind the port it was given: another process took it first."""


class RedisServer:
    """`redis-server` on 127.0.0.1 with `folder` as its `--dir` and log; use it as a context
    manager (started on entry, stopped on exit). Its port is chosen by the first `start()` and
    kept by every later one, so `url` stays valid across a restart."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.log_path = folder / "redis.log"

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The URL clients connect with (database 0)."""
        if self.port is None:
            raise RuntimeError("Redis has not been started yet, so it has no port")
        return f"redis://{HOST}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self) -> redis.Redis:
        """A new client with short timeouts and no retries: a test never waits long on a
        stopped server (redis-py's default retries three times, with backoff)."""
        return redis.Redis(
            host=HOST,
            port=self.port,
            socket_connect_timeout=1.0,
            socket_timeout=1.0,
            retry=Retry(NoBackoff(), retries=0),
        )

    def log(self) -> str:
        """What Redis has logged so far, for a failing test's message."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        """Start Redis and return once it answers (within START_TIMEOUT_S). The first start
        picks a free port, trying another if one is taken before Redis binds it; later starts
        reuse that port and fail if it is taken."""
        if self.running:
            raise RuntimeError(f"Redis is already running on port {self.port}")
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError(
                "redis-server is not installed, and the broker tests need it: "
                "`apt-get install -y redis-server` (.ci/run does this when it is missing)"
            )
        if self.port is not None:
            self._launch(executable, self.port)
            return
        for _ in range(PORT_ATTEMPTS):
            try:
                self._launch(executable, free_port())
                return
            except PortTakenError:
                self.port = None
        raise RuntimeError(f"Redis found no free port in {PORT_ATTEMPTS} tries:\n{self.log()}")

    def _launch(self, executable: str, port: int) -> None:
        self.port = port
        args = [
            executable,
            "--port", str(port),
            "--bind", HOST,
            "--protected-mode", "yes",
            "--dir", str(self.folder),
            "--save", "",
            "--appendonly", "no",
        ]  # fmt: skip
        logged_before = len(self.log())
        self.process = spawn(args, self.log_path, without_proxies(os.environ))
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers():
            if self.process.poll() is not None:
                output = self.log()[logged_before:]
                if BIND_FAILED in output:
                    raise PortTakenError(f"another process holds {HOST}:{port}:\n{output}")
                raise RuntimeError(f"redis-server exited with {self.process.returncode}:\n{output}")
            if time.monotonic() > deadline:
                stop_group(self.process)
                raise RuntimeError(f"Redis did not answer in {START_TIMEOUT_S} s:\n{self.log()}")
            time.sleep(0.02)

    def _answers(self) -> bool:
        """Whether our Redis answers: the server on the port reports our process's id (not
        another Redis, or any other program, that took the port first)."""
        try:
            with self.client() as client:
                return client.info("server")["process_id"] == self.process.pid
        except redis.RedisError:  # refused, timed out, or a program that is not Redis
            return False

    def stop(self) -> None:
        """SIGTERM Redis, SIGKILL it if it has not exited within the deadline; the port is kept
        for the next `start()`."""
        if self.process is not None:
            stop_group(self.process)

    def flush(self) -> None:
        """Delete every key of every database (FLUSHALL): what one test wrote, the next never
        sees."""
        with self.client() as client:
            client.flushall()
