"""Ruff runs as part of the test suite, so `pytest` alone is the whole check."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Only folders that exist: git keeps no empty folders, and ruff fails on a missing path.
PATHS = [name for name in ("backend", "tests", "benchmarks") if (REPO / name).is_dir()]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *PATHS],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Plain names keep pytest from repeating the whole CompletedProcess in its report.
    code, output = result.returncode, result.stdout + result.stderr
    assert code == 0, f"ruff {' '.join(command)} failed:\n{output}"


def test_import_layers() -> None:
    """The layers contract in pyproject.toml (api | cli, tasks, explain | models, train, data,
    nn)."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, output = result.returncode, result.stdout + result.stderr
    assert code == 0, f"lint-imports failed:\n{output}"
