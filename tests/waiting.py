"""Waiting in tests, always with a deadline: a condition polled until it holds, or a reading
until it stops changing, failing once time runs out."""

import time
from collections.abc import Callable
from typing import TypeVar

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
