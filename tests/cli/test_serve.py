"""`cnnviz serve` as a user runs it: it answers, lifts its descriptor limit, refuses a bad setting
or a busy port in one line, and Ctrl+C stops it (open event streams and training workers
included) within seconds."""

import os
import resource
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from tests.live_server import CLI, HOST, live_server
from tests.tiny_mnist import make_tiny_mnist
from tests.waiting import wait_until

from cnnviz import __version__
from cnnviz.cli.serve import SHUTDOWN_GRACE_SECONDS

pytestmark = pytest.mark.timeout(120)  # a backstop: every wait below has its own deadline

#: A run that would train for hours: it is still running when the server is stopped.
LONG = {"model": "simple", "epochs": 500, "batch_size": 16, "emit_filters": False}
#: How long Ctrl+C may take with an event stream open (the server gives streams 3 s).
EXIT_DEADLINE_S = 15.0


def test_serve_answers_health(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        status, body = server.request("GET", "/api/health")
    assert status == 200
    assert body == {"status": "ok", "version": __version__, "jobs": "embedded"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CNNVIZ_MAX_CONNECTIONS", "lots"),
        ("CNNVIZ_HEADER_TIMEOUT", "0"),
        ("CNNVIZ_ALLOWED_HOSTS", "lab-pc:8000"),
        ("CNNVIZ_CORS_ORIGINS", "*"),
    ],
)
def test_serve_with_a_bad_setting_is_one_line_error(name: str, value: str) -> None:
    result = subprocess.run(
        [*CLI, "serve", "--host", HOST, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, name: value},
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]


def _open_files_limit(pid: int) -> tuple[int, int]:
    """The soft and hard RLIMIT_NOFILE of a running process, read from /proc."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return int(soft), int(hard)
    raise LookupError("no 'Max open files' line")


def test_serve_lifts_its_descriptor_limit_to_the_hard_one(tmp_path: Path) -> None:
    """Connections past the limit are accepted (then refused): room for a burst of them."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with live_server(tmp_path, open_files_limit=min(256, hard)) as server:
        assert _open_files_limit(server.process.pid) == (hard, hard)


def test_serve_on_busy_port_is_one_line_error() -> None:
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*CLI, "serve", "--host", HOST, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "already in use" in lines[0]


def _gone(pid: int) -> bool:
    """Whether `pid` has exited (a zombie waiting to be reaped has exited too)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def _read_until(sock: socket.socket, marker: bytes, timeout: float) -> bytes:
    """Bytes from `sock` until `marker` has arrived; fails after `timeout` seconds."""
    deadline, received = time.monotonic() + timeout, b""
    while marker not in received:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} within {timeout} s; got {received[:300]!r}"
        sock.settimeout(left)
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the stream; got {received[:300]!r}"
        received += chunk
    return received


def test_ctrl_c_with_an_event_stream_open_stops_the_server_within_seconds(tmp_path: Path) -> None:
    """An open event stream never ends by itself (it follows a job that trains for hours): on
    SIGINT the server closes it at once (not after waiting out its grace and cancelling it, with
    a traceback in the log) and exits, and its training worker with it."""
    data = make_tiny_mnist(tmp_path / "data")
    with live_server(tmp_path, {"CNNVIZ_DATA_DIR": str(data)}) as server:
        job_id = server.api("POST", "/api/train", LONG)["id"]
        wait_until(
            lambda: server.api("GET", f"/api/train/{job_id}")["progress"]["global_step"] >= 1,
            what="the job's first step",
        )
        workers = server.children()
        assert workers, "the running job has no worker process"
        with server.connect() as stream:
            stream.sendall(
                f"GET /api/train/{job_id}/events HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            first = _read_until(stream, b"\n\n", timeout=10)
            assert first.startswith(b"HTTP/1.1 200"), first[:300]
            assert b"event: start" in first, first[:300]

            server.process.send_signal(signal.SIGINT)
            started = time.monotonic()
            try:
                code = server.process.wait(timeout=EXIT_DEADLINE_S)
            except subprocess.TimeoutExpired:
                pytest.fail(f"cnnviz serve still ran {EXIT_DEADLINE_S:g} s after SIGINT")
            elapsed = time.monotonic() - started
            closed = _read_until_closed(stream, timeout=5)
        print(f"\nexit {elapsed:.1f} s after SIGINT with an event stream open")
        assert code == 130, server.log_text()[-3000:]  # what the command answers to Ctrl+C
        assert closed, "the stream's connection was left open"
        assert elapsed < SHUTDOWN_GRACE_SECONDS, (
            f"the stream was waited for: {elapsed:.1f} s after SIGINT"
        )
        log = server.log_text()
        assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
        wait_until(lambda: all(_gone(pid) for pid in workers), timeout=5, what="the worker")


def _read_until_closed(sock: socket.socket, timeout: float) -> bool:
    """Whether the peer closes `sock` within `timeout` seconds (the bytes before are dropped)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False
    return False
