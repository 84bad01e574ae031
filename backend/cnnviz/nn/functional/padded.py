"""A batch as padded, contiguous CHWN memory: the input every windowed kernel reads."""

import numpy as np

from ..geometry import Padding4
from ..workspace import Workspace


def padded_chwn(
    x: np.ndarray, padding: Padding4, dtype: np.dtype, ws: Workspace, role: str, fill: float
) -> np.ndarray:
    """(N, C, H, W) -> (C, H+top+bottom, W+left+right, N), borders set to `fill`.

    Returns `x`'s own memory when it is already unpadded CHWN of the right dtype (the usual case
    inside a network); otherwise one copy into a reused workspace buffer.
    """
    n, c, h, w = x.shape
    chwn = x.transpose(1, 2, 3, 0)
    top, bottom, left, right = padding
    if not any(padding) and chwn.flags.c_contiguous and chwn.dtype == dtype:
        return chwn
    buf = ws.empty(role, (c, h + top + bottom, w + left + right, n), dtype)
    if any(padding):
        buf[:, :top] = fill
        buf[:, top + h :] = fill
        buf[:, :, :left] = fill
        buf[:, :, left + w :] = fill
    buf[:, top : top + h, left : left + w] = chwn
    return buf


def unpad(a: np.ndarray, padding: Padding4) -> np.ndarray:
    """The interior of a padded (C, Hp, Wp, N) array, as a view."""
    top, bottom, left, right = padding
    return a[:, top : a.shape[1] - bottom, left : a.shape[2] - right]
