"""Where a prediction runs: small ones on the event loop, the rest in the thread pool.

A plain `def` route hands its work to a worker thread. For work as small as a canvas-sized
drawing through LeNet-5 (a few ms of CPU) the hand-off costs more than it saves: the loop and the
worker take turns at the GIL around every NumPy and Pillow call that releases it, so under load
each request also waits for the other thread's Python code (benchmarks/README.md has the
numbers).

Inline work holds the loop, so it is bounded: only a drawing of at most INLINE_PIXELS (read from
its header) sent in at most INLINE_PAYLOAD characters, through a model that is already loaded
and needs at most INLINE_MULTIPLY_ADDS per sample, runs there. A photo, a user's wider network or
a first load from disk goes to the thread pool, as every other CPU-bound route does.
"""

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from cnnviz.api.inputs import DigitInput
from cnnviz.models.store import ModelEntry, ModelStore

#: A 320×320 canvas (the Draw view sends 280×280); larger drawings cost proportionally more.
INLINE_PIXELS = 320 * 320
#: Five times LeNet-5's 0.42 million.
INLINE_MULTIPLY_ADDS = 2_000_000
#: Base64 text of a drawing (a browser's 280×280 canvas PNG is 5-30 KB), decoded on the loop.
INLINE_PAYLOAD = 256 * 1024

Result = TypeVar("Result")


async def run_digit_work(
    work: Callable[[ModelEntry, DigitInput], Result],
    store: ModelStore,
    model_id: str,
    digit: DigitInput,
) -> Result:
    """`work(entry, digit)` inline when it is small (see the module docstring), else in the
    thread pool. Unknown ids and unreadable drawings raise here, as they would in `work`."""
    entry = store.loaded(model_id)
    if entry is not None and _small(entry, digit):
        return work(entry, digit)
    return await run_in_threadpool(lambda: work(store.get(model_id), digit))


def _small(entry: ModelEntry, digit: DigitInput) -> bool:
    if entry.multiply_adds > INLINE_MULTIPLY_ADDS:
        return False
    if digit.image is not None and len(digit.image) > INLINE_PAYLOAD:
        return False
    return digit.pixel_count() <= INLINE_PIXELS
