"""Moving between the public NCHW layout and the engine's internal CHWN layout.

Every array a layer takes or returns is NCHW. Internally the convolution and pooling kernels work
on (C, H, W, N) memory: with the batch as the fastest axis, im2col copies whole contiguous rows and
the GEMMs get larger (benchmarks/README.md has the comparison with torch in both layouts).
A layer hands its CHWN result on as an NCHW *view* (a transpose, no copy); the next layer
transposes that view back and finds contiguous CHWN memory again, so a chain of layers never
copies between layouts. Only the first input and arrays from outside pay for one copy.
"""

import numpy as np

_TO_CHWN = (1, 2, 3, 0)
_TO_NCHW = (3, 0, 1, 2)


def to_chwn(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> contiguous (C, H, W, N); no copy when `x` came from `from_chwn`."""
    return np.ascontiguousarray(x.transpose(_TO_CHWN))


def from_chwn(a: np.ndarray) -> np.ndarray:
    """(C, H, W, N) -> (N, C, H, W) view of the same memory."""
    return a.transpose(_TO_NCHW)


def flatten_nchw(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N, C*H*W) in torch's flatten order.

    For CHWN memory this is a free reshape to (C*H*W, N) and a transpose; a plain NCHW array
    is reshaped as usual.
    """
    n = x.shape[0]
    chwn = x.transpose(_TO_CHWN)
    if chwn.flags.c_contiguous:
        return chwn.reshape(-1, n).T
    return x.reshape(n, -1)


def unflatten_nchw(d: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """(N, C*H*W) -> (N, C, H, W), the inverse of `flatten_nchw`, keeping CHWN memory if given."""
    n, c, h, w = shape
    if d.T.flags.c_contiguous:
        return from_chwn(d.T.reshape(c, h, w, n))
    return d.reshape(shape)
