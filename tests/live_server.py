"""A real server for the tests that need one over loopback: the `cnnviz serve` command itself in
a subprocess (so they exercise the protocol, headers and limits production runs), on a port of
127.0.0.1 it picks, with its own models folder and any extra environment, waited for with a
deadline and stopped at the end (terminate, then kill); its log and memory readable while it runs.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
#: The `cnnviz` command, run by this interpreter.
CLI = [sys.executable, "-m", "cnnviz"]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
#: Variables that would send the server's own requests through a proxy.
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
#: What `cnnviz serve` prints once it listens (it is given port 0 and picks a free one itself,
#: so two test runs on one machine never race for a port).
LISTENING = re.compile(rb"serving on http://127\.0\.0\.1:(\d+)")


def without_proxies(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without the proxy variables, in either case."""
    return {name: value for name, value in environ.items() if name.lower() not in PROXY_VARS}


@dataclass
class LiveServer:
    """A running server: `port` on 127.0.0.1, its `process`, `models_dir` and `log` file; the
    `command` and `environ` it was started with, for `start_again()`."""

    port: int
    process: subprocess.Popen
    models_dir: Path
    log: Path
    command: list[str] = field(default_factory=list)
    environ: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def connect(self, timeout: float = 5.0) -> socket.socket:
        """A new TCP connection to the server."""
        return socket.create_connection((HOST, self.port), timeout=timeout)

    def log_text(self) -> str:
        """Everything the server has written to stdout and stderr so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def request(
        self,
        method: str,
        path: str,
        body: object | None = None,
        timeout: float = 30.0,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """One request over a new connection: (status, the JSON answer). `body` is sent as JSON,
        or as it is (bytes) under `content_type` when one is given (a photo's own bytes);
        `headers` are added (a class's X-Class-Token)."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        extra = dict(headers or {})
        try:
            if body is None:
                connection.request(method, path, headers=extra)
            elif content_type is not None:
                connection.request(method, path, body, {"Content-Type": content_type, **extra})
            else:
                extra["Content-Type"] = "application/json"
                connection.request(method, path, json.dumps(body), extra)
            response = connection.getresponse()
            payload = response.read()
            return response.status, json.loads(payload) if payload else None
        finally:
            connection.close()

    def api(
        self,
        method: str,
        path: str,
        body: object | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """The JSON answer of a request that must succeed (2xx)."""
        status, answer = self.request(
            method, path, body, content_type=content_type, headers=headers
        )
        assert 200 <= status < 300, f"{method} {path} answered {status}: {answer}"
        return answer

    def _status(self, field: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024  # the kernel reports kB
        raise LookupError(f"no {field} in /proc/{self.process.pid}/status")

    def rss_bytes(self) -> int:
        """The server's resident memory now."""
        return self._status("VmRSS")

    def peak_rss_bytes(self) -> int:
        """The server's largest resident memory since it started or since `reset_peak()`."""
        return self._status("VmHWM")

    def reset_peak(self) -> None:
        """Start the peak over from the memory resident now (Linux: clear_refs 5)."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def stop(self) -> None:
        """Stop the server as a service manager does (terminate; kill after STOP_TIMEOUT_S)."""
        stop(self.process)

    def start_again(self, start_timeout: float = START_TIMEOUT_S) -> None:
        """Start the stopped server's command again on the same port, with the same environment
        (models and classes folders): a server restarted mid-use, as its clients see it.
        Returns once `/api/health` answers; its log goes on in the same file. (A server started
        with `file_size_limit` or `open_files_limit` starts again without them.)"""
        command = [*self.command]
        command[command.index("--port") + 1] = str(self.port)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, env=self.environ, stdout=out, stderr=subprocess.STDOUT
            )
        _wait_for_health(self, time.monotonic() + start_timeout)

    def children(self) -> list[int]:
        """The processes the server has started and not yet reaped: its training workers, or
        the server processes of `--workers N` (Linux: /proc/<pid>/task/*/children)."""
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
        return found


@contextmanager
def live_server(
    folder: Path,
    env: Mapping[str, str] | None = None,
    models_dir: Path | None = None,
    file_size_limit: int | None = None,
    open_files_limit: int | None = None,
    start_timeout: float = START_TIMEOUT_S,
    args: Sequence[str] = (),
) -> Iterator[LiveServer]:
    """`cnnviz serve --host 127.0.0.1` and `args` (`--workers 2`) with `env` added to its
    environment (no proxies), its models in `models_dir` (default `folder`/models) and its log
    in `folder`; yields once `/api/health` answers, failing with the log if that takes over
    `start_timeout` seconds.

    `file_size_limit` caps the bytes of any file it writes (RLIMIT_FSIZE: a larger write fails
    with EFBIG, as a full disk's with ENOSPC); `open_files_limit` starts it with that soft limit
    of open descriptors (the hard one unchanged)."""
    models_dir = models_dir or folder / "models"
    environ = {**without_proxies(os.environ), "CNNVIZ_MODELS_DIR": str(models_dir), **(env or {})}
    log = folder / f"serve-{time.monotonic_ns()}.log"

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
        if open_files_limit is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files_limit, hard))

    limited = file_size_limit is not None or open_files_limit is not None
    command = [*CLI, "serve", "--host", HOST, "--port", "0", *args]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=limit if limited else None,
        )
    server = LiveServer(0, process, models_dir, log, command, environ)
    try:
        deadline = time.monotonic() + start_timeout
        server.port = _wait_for_port(server, deadline)
        _wait_for_health(server, deadline)
        yield server
    finally:
        stop(server.process)


def stop(process: subprocess.Popen) -> None:
    """Terminate `process`; kill it if it has not exited within STOP_TIMEOUT_S."""
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


def _wait_for_port(server: LiveServer, deadline: float) -> int:
    while time.monotonic() < deadline:
        if found := LISTENING.search(server.log.read_bytes()):
            return int(found.group(1))
        _check_running(server)
        time.sleep(0.05)
    raise RuntimeError(f"cnnviz serve did not listen in time:\n{server.log_text()}")


def _wait_for_health(server: LiveServer, deadline: float) -> None:
    while time.monotonic() < deadline:
        _check_running(server)
        try:
            if server.request("GET", "/api/health", timeout=2)[0] == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"cnnviz serve did not answer /api/health in time:\n{server.log_text()}")


def _check_running(server: LiveServer) -> None:
    if server.process.poll() is not None:
        raise RuntimeError(
            f"cnnviz serve exited with {server.process.returncode}:\n{server.log_text()}"
        )
