"""Wrong class codes per client address: a sliding window of one minute, in memory (with a
broker, counted in Redis: a later step). Past the limit an address is refused every lookup, right
codes too, until its oldest wrong code leaves the window, so codes cannot be found by trying.

The addresses remembered are bounded (MAX_ADDRESSES, the one remembered longest dropped first).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from cnnviz.classroom.errors import ClassLimitError

WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 10_000


class WrongCodeLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._wrong: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        """Raise ClassLimitError when `address` has tried too many wrong codes this minute."""
        with self._lock:
            times = self._window(address, self.clock())
            if times is not None and len(times) >= self.per_minute:
                wait = math.ceil(times[0] + WINDOW_SECONDS - self.clock())
                raise ClassLimitError(
                    f"too many wrong class codes from your address ({self.per_minute} a "
                    f"minute): check the code with your teacher and try again in {wait} s",
                    retry_after=max(1, wait),
                )

    def record(self, address: str) -> None:
        with self._lock:
            now = self.clock()
            times = self._window(address, now)
            if times is None:
                if len(self._wrong) >= MAX_ADDRESSES:
                    del self._wrong[next(iter(self._wrong))]
                times = self._wrong[address] = deque(maxlen=self.per_minute)
            times.append(now)

    def _window(self, address: str, now: float) -> deque[float] | None:
        times = self._wrong.get(address)
        if times is None:
            return None
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if not times:
            del self._wrong[address]
            return None
        return times
