"""The `cnnviz` command: version, a real `serve` on a free port, a busy port's error and a bad
setting's."""

import json
import os
import resource
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from tests.serve_subprocess import CLI, HOST, serve

from cnnviz import __version__
from cnnviz.cli import main


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"cnnviz {__version__}"


def test_version_subprocess() -> None:
    result = subprocess.run([*CLI, "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_usage_error_is_one_line() -> None:
    result = subprocess.run([*CLI, "serve", "--port", "nope"], capture_output=True, text=True)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a port number" in result.stderr


def test_serve_answers_health(tmp_path: Path) -> None:
    with (
        serve(tmp_path) as server,
        urllib.request.urlopen(f"{server.url}/api/health", timeout=5) as response,
    ):
        status, body = response.status, json.load(response)
    assert status == 200
    assert body == {"status": "ok", "version": __version__}


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
    lowered = min(256, hard)

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))

    env = {**os.environ, "CNNVIZ_MODELS_DIR": str(tmp_path / "models")}
    proc = subprocess.Popen(
        [*CLI, "serve", "--host", HOST, "--port", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lower,
    )
    try:
        deadline = time.monotonic() + 20
        limits = _open_files_limit(proc.pid)
        while limits[0] == lowered and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            limits = _open_files_limit(proc.pid)
        assert limits == (hard, hard)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
