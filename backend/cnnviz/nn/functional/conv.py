"""2-D cross-correlation (what torch and every framework call convolution) as one GEMM.

Layout: (C, H, W, N) inside, see `layout`. Forward copies what every kernel tap sees at every
output position (one strided view) into an im2col matrix of shape (C*KH*KW, OH*OW*N), then
multiplies (F, C*KH*KW) @ cols once for the whole batch. Backward is two more GEMMs (dW and dcols)
and a col2im that adds the KH*KW slabs back: no Python loop over pixels or batch items.
"""

from dataclasses import dataclass

import numpy as np

from ..geometry import ConvGeometry, kernel_tap, kernel_windows
from ..layout import from_chwn, to_chwn
from ..workspace import Workspace
from .padded import padded_chwn, unpad

_BLOCK = 4096


def _correlate_positions(cols: np.ndarray, d: np.ndarray) -> np.ndarray:
    """cols @ d.T: (C*KH*KW, P) and (F, P) -> (C*KH*KW, F), summed in blocks of the P axis.

    P = OH*OW*N runs to tens of thousands while the other sides are tiny; OpenBLAS then streams
    both operands from memory. Blocks of 4096 positions stay in L2; matrices of two blocks or
    fewer gain nothing from it and skip it.
    """
    positions = cols.shape[1]
    if positions <= 2 * _BLOCK:
        return cols @ d.T
    out = cols[:, :_BLOCK] @ d[:, :_BLOCK].T
    for start in range(_BLOCK, positions, _BLOCK):
        out += cols[:, start : start + _BLOCK] @ d[:, start : start + _BLOCK].T
    return out


@dataclass
class ConvCache:
    """What backward needs from forward. `cols` lives in the layer's workspace."""

    x_shape: tuple[int, int, int, int]
    cols: np.ndarray  # (C*KH*KW, OH*OW*N)
    weight: np.ndarray  # (F, C, KH, KW), in the compute dtype
    geometry: ConvGeometry


def conv2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    geometry: ConvGeometry,
    ws: Workspace | None = None,
) -> tuple[np.ndarray, ConvCache]:
    """x (N, C, H, W), weight (F, C, KH, KW), bias (F,) or None -> out (N, F, OH, OW)."""
    ws = ws or Workspace()
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    dtype = np.result_type(x.dtype, weight.dtype, np.float32)
    oh, ow = geometry.output_hw(h, w)
    xp = padded_chwn(x, geometry.padding, dtype, ws, "padded", 0.0)
    cols = ws.empty("cols", (c, kh, kw, oh, ow, n), dtype)
    np.copyto(cols, kernel_windows(xp, (kh, kw), (oh, ow), geometry.stride, geometry.dilation))
    cols = cols.reshape(c * kh * kw, oh * ow * n)
    weight = weight.astype(dtype, copy=False)
    out = weight.reshape(f, -1) @ cols
    if bias is not None:
        out += bias.astype(dtype, copy=False)[:, None]
    return from_chwn(out.reshape(f, oh, ow, n)), ConvCache((n, c, h, w), cols, weight, geometry)


def conv2d_backward(
    dout: np.ndarray, cache: ConvCache, ws: Workspace | None = None, input_grad: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """dout (N, F, OH, OW) -> dx (N, C, H, W), dweight (F, C, KH, KW), dbias (F,).

    With `input_grad=False` dx is None and its two most expensive steps (a GEMM and col2im)
    are skipped: a network's first layer needs no gradient for the image while it trains.
    """
    ws = ws or Workspace()
    n, c, h, w = cache.x_shape
    weight, geometry = cache.weight, cache.geometry
    f, _, kh, kw = weight.shape
    _, _, oh, ow = dout.shape
    d = to_chwn(dout.astype(weight.dtype, copy=False)).reshape(f, -1)
    dweight = np.ascontiguousarray(_correlate_positions(cache.cols, d).T).reshape(weight.shape)
    dbias = d.sum(axis=1)
    if not input_grad:
        return None, dweight, dbias

    dcols = ws.empty("dcols", cache.cols.shape, weight.dtype)
    np.matmul(weight.reshape(f, -1).T, d, out=dcols)
    dcols = dcols.reshape(c, kh, kw, oh, ow, n)
    top, bottom, left, right = geometry.padding
    padded_shape = (c, h + top + bottom, w + left + right, n)
    if any(geometry.padding):
        dxp = ws.full("dpadded", padded_shape, weight.dtype, 0.0)
    else:
        dxp = np.zeros(padded_shape, weight.dtype)
    for i in range(kh):
        for j in range(kw):
            tap = kernel_tap(dxp, i, j, (oh, ow), geometry.stride, geometry.dilation)
            np.add(tap, dcols[:, i, j], out=tap)
    dx = unpad(dxp, geometry.padding)
    if any(geometry.padding):
        dx = dx.copy()  # the workspace is reused; what we hand out must not be
    return from_chwn(dx), dweight, dbias
