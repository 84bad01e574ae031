"""Setting how many threads NumPy's matrix products use, while the process runs.

A server answers many small requests at once from its thread pool: the requests are the
parallelism. OpenBLAS (bundled in NumPy's wheels) instead splits each product over every core,
and its idle threads spin, burning CPU the other requests need. NumPy has no switch for this,
and OpenBLAS reads OPENBLAS_NUM_THREADS only when it is loaded, so the server calls into the
loaded library (what threadpoolctl does, for the one library NumPy's wheels bundle).
"""

import ctypes
from pathlib import Path

#: The setter's name in NumPy's own OpenBLAS builds (ILP64 "64_" suffix, scipy prefix) first,
#: then in a system OpenBLAS.
SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def loaded_openblas() -> list[str]:
    """Paths of the OpenBLAS libraries this process has loaded (Linux; elsewhere none)."""
    maps = Path("/proc/self/maps")
    if not maps.is_file():
        return []
    fields = (line.split() for line in maps.read_text().splitlines())
    return sorted({f[-1] for f in fields if len(f) >= 6 and "openblas" in f[-1].lower()})


def limit_blas_threads(count: int = 1) -> int:
    """Make every loaded OpenBLAS use `count` threads; return how many libraries were set.

    0 means none was found (macOS's Accelerate, or no /proc): nothing changes.
    """
    changed = 0
    for path in loaded_openblas():
        library = ctypes.CDLL(path)
        setter = next((getattr(library, n) for n in SETTERS if hasattr(library, n)), None)
        if setter is not None:
            setter(ctypes.c_int(count))
            changed += 1
    return changed
