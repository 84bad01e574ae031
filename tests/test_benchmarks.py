"""The benchmark scripts still run. Timing is reported by them, never asserted here."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.parity

ROOT = Path(__file__).resolve().parents[1]


def run_benchmark(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_engine_benchmark_runs_and_reports_every_comparison():
    stdout = run_benchmark("bench_engine.py")
    for title in ("LeNet-5 training step", "One image forward", "One image trace"):
        assert title in stdout
    assert stdout.count("x torch") == 6, stdout


def test_epoch_benchmark_runs_on_the_shared_digits():
    """Reads MNIST from CNNVIZ_DATA_DIR (set by .ci/run; ../shared/data on development machines)."""
    stdout = run_benchmark("bench_epoch.py")
    assert "One LeNet-5 epoch" in stdout
    assert stdout.count("x torch") == 3, stdout
