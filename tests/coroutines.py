"""Running a coroutine from a plain test: `asyncio.run` in a thread of its own, because the
browser tests' synchronous Playwright leaves an event loop running in the test process's main
thread, where `asyncio.run` then refuses to start."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

#: A coroutine a test runs must finish within this.
RUN_TIMEOUT_S = 60.0


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=RUN_TIMEOUT_S)
