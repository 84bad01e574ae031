"""A real cnnviz server for the tests that need one over loopback: uvicorn in a subprocess on a free
127.0.0.1 port, with its own models folder, waited for with a deadline and stopped at the end;
its memory (resident and peak, from /proc) readable while it runs."""

import http.client
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running server: `port` on 127.0.0.1, its `process` and its `log` file."""

    port: int
    process: subprocess.Popen
    log: Path

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


@contextmanager
def live_server(
    folder: Path,
    models_dir: Path | None = None,
    file_size_limit: int | None = None,
) -> Iterator[LiveServer]:
    """A server whose models live in `models_dir` (default `folder`/models); its log is
    `folder`/server.log (shown when it fails to start). `file_size_limit` caps the bytes of any
    file it writes (RLIMIT_FSIZE: a larger write fails with EFBIG, as a full disk's with ENOSPC)."""
    port = free_port()
    env = {**os.environ, "CNNVIZ_MODELS_DIR": str(models_dir or folder / "models")}
    log = folder / "server.log"
    command = [sys.executable, "-m", "uvicorn", "cnnviz.api.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    with log.open("w") as log_file:
        process = subprocess.Popen(
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=limit_file_size if file_size_limit is not None else None,
        )
    try:
        _wait_for_health(port, process, log)
        yield LiveServer(port, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_health(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError(f"no answer within {START_TIMEOUT_S} s:\n{log.read_text()}")
