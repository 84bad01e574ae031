"""Max and average pooling over (C, H, W, N) memory, one array operation per kernel tap.

Max pooling keeps, for every output cell, which tap won (`argmax`, a small integer). The winner is
the first maximum in row-major order, as in torch: a later tap replaces the running maximum only
when strictly greater. Also as in torch, a NaN wins its window (the last NaN in it), and a window
whose real elements are all -inf points at the first of them, never at padding. Backward sends
each output's gradient to that one winner, never to every tied element (the CS231n fast
max-pool's admitted flaw). `max_pool2d_indices` turns the winners into torch's `return_indices`
convention: flat offsets into each input H×W plane.

Average pooling counts padded zeros in the divisor (torch's default count_include_pad=True).
"""

from dataclasses import dataclass

import numpy as np

from ..geometry import PoolGeometry, kernel_tap
from ..layout import from_chwn, to_chwn
from ..workspace import Workspace
from .padded import padded_chwn, unpad


@dataclass
class MaxPoolCache:
    x_shape: tuple[int, int, int, int]
    argmax: np.ndarray  # (C, OH, OW, N): which of the KH*KW taps won, row-major tap number
    geometry: PoolGeometry


@dataclass
class AvgPoolCache:
    x_shape: tuple[int, int, int, int]
    dtype: np.dtype
    geometry: PoolGeometry


def _taps(geometry: PoolGeometry):
    kh, kw = geometry.kernel
    return [(k, *divmod(k, kw)) for k in range(kh * kw)]


def _padded_shape(x_shape, geometry: PoolGeometry) -> tuple[int, int, int, int]:
    n, c, h, w = x_shape
    ph, pw = geometry.padding
    return c, h + 2 * ph, w + 2 * pw, n


def _dtype(x: np.ndarray) -> np.dtype:
    return np.result_type(x.dtype, np.float32) if x.dtype.kind != "f" else x.dtype


def max_pool2d_forward(
    x: np.ndarray, geometry: PoolGeometry, ws: Workspace | None = None
) -> tuple[np.ndarray, MaxPoolCache]:
    """x (N, C, H, W) -> out (N, C, OH, OW); padding reads as -inf, so it never wins."""
    ws = ws or Workspace()
    n, c, h, w = x.shape
    out_hw = geometry.output_hw(h, w)
    xp = padded_chwn(x, geometry.as_conv.padding, _dtype(x), ws, "padded", -np.inf)
    best = kernel_tap(xp, 0, 0, out_hw, geometry.stride).copy()
    taps = _taps(geometry)
    tap_dtype = np.uint8 if len(taps) <= 256 else np.int32
    argmax = np.zeros(best.shape, tap_dtype)
    if any(geometry.padding):
        argmax[...] = _first_real_tap(geometry, out_hw, (h, w)).astype(tap_dtype)
    better = ws.empty("better", best.shape, np.bool_)
    candidate = ws.empty("candidate", best.shape, tap_dtype)
    for k, i, j in taps[1:]:
        seen = kernel_tap(xp, i, j, out_hw, geometry.stride)
        np.greater(seen, best, out=better)
        np.maximum(best, seen, out=best)
        # Tap k wins only when strictly greater than every earlier tap, so argmax only grows:
        # max(argmax, better * k) records it without a masked (slow) `where=` ufunc.
        np.multiply(better, tap_dtype(k), out=candidate)
        np.maximum(argmax, candidate, out=argmax)
    if np.isnan(best).any():  # np.maximum kept the NaNs; point at the last one, as torch does
        for k, i, j in taps:
            argmax[np.isnan(kernel_tap(xp, i, j, out_hw, geometry.stride))] = k
    return from_chwn(best), MaxPoolCache((n, c, h, w), argmax, geometry)


def _first_real_tap(geometry: PoolGeometry, out_hw, in_hw) -> np.ndarray:
    """(1, OH, OW, 1): the row-major number of the first tap inside the input at each output.

    Taps before it read padding; it is the winner when nothing in the window beats -inf.
    """
    (kh, kw), (sh, sw), (ph, pw) = geometry.kernel, geometry.stride, geometry.padding
    first_row = np.clip(ph - np.arange(out_hw[0]) * sh, 0, kh - 1)
    first_col = np.clip(pw - np.arange(out_hw[1]) * sw, 0, kw - 1)
    return (first_row[:, None] * kw + first_col[None, :])[None, :, :, None]


def max_pool2d_backward(
    dout: np.ndarray, cache: MaxPoolCache, ws: Workspace | None = None
) -> np.ndarray:
    """dout (N, C, OH, OW) -> dx (N, C, H, W): each output's gradient goes to its one winner."""
    ws = ws or Workspace()
    geometry = cache.geometry
    d = to_chwn(dout)
    out_hw = d.shape[1:3]
    padded_shape = _padded_shape(cache.x_shape, geometry)
    # When the windows tile the input exactly, every input cell belongs to one tap's slab and is
    # written once; otherwise slabs overlap or leave gaps, and we add onto zeros.
    tiles = geometry.stride == geometry.kernel and padded_shape[1:3] == tuple(
        o * k for o, k in zip(out_hw, geometry.kernel, strict=True)
    )
    dxp = np.empty(padded_shape, d.dtype) if tiles else np.zeros(padded_shape, d.dtype)
    won = ws.empty("won", d.shape, np.bool_)
    for k, i, j in _taps(geometry):
        np.equal(cache.argmax, k, out=won)
        tap = kernel_tap(dxp, i, j, out_hw, geometry.stride)
        if tiles:
            np.multiply(d, won, out=tap)
        else:
            tap += d * won
    return from_chwn(unpad(dxp, geometry.as_conv.padding))


def max_pool2d_indices(cache: MaxPoolCache) -> np.ndarray:
    """(N, C, OH, OW) int64: each winner's flat offset in its input plane, h * W + w (as torch)."""
    _, _, _, w = cache.x_shape
    (sh, sw), (ph, pw), (_, kw) = (
        cache.geometry.stride,
        cache.geometry.padding,
        cache.geometry.kernel,
    )
    tap_row, tap_col = np.divmod(cache.argmax.astype(np.int64), kw)
    _, oh, ow, _ = cache.argmax.shape
    rows = np.arange(oh)[:, None, None] * sh + tap_row - ph
    cols = np.arange(ow)[:, None] * sw + tap_col - pw
    return np.ascontiguousarray(from_chwn(rows * w + cols))


def avg_pool2d_forward(
    x: np.ndarray, geometry: PoolGeometry, ws: Workspace | None = None
) -> tuple[np.ndarray, AvgPoolCache]:
    """x (N, C, H, W) -> out (N, C, OH, OW), the mean of each window, padding counted as zeros."""
    ws = ws or Workspace()
    n, c, h, w = x.shape
    dtype = _dtype(x)
    out_hw = geometry.output_hw(h, w)
    xp = padded_chwn(x, geometry.as_conv.padding, dtype, ws, "padded", 0.0)
    total = kernel_tap(xp, 0, 0, out_hw, geometry.stride).copy()
    for _, i, j in _taps(geometry)[1:]:
        total += kernel_tap(xp, i, j, out_hw, geometry.stride)
    total /= geometry.kernel[0] * geometry.kernel[1]
    return from_chwn(total), AvgPoolCache((n, c, h, w), dtype, geometry)


def avg_pool2d_backward(
    dout: np.ndarray, cache: AvgPoolCache, ws: Workspace | None = None
) -> np.ndarray:
    """dout (N, C, OH, OW) -> dx (N, C, H, W): each output's gradient shared by its window."""
    geometry = cache.geometry
    d = to_chwn(dout.astype(cache.dtype, copy=False)) / (geometry.kernel[0] * geometry.kernel[1])
    dxp = np.zeros(_padded_shape(cache.x_shape, geometry), cache.dtype)
    for _, i, j in _taps(geometry):
        tap = kernel_tap(dxp, i, j, d.shape[1:3], geometry.stride)
        tap += d
    return from_chwn(unpad(dxp, geometry.as_conv.padding))
