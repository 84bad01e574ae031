"""`cnnviz serve` as a subprocess on a free 127.0.0.1 port, for tests of what only the command
adds (its HTTP protocol with the connection, header and time limits): started with a deadline,
given extra environment, stopped at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
CLI = [sys.executable, "-m", "cnnviz"]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass
class ServeProcess:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def connect(self, timeout: float = 5.0) -> socket.socket:
        """A new TCP connection to the server."""
        return socket.create_connection((HOST, self.port), timeout=timeout)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def serve(tmp_path: Path, env: Mapping[str, str] | None = None) -> Iterator[ServeProcess]:
    """`cnnviz serve --host 127.0.0.1` with its own models folder and `env` added to the
    environment; yields once `/api/health` answers, and stops the server afterwards."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    environ = {**os.environ, "CNNVIZ_MODELS_DIR": str(tmp_path / "models"), **(env or {})}
    for name in PROXY_VARS:
        environ.pop(name, None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CLI, "serve", "--host", HOST, "--port", str(port)],
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = ServeProcess(port, process, log)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(server: ServeProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"cnnviz serve exited with {server.process.returncode}:\n{server.log_text()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/api/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"cnnviz serve did not answer in {START_TIMEOUT_S:g} s:\n{server.log_text()}"
            )
        time.sleep(0.1)
