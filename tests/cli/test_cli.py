"""The `cnnviz` command itself: its version and a usage error (each subcommand: test_serve,
test_data, test_train, test_evaluate, test_predict; their user errors: test_command_errors)."""

import subprocess

import pytest
from tests.live_server import CLI

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
    result = subprocess.run(
        [*CLI, "serve", "--port", "nope"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a port number" in result.stderr
