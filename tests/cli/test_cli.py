"""The `cnnviz` command: version, a real `serve` on a free port, and a busy port's error."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cnnviz import __version__
from cnnviz.cli import main

CLI = [sys.executable, "-m", "cnnviz"]
HOST = "127.0.0.1"
START_TIMEOUT_S = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


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
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            [*CLI, "serve", "--host", HOST, "--port", str(port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        status, body = None, None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}:\n{log.read_text()}")
            try:
                url = f"http://{HOST}:{port}/api/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    status, body = response.status, json.load(response)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200, f"no answer within {START_TIMEOUT_S} s:\n{log.read_text()}"
        assert body == {"status": "ok", "version": __version__}
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
