"""Wrong class codes per client address: a sliding window of one minute, in memory (with a
broker, counted in Redis: `cnnviz.classroom.distributed.ratelimit`). Past the limit an address
is refused every lookup, right codes too, until its oldest wrong code leaves the window, so
codes cannot be found by trying.

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


def too_many_wrong_codes(per_minute: int, wait: float) -> ClassLimitError:
    """The refusal of an address that has given `per_minute` wrong codes, for `wait` seconds
    more."""
    seconds = max(1, math.ceil(wait))
    return ClassLimitError(
        f"too many wrong class codes from your address ({per_minute} a minute): check the code "
        f"with your teacher and try again in {seconds} s",
        retry_after=seconds,
    )


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
                wait = times[0] + WINDOW_SECONDS - self.clock()
                raise too_many_wrong_codes(self.per_minute, wait)

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
