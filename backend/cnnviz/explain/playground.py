"""The convolution playground's maths, knowing nothing of HTTP: one kernel slid over a small
image, with the output size written out per axis and every window the kernel takes, or the
verdict that the kernel does not fit.

The output is the engine's own convolution (`functional.conv2d_forward`, tested against the naive
reference; a playground request costs milliseconds, not a Python loop per output) and the windows
come from `windows.layer_windows`, so the playground, the stepper and the pooling view share one
window function; the page draws what it is given and computes no size itself.
"""

from dataclasses import asdict

import numpy as np
from PIL import Image

from cnnviz.nn.functional import conv2d_forward
from cnnviz.nn.geometry import ConvGeometry, output_size

from .windows import layer_windows


def axis_formula(size: int, kernel: int, stride: int, before: int, after: int, dilation: int):
    """One axis of the output-size formula, its terms and the text with the numbers filled in,
    e.g. "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28"."""
    out = output_size(size, kernel, stride, before, after, dilation)
    pad = f"2·{before}" if before == after else f"{before} + {after}"
    return {
        "size": size,
        "kernel": kernel,
        "stride": stride,
        "dilation": dilation,
        "padding": [before, after],
        "span": dilation * (kernel - 1) + 1,
        "output": out,
        "text": f"⌊({size} + {pad} − {dilation}·({kernel} − 1) − 1) / {stride}⌋ + 1 = {out}",
    }


def resized(image: np.ndarray, side: int) -> np.ndarray:
    """(H, W) -> (side, side), each new pixel the area-weighted mean of the pixels it covers
    (PIL's box filter): a 28×28 digit made small enough to follow every number by hand."""
    if image.shape == (side, side):
        return image
    small = Image.fromarray(np.asarray(image, np.float32), mode="F").resize(
        (side, side), Image.Resampling.BOX
    )
    return np.asarray(small, np.float64)


def apply_kernel(image: np.ndarray, kernel: np.ndarray, geometry: ConvGeometry, flip: bool):
    """A (H, W) image through one (KH, KW) kernel, flipped in both axes first when `flip` (a
    true convolution): (output (OH, OW), formula per axis, windows).

    `windows` is `windows.layer_windows`: for each output row the image rows its window reads,
    for each output column the image columns (outside 0…H−1 or 0…W−1: padding). A kernel that
    does not fit is a ValueError saying what to change.
    """
    image = np.asarray(image, np.float64)
    kernel = np.asarray(kernel, np.float64)
    formula = formulas(image.shape, geometry)
    if formula["rows"]["output"] < 1 or formula["cols"]["output"] < 1:
        raise ValueError(does_not_fit(image.shape, geometry, formula))
    applied = kernel[::-1, ::-1] if flip else kernel
    out = conv2d_forward(image[None, None], applied[None, None].copy(), None, geometry)[0][0, 0]
    return out, formula, layer_windows(geometry, image.shape, out.shape)


def formulas(hw: tuple[int, int], geometry: ConvGeometry) -> dict:
    """The output-size formula of both axes ("rows", "cols") of an `hw` image."""
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    top, bottom, left, right = geometry.padding
    return {
        "rows": axis_formula(hw[0], kh, sh, top, bottom, dh),
        "cols": axis_formula(hw[1], kw, sw, left, right, dw),
    }


def does_not_fit(hw: tuple[int, int], geometry: ConvGeometry, formula: dict) -> str:
    """What to change when the (dilated) kernel is larger than the padded image."""
    (kh, kw), (dh, dw) = geometry.kernel, geometry.dilation
    return (
        f"the {kh}×{kw} kernel (dilation {dh}×{dw}, spanning {formula['rows']['span']}×"
        f"{formula['cols']['span']}) does not fit the {hw[0]}×{hw[1]} image with padding "
        f"{geometry.padding}: {formula['rows']['text']}; {formula['cols']['text']}. Use a "
        "smaller kernel or dilation, a larger input size, or more padding"
    )


def slide(image: np.ndarray, kernel: np.ndarray, stride, padding, dilation, flip: bool) -> dict:
    """The playground's answer: the kernel slid over the image with torch-style `stride`,
    `padding` (a number, a pair or a mode) and `dilation`, or, when that geometry cannot be
    slid (a kernel larger than the padded image, "same" with a stride), the verdict: `fits`
    false, the message saying what to change, and the formula when there is one. A verdict, not
    an error: the playground asks while the user types."""
    image = np.asarray(image, np.float64)
    kernel = np.asarray(kernel, np.float64)
    applied = kernel[::-1, ::-1] if flip else kernel
    answer = {
        "fits": False,
        "message": None,
        "input_size": list(image.shape),
        "input": image,
        "kernel": kernel,
        "applied_kernel": applied,
        "flip": flip,
        "geometry": None,
        "formula": None,
        "output": None,
        "output_size": None,
        "windows": None,
    }
    try:
        geometry = ConvGeometry.make(kernel.shape, stride, padding, dilation)
    except ValueError as exc:
        return {**answer, "message": str(exc)}
    answer["geometry"] = asdict(geometry)
    try:
        output, answer["formula"], windows = apply_kernel(image, kernel, geometry, flip)
    except ValueError as exc:
        return {**answer, "formula": formulas(image.shape, geometry), "message": str(exc)}
    return {
        **answer,
        "fits": True,
        "output": output,
        "output_size": list(output.shape),
        "windows": windows,
    }
