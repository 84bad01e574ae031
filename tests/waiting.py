"""Waiting in tests, always with a deadline: a condition polled until it holds, a reading until it
stops changing, or a training job's record (GET /api/train/{id}) until it says what a test waits
for, failing once time runs out."""

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], object], timeout: float = 20.0, what: str = "it") -> None:
    """Poll `condition` every 20 ms; fail naming `what` once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def wait_until_steady(
    read: Callable[[], T], quiet: float = 0.4, timeout: float = 20.0, what: str = "it"
) -> T:
    """Read every `quiet` seconds until two readings agree, and return that value; fail naming
    `what` once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    value = read()
    while True:
        time.sleep(quiet)
        now = read()
        if now == value:
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} kept changing for {timeout} s (now {now!r})")
        value = now


def job_ended(job: dict) -> bool:
    """Whether a job's record says it has ended (done, failed, interrupted or cancelled)."""
    return job["state"] not in ("queued", "running", "paused")


def wait_for_job(
    client: Any, job_id: str, condition: Callable[[dict], bool] = job_ended, timeout: float = 20.0
) -> dict:
    """Read the job's record through `client` (a TestClient) every 50 ms until `condition` holds
    for it, and return it; fail with the last record once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not condition(job := client.get(f"/api/train/{job_id}").json()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s; the job is {job}")
        time.sleep(0.05)
    return job
