"""The small-matrix sandbox's maths, knowing nothing of HTTP: a signal or a matrix a student
types, slid through a convolution, a max pool or an average pool, forward and backward, with
every number a view needs to follow it by hand.

A 1-D signal is one row, and it goes through the same 2-D code as a matrix does, as a 1×N
image: its kernel or pooling window is one row too, and its stride, dilation and padding act on
the columns only. So the notebook's `conv1d` and `conv2d` are the engine's one convolution, and
what the sandbox shows is what a network's layers compute.

The numbers come from the engine's functional core (`conv2d_forward`, `max_pool2d_forward`, ...
and their backward passes); the windows from `windows.layer_windows`, the window function the
stepper and the playground use; the output-size formula from `playground.axis_formula`. This
module adds what only the sandbox needs: the input padded for display, each window's products
(conv) or winner and its ties (max pool), and the checks that say what to change. The per-op
details live in `sandbox_ops`.
"""

from dataclasses import asdict

import numpy as np

from cnnviz.nn.geometry import ConvGeometry, PoolGeometry

from .playground import axis_formula
from .sandbox_ops import OPS, conv_answer, pool_answer
from .windows import layer_windows

MAX_INPUT_SIDE = 32
MAX_KERNEL_SIDE = 7
MAX_POOL_SIZE = 7
MAX_STRIDE = 8
MAX_DILATION = 4
MAX_PADDING = 8
#: Output cells × kernel taps: the products a convolution answer carries, one per tap of every
#: window. A 32×32 input with a 7×7 kernel and padding "full" (38×38 outputs, 70,756 products,
#: about 0.6 MB of JSON) fits; a larger dilation on top of it does not.
MAX_PRODUCTS = 75_000


def _rectangular(values, what: str) -> np.ndarray:
    """`values` (rows of numbers) as a float64 matrix, or a ValueError naming the ragged rows."""
    rows = [list(row) for row in values]
    widths = sorted({len(row) for row in rows})
    if not rows or widths[0] == 0:
        raise ValueError(f"{what} is empty: give at least one number")
    if len(widths) > 1:
        raise ValueError(
            f"{what} must be rectangular: every row the same length, got rows of {widths} numbers"
        )
    return np.asarray(rows, np.float64)


def _side_check(matrix: np.ndarray, what: str, most: int) -> None:
    if max(matrix.shape) > most:
        raise ValueError(
            f"{what} is {shape_text(matrix.shape)}: at most {most}×{most} (or {most} numbers in "
            "one row)"
        )


def shape_text(shape, signal: bool = True) -> str:
    """(1, 8) -> "8 numbers in one row" (for a matrix, `signal` false: "1×8"); (3, 4) -> "3×4"."""
    if shape[0] > 1 or not signal:
        return f"{shape[0]}×{shape[1]}"
    return f"{shape[1]} number{'s' if shape[1] > 1 else ''} in one row"


def _axis_pair(value: int, one_d: bool, fill: int) -> tuple[int, int]:
    """A stride, dilation or padding typed as one number: both axes of a matrix, the columns
    alone of a signal (its one row needs `fill`: stride and dilation 1, padding 0)."""
    return (fill, value) if one_d else (value, value)


def _conv_geometry(kernel: np.ndarray, one_d: bool, stride, padding, dilation) -> ConvGeometry:
    if isinstance(padding, int):
        padding = _axis_pair(padding, one_d, 0)
    return ConvGeometry.make(
        kernel.shape, _axis_pair(stride, one_d, 1), padding, _axis_pair(dilation, one_d, 1)
    )


def _pool_geometry(size: int, one_d: bool, stride, padding) -> PoolGeometry:
    if padding in ("same", "full"):
        raise ValueError(
            f"padding {padding!r} is for convolutions: a pooling window takes 'valid' or a "
            f"number of zeros on each side (at most half the pool size, {size // 2} for a pool "
            f"of {size})"
        )
    pad = 0 if padding == "valid" else padding
    if 2 * pad > size:
        raise ValueError(
            f"padding {pad} is more than half the pool size {size}: a window would hold only "
            f"padding. Use padding 0 to {size // 2}"
        )
    return PoolGeometry.make(
        _axis_pair(size, one_d, 1),
        _axis_pair(size if stride is None else stride, one_d, 1),
        _axis_pair(pad, one_d, 0),
    )


def formulas(hw: tuple[int, int], geometry: ConvGeometry, one_d: bool) -> list[dict]:
    """The output-size formula of each axis that moves: a signal's length, or a matrix's rows
    and columns, each with its terms and the text with the numbers in it."""
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    top, bottom, left, right = geometry.padding
    cols = axis_formula(hw[1], kw, sw, left, right, dw)
    if one_d:
        return [{"axis": "length", **cols}]
    rows = axis_formula(hw[0], kh, sh, top, bottom, dh)
    return [{"axis": "rows", **rows}, {"axis": "columns", **cols}]


def _fit_check(hw: tuple[int, int], geometry: ConvGeometry, what: str, axes: list[dict]) -> None:
    """A ValueError in the student's words when the (dilated) window is larger than the padded
    input along an axis: "the kernel (5 wide) is wider than the padded input (3)"."""
    for axis in axes:
        if axis["output"] >= 1:
            continue
        wide = axis["axis"] != "rows"
        padded = axis["size"] + sum(axis["padding"])
        dilated = (
            f", spanning {axis['span']} with dilation {axis['dilation']}"
            if axis["dilation"] > 1
            else ""
        )
        raise ValueError(
            f"{what} ({axis['kernel']} {'wide' if wide else 'tall'}{dilated}) is "
            f"{'wider' if wide else 'taller'} than the padded input ({padded}): "
            f"{axis['text']}. Use a smaller {what.removeprefix('the ')}, more padding or a "
            "longer input"
        )


def padded_grid(x: np.ndarray, padding: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The input with its padding as zeros, and the mask that is true on the padding."""
    top, bottom, left, right = padding
    widths = ((top, bottom), (left, right))
    return np.pad(x, widths), np.pad(np.zeros(x.shape, bool), widths, constant_values=True)


def padded_windows(geometry: ConvGeometry, hw, out_hw) -> dict:
    """Every window by axis in the padded grid's coordinates: output (i, j) reads padded rows
    `rows[i]` and columns `cols[j]` (layer_windows gives them in input coordinates)."""
    top, _, left, _ = geometry.padding
    windows = layer_windows(geometry, hw, out_hw)
    return {"rows": windows["rows"] + top, "cols": windows["cols"] + left}


def upstream_gradient(grad, out_hw: tuple[int, int], signal: bool) -> np.ndarray:
    """The gradient arriving at the output: `grad` when given (it must have the output's shape),
    else all ones (the gradient of the output's sum). `signal`: the output is a 1-D signal's."""
    if grad is None:
        return np.ones(out_hw)
    grad = _rectangular(grad, "the upstream gradient")
    if grad.shape != tuple(out_hw):
        raise ValueError(
            f"the upstream gradient must have the output's shape, {shape_text(out_hw, signal)} "
            f"(one number per output cell), but it is {shape_text(grad.shape, signal)}; or leave "
            "it out for all ones"
        )
    return grad


def run(
    op: str,
    values,
    *,
    kernel=None,
    pool: int | None = None,
    stride: int | None = None,
    padding: int | str = 0,
    dilation: int = 1,
    flip: bool = False,
    grad=None,
) -> dict:
    """The sandbox's answer for `op` ("conv", "maxpool" or "avgpool") on `values` (rows of
    numbers; one row is a 1-D signal): the padded input, the output, the output-size formula,
    every window, and the backward pass of `grad` (the output's shape; None: all ones). A
    convolution needs `kernel` (`flip`: a true convolution, the kernel flipped in both axes
    before it slides) and takes `dilation`; a pool takes `pool` (its size, default 2), and its
    stride defaults to that size. Anything that cannot be computed is a ValueError saying what
    to change."""
    if op not in OPS:
        raise ValueError(f"op must be one of {', '.join(OPS)}, got {op!r}")
    x = _rectangular(values, "the input")
    _side_check(x, "the input", MAX_INPUT_SIDE)
    one_d = x.shape[0] == 1
    if op == "conv":
        if kernel is None or pool is not None:
            raise ValueError(
                "a convolution needs a kernel (rows of numbers) and takes no pool size"
            )
        kernel = _rectangular(kernel, "the kernel")
        _side_check(kernel, "the kernel", MAX_KERNEL_SIDE)
        if one_d and kernel.shape[0] > 1:
            raise ValueError(
                f"a 1-D signal (one row) slides a 1-D kernel (one row); this kernel has "
                f"{kernel.shape[0]} rows: type it on one line, or give the input more rows"
            )
        geometry = _conv_geometry(kernel, one_d, stride or 1, padding, dilation)
        what = "the kernel"
    else:
        if kernel is not None or flip or dilation != 1:
            raise ValueError(
                "a pooling window has no kernel, flip or dilation: give its size (`pool`), "
                "stride and padding"
            )
        size = 2 if pool is None else pool
        if not 1 <= size <= MAX_POOL_SIZE:
            raise ValueError(f"the pool size must be 1 to {MAX_POOL_SIZE}, got {size}")
        pooling = _pool_geometry(size, one_d, stride, padding)
        geometry = pooling.as_conv
        what = "the pool window"
    axes = formulas(x.shape, geometry, one_d)
    _fit_check(x.shape, geometry, what, axes)
    out_hw = geometry.output_hw(*x.shape)
    taps = geometry.kernel[0] * geometry.kernel[1]
    if op == "conv" and out_hw[0] * out_hw[1] * taps > MAX_PRODUCTS:
        raise ValueError(
            f"{out_hw[0]}×{out_hw[1]} outputs × {taps} kernel taps = "
            f"{out_hw[0] * out_hw[1] * taps:,} products, more than the sandbox shows "
            f"({MAX_PRODUCTS:,}): use a smaller input, kernel, dilation or padding"
        )
    upstream = upstream_gradient(grad, out_hw, one_d)
    padded, mask = padded_grid(x, geometry.padding)
    answer = {
        "op": op,
        "dims": 1 if one_d else 2,
        "input": x,
        "input_size": list(x.shape),
        "padded": padded,
        "padded_mask": mask,
        "geometry": asdict(geometry),
        "formulas": axes,
        "output_size": list(out_hw),
        "windows": padded_windows(geometry, x.shape, out_hw),
        "grad": upstream,
        "grad_given": grad is not None,
    }
    windows = answer["windows"]
    if op == "conv":
        return {**answer, **conv_answer(x, padded, kernel, geometry, flip, upstream, windows)}
    return {**answer, **pool_answer(op, x, pooling, upstream, windows)}
