"""The benchmark scripts still run. Timing is reported by them, never asserted here. The ones
that compare with torch need the parity extra (marked); bench_scale and bench_classroom need
redis-server."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_benchmark(name: str, *args: str) -> str:
    """The script's output with `args` (default: one round); fails with its errors."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *(args or ("--rounds", "1"))],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parity
def test_engine_benchmark_runs_and_reports_every_comparison():
    stdout = run_benchmark("bench_engine.py")
    for title in ("LeNet-5 training step", "One image forward", "One image trace"):
        assert title in stdout
    assert stdout.count("x torch") == 6, stdout


@pytest.mark.parity
def test_epoch_benchmark_runs_on_the_shared_digits():
    """Reads MNIST from CNNVIZ_DATA_DIR (set by .ci/run; ../shared/data on development machines)."""
    stdout = run_benchmark("bench_epoch.py")
    assert "One LeNet-5 epoch" in stdout
    assert stdout.count("x torch") == 3, stdout


def test_scale_benchmark_runs_both_phases_on_a_tiny_class():
    """Starts Redis, cnnviz serve with 1 and 2 processes and 1 then 2 cnnviz workers; reads
    MNIST from CNNVIZ_DATA_DIR, like the epoch benchmark."""
    stdout = run_benchmark(
        "bench_scale.py", "--clients", "2", "--seconds", "1", "--students", "3", "--within", "1",
        "--train-size", "50",
    )  # fmt: skip
    assert "1 API process " in stdout and "2 API processes" in stdout, stdout
    assert stdout.count(" 0 errors") == 2, stdout
    assert stdout.count("all done in") == 2, stdout
    assert "concurrency 2 / concurrency 1:" in stdout


def test_classroom_benchmark_follows_a_tiny_class_in_both_modes():
    """4 students for 4 s, alone and with Redis and two API processes (needs redis-server):
    every state the teacher sent reached every student, with no error."""
    stdout = run_benchmark(
        "bench_classroom.py", "--students", "4", "--seconds", "4", "--state-every", "1",
        "--draw-every", "2",
    )  # fmt: skip
    lines = stdout.splitlines()
    for mode in ("embedded", "broker"):
        row = lines[lines.index(f"{mode}:") + 2].split()
        students, drawings, states, deliveries, *_, errors = map(float, row)
        assert (students, drawings, states) == (4, 8, 4), stdout  # 2 drawings each, 1 state a s
        assert deliveries == students * states and errors == 0, stdout
    assert "target p99 ≤ 500 ms, 0 errors" in lines[-1], stdout
