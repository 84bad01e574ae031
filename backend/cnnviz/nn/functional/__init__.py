"""The fast functional core: `*_forward(x, ..., geometry) -> (out, cache)` and
`*_backward(dout, cache) -> grads`, CS231n-style, over NCHW arrays (CHWN inside)."""

from .conv import ConvCache, conv2d_backward, conv2d_forward
from .pool import (
    AvgPoolCache,
    MaxPoolCache,
    avg_pool2d_backward,
    avg_pool2d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    max_pool2d_indices,
)

__all__ = [
    "AvgPoolCache",
    "ConvCache",
    "MaxPoolCache",
    "avg_pool2d_backward",
    "avg_pool2d_forward",
    "conv2d_backward",
    "conv2d_forward",
    "max_pool2d_backward",
    "max_pool2d_forward",
    "max_pool2d_indices",
]
