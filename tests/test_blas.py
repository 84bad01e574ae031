"""`limit_blas_threads` really changes the thread count of the OpenBLAS NumPy loaded."""

import ctypes
import sys

import numpy as np
import pytest

from cnnviz.blas import limit_blas_threads, loaded_openblas

GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads")


def openblas_threads(path: str) -> int:
    library = ctypes.CDLL(path)
    getter = next(getattr(library, n) for n in GETTERS if hasattr(library, n))
    return getter()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/maps")
def test_numpy_openblas_is_found_and_limited():
    np.ones((64, 64)) @ np.ones((64, 64))  # OpenBLAS is loaded with NumPy
    paths = loaded_openblas()
    assert paths and all("openblas" in p.lower() for p in paths)
    path = next(p for p in paths if any(hasattr(ctypes.CDLL(p), n) for n in GETTERS))
    before = openblas_threads(path)
    try:
        assert limit_blas_threads(1) >= 1
        assert openblas_threads(path) == 1
        limit_blas_threads(2)
        assert openblas_threads(path) == 2
    finally:
        limit_blas_threads(before)
