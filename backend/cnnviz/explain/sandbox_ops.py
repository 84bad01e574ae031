"""The sandbox's three operations, forward and backward, through the engine's functional core:
a convolution with each window's products, and max or average pooling with each window's
winner. `sandbox.run` checks the request and resolves the geometry; these only compute.

Every array here is one (H, W) plane; the engine's functions take (N, C, H, W), so the plane goes
in as a batch of one image with one channel and comes back out the same way.
"""

import numpy as np

from cnnviz.nn.functional import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    conv2d_backward,
    conv2d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    max_pool2d_indices,
)
from cnnviz.nn.geometry import ConvGeometry, PoolGeometry

OPS = ("conv", "maxpool", "avgpool")

#: What the max-pool answer says of tied maxima, the rule `max_pool2d_forward` follows.
TIE_RULE = (
    "When several cells of a window share its maximum, the first of them in reading order (row "
    "by row, left to right) wins, as in torch, and only that one receives the gradient."
)


def _plane(a: np.ndarray) -> np.ndarray:
    """(H, W) -> (1, 1, H, W), as the engine's functions take it."""
    return np.ascontiguousarray(a[None, None])


def window_cells(grid: np.ndarray, windows: dict) -> np.ndarray:
    """(OH, OW, KH, KW): the cells of `grid` (padded coordinates) each output's window reads."""
    rows, cols = windows["rows"], windows["cols"]
    return grid[rows[:, None, :, None], cols[None, :, None, :]]


def conv_answer(
    x: np.ndarray,
    padded: np.ndarray,
    kernel: np.ndarray,
    geometry: ConvGeometry,
    flip: bool,
    upstream: np.ndarray,
    windows: dict,
) -> dict:
    """The convolution of `x` by `kernel` (flipped in both axes first when `flip`: a true
    convolution; else a cross-correlation, what a conv layer computes), each output's products
    (window × slid kernel, tap by tap: their sum is the output), and the gradients of
    sum(output · upstream) with respect to the input and to the kernel as typed (so with `flip`
    the slid kernel's gradient is flipped back)."""
    applied = np.ascontiguousarray(kernel[::-1, ::-1]) if flip else kernel
    out, cache = conv2d_forward(_plane(x), _plane(applied), None, geometry)
    dx, dapplied, _ = conv2d_backward(_plane(upstream), cache)
    dkernel = dapplied[0, 0][::-1, ::-1] if flip else dapplied[0, 0]
    return {
        "kernel": kernel,
        "applied_kernel": applied,
        "flip": flip,
        "output": out[0, 0],
        "products": window_cells(padded, windows) * applied,
        "grad_input": dx[0, 0],
        "grad_kernel": dkernel,
    }


def pool_answer(
    op: str, x: np.ndarray, geometry: PoolGeometry, upstream: np.ndarray, windows: dict
) -> dict:
    """Max (`op` "maxpool") or average ("avgpool") pooling of `x`, and the gradient with
    respect to `x` of sum(output · upstream). A max pool also gives each window's winner: as
    torch's `return_indices`, a flat offset into the input (row · W + column), and as a cell of
    the padded grid; how many cells tie for the maximum; and the rule that picks among them."""
    if op == "avgpool":
        out, cache = avg_pool2d_forward(_plane(x), geometry)
        dx = avg_pool2d_backward(_plane(upstream), cache)
        return {
            "pool_size": geometry.kernel[1],
            "output": out[0, 0],
            "grad_input": dx[0, 0],
            "divisor": geometry.kernel[0] * geometry.kernel[1],
        }
    out, cache = max_pool2d_forward(_plane(x), geometry)
    dx = max_pool2d_backward(_plane(upstream), cache)
    indices = max_pool2d_indices(cache)[0, 0]
    top, left = geometry.padding
    width = x.shape[1]
    winners = np.stack([indices // width + top, indices % width + left], axis=-1)
    # Padding never wins a max pool: it reads as -inf, as in the engine.
    seen = np.pad(x, ((top, top), (left, left)), constant_values=-np.inf)
    ties = (window_cells(seen, windows) == out[0, 0][:, :, None, None]).sum(axis=(2, 3))
    return {
        "pool_size": geometry.kernel[1],
        "output": out[0, 0],
        "grad_input": dx[0, 0],
        "indices": indices,
        "winners": winners,
        "ties": ties,
        "tie_rule": TIE_RULE,
    }
