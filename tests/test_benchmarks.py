"""The benchmark scripts still run. Timing is reported by them, never asserted here."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.parity

ROOT = Path(__file__).resolve().parents[1]


def test_engine_benchmark_runs_and_reports_every_comparison():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_engine.py"), "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for title in ("LeNet-5 training step", "One image forward", "One image trace"):
        assert title in result.stdout
    assert result.stdout.count("x torch") == 6, result.stdout
