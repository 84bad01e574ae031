"""Naive-loop convolution and pooling: the readable specification.

Each function is the textbook definition written as loops over output positions, in NCHW, with no
tricks. They are the spec the fast path in `functional` is tested against, and what the
step-by-step teaching views compute from (one window at a time). Slow on purpose: use them on one
image or a handful of small ones.
"""

import numpy as np

from .geometry import ConvGeometry, PoolGeometry


def _pad(x: np.ndarray, padding: tuple[int, int, int, int], fill: float) -> np.ndarray:
    top, bottom, left, right = padding
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=fill)


def conv_window(xp: np.ndarray, row: int, col: int, geometry: ConvGeometry) -> np.ndarray:
    """The (…, KH, KW) patch of padded input that output position (row, col) multiplies."""
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    r, c = row * sh, col * sw
    return xp[..., r : r + dh * (kh - 1) + 1 : dh, c : c + dw * (kw - 1) + 1 : dw]


def conv2d_forward_naive(x, weight, bias, geometry: ConvGeometry) -> np.ndarray:
    """The definition: out[n, f, i, j] is bias[f] plus the sum over (c, u, v) of
    window(i, j)[c, u, v] * weight[f, c, u, v]."""
    n, _, h, w = x.shape
    f = weight.shape[0]
    oh, ow = geometry.output_hw(h, w)
    xp = _pad(x, geometry.padding, 0.0)
    out = np.zeros((n, f, oh, ow), np.result_type(x, weight))
    for b in range(n):
        for k in range(f):
            for i in range(oh):
                for j in range(ow):
                    window = conv_window(xp[b], i, j, geometry)
                    out[b, k, i, j] = np.sum(window * weight[k])
            if bias is not None:
                out[b, k] += bias[k]
    return out


def conv2d_backward_naive(dout, x, weight, geometry: ConvGeometry):
    """Each output's gradient flows back to the window and kernel that made it."""
    n, _, h, w = x.shape
    _, f, oh, ow = dout.shape
    xp = _pad(x, geometry.padding, 0.0)
    dxp = np.zeros_like(xp)
    dweight = np.zeros_like(weight)
    for b in range(n):
        for k in range(f):
            for i in range(oh):
                for j in range(ow):
                    conv_window(dxp[b], i, j, geometry)[...] += dout[b, k, i, j] * weight[k]
                    dweight[k] += dout[b, k, i, j] * conv_window(xp[b], i, j, geometry)
    top, _, left, _ = geometry.padding
    dx = dxp[:, :, top : top + h, left : left + w]
    return dx, dweight, dout.sum(axis=(0, 2, 3))


def true_convolution(x, weight, bias, geometry: ConvGeometry) -> np.ndarray:
    """Convolution in the mathematical sense: the kernel flipped in both axes, then slid.

    Deep-learning "convolution" is cross-correlation (no flip). For a learned kernel the two are
    the same family, but a student comparing with a signal-processing textbook needs the flip.
    """
    return conv2d_forward_naive(x, weight[..., ::-1, ::-1], bias, geometry)


def max_pool2d_forward_naive(x, geometry: PoolGeometry):
    """Returns (out, indices): the maximum of each window and, like torch's return_indices, its
    flat offset h * W + w in the input plane. Ties go to the first maximum in row-major order;
    a NaN always wins (the last one), and an all -inf window points at its first real element."""
    n, c, h, w = x.shape
    oh, ow = geometry.output_hw(h, w)
    (kh, kw), (sh, sw), (ph, pw) = geometry.kernel, geometry.stride, geometry.padding
    out = np.empty((n, c, oh, ow), x.dtype)
    indices = np.empty((n, c, oh, ow), np.int64)
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    rows = range(max(i * sh - ph, 0), min(i * sh - ph + kh, h))
                    cols = range(max(j * sw - pw, 0), min(j * sw - pw + kw, w))
                    best, where = -np.inf, rows[0] * w + cols[0]
                    for u in rows:
                        for v in cols:
                            if x[b, ch, u, v] > best or np.isnan(x[b, ch, u, v]):
                                best, where = x[b, ch, u, v], u * w + v
                    out[b, ch, i, j], indices[b, ch, i, j] = best, where
    return out, indices


def max_pool2d_backward_naive(dout, indices, x_shape):
    """Each output's gradient goes to its one winning input, nowhere else."""
    n, c, h, w = x_shape
    dx = np.zeros((n, c, h * w), dout.dtype)
    for b in range(n):
        for ch in range(c):
            for flat, g in zip(indices[b, ch].ravel(), dout[b, ch].ravel(), strict=True):
                dx[b, ch, flat] += g
    return dx.reshape(x_shape)


def avg_pool2d_forward_naive(x, geometry: PoolGeometry):
    """The mean of each window; padded zeros count in the divisor (torch's default)."""
    conv = geometry.as_conv
    n, c, h, w = x.shape
    oh, ow = geometry.output_hw(h, w)
    xp = _pad(x, conv.padding, 0.0)
    out = np.empty((n, c, oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = conv_window(xp, i, j, conv).mean(axis=(-2, -1))
    return out


def avg_pool2d_backward_naive(dout, x_shape, geometry: PoolGeometry):
    conv = geometry.as_conv
    n, c, h, w = x_shape
    (kh, kw), (ph, pw) = geometry.kernel, geometry.padding
    dxp = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dout.dtype)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            conv_window(dxp, i, j, conv)[...] += dout[:, :, i, j, None, None] / (kh * kw)
    return dxp[:, :, ph : ph + h, pw : pw + w]
