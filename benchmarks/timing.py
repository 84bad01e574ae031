"""Timing helpers for benchmarks that compare implementations inside one process.

Absolute times drift by ±30% between runs and machines; ratios between implementations timed in
turns, in the same process, hold. So every benchmark here reports a ratio against a reference.
"""

import ctypes
import ctypes.util
import resource
import statistics
import time
from collections.abc import Callable

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def pin_malloc_thresholds(mmap_bytes: int = 64 << 20, trim_bytes: int = 256 << 20) -> bool:
    """Keep glibc from handing freed blocks back to the OS between calls.

    Two implementations timed in turns in one process disturb each other's heap: measured here,
    torch's LeNet-5 step took 5.2 ms alone but 10.9 ms (1,280 page faults per step) when
    interleaved with ours. Pinning the thresholds gives both sides the fault-free steady state
    a long training run reaches, so the ratio compares arithmetic, not allocator luck.
    Returns False where there is no glibc (the benchmark then runs unpinned).
    """
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(
            libc.mallopt(_M_MMAP_THRESHOLD, mmap_bytes)
            and libc.mallopt(_M_TRIM_THRESHOLD, trim_bytes)
        )
    except (OSError, AttributeError):
        return False


def minor_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def time_in_turns(
    impls: dict[str, Callable[[], object]],
    rounds: int = 10,
    calls: int = 15,
    settle_s: float = 0.3,
) -> dict[str, dict[str, float]]:
    """Median milliseconds per call of each implementation, and minor page faults per call.

    Implementations take turns, `rounds` times `calls` calls each, after one warm-up call, so
    that drifts in clock speed or load fall on all of them alike. Before each turn we wait
    `settle_s`: after a GEMM, OpenBLAS's worker threads spin for about 0.1 s before sleeping,
    and on a 2-core machine they took a core from torch's next turn (measured: torch 9.3 ms
    per LeNet-5 step right after ours, 4.8 ms alone).
    """
    samples: dict[str, list[float]] = {name: [] for name in impls}
    faults: dict[str, int] = dict.fromkeys(impls, 0)
    for fn in impls.values():
        fn()
    for _ in range(rounds):
        for name, fn in impls.items():
            time.sleep(settle_s)
            before = minor_faults()
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[name].append((time.perf_counter() - start) / calls * 1000)
            faults[name] += minor_faults() - before
    return {
        name: {
            "ms": statistics.median(values),
            "min_ms": min(values),
            "faults": faults[name] / (rounds * calls),
        }
        for name, values in samples.items()
    }


def report(title: str, results: dict[str, dict[str, float]], reference: str) -> None:
    ref = results[reference]["ms"]
    print(f"\n{title}")
    for name, r in results.items():
        print(
            f"  {name:<10} {r['ms']:8.3f} ms median  {r['min_ms']:8.3f} ms min  "
            f"{r['ms'] / ref:5.2f}x {reference}  {r['faults']:7.1f} page faults/call"
        )
