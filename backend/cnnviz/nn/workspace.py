"""Reusable scratch buffers for a layer's large temporaries.

A LeNet-5 training step makes a few megabytes of temporaries (im2col matrices, padded inputs,
column gradients). Allocated afresh each step, glibc hands blocks over 128 KB back to the OS and
the next step faults them in again, page by page. A layer keeps its temporaries here instead,
keyed by role, shape and dtype, so a training loop reuses the same memory.

Only temporaries live here. Arrays a layer returns or stores for the caller (outputs, gradients,
pooling indices) are always fresh, so a trace kept by the UI is never overwritten by a later pass.
"""

import numpy as np


class Workspace:
    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def empty(self, role: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """An uninitialised buffer for `role`; the same memory whenever shape and dtype repeat."""
        buf = self._buffers.get(role)
        if buf is None or buf.shape != shape or buf.dtype != dtype:
            buf = np.empty(shape, dtype)
            self._buffers[role] = buf
        return buf

    def full(self, role: str, shape: tuple[int, ...], dtype: np.dtype, value: float) -> np.ndarray:
        buf = self.empty(role, shape, dtype)
        buf.fill(value)
        return buf
