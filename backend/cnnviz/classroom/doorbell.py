"""A doorbell for a class's event streams: a stream's coroutine waits on it, and whatever thread
adds an event (a request's worker thread, the broker mirror's reader) rings it, so the stream
sends the event at once instead of finding it at its next look.

Each waiter is a future of its own event loop, woken with `call_soon_threadsafe`; the waiter
registers before checking whether it has something to read, so an event added between the
check and the wait still wakes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable


class Doorbell:
    def __init__(self) -> None:
        self._waiting: dict[asyncio.Future[None], asyncio.AbstractEventLoop] = {}
        self._lock = threading.Lock()

    def ring(self) -> None:
        """Wake every coroutine waiting now."""
        with self._lock:
            waiting, self._waiting = self._waiting, {}
        for future, loop in waiting.items():
            with contextlib.suppress(RuntimeError):  # its loop has closed: nobody to wake
                loop.call_soon_threadsafe(_wake, future)

    async def wait(self, ready: Callable[[], bool], timeout: float) -> None:
        """Return once `ready()` holds, the bell rings, or `timeout` seconds have passed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            self._waiting[future] = loop
        try:
            if not ready():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(future, timeout)
        finally:
            with self._lock:
                self._waiting.pop(future, None)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
