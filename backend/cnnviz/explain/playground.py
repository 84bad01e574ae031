"""The convolution playground's maths, knowing nothing of HTTP: one kernel slid over a small
image, with the output size written out per axis and every window the kernel takes.

The output is `reference.conv2d_forward_naive` (or `true_convolution` when flipped) and the
windows come from `windows.layer_windows`, so the playground, the stepper and the pooling view
share one window function; the page draws what it is given and computes no size itself.
"""

import numpy as np
from PIL import Image

from cnnviz.nn.geometry import ConvGeometry, output_size
from cnnviz.nn.reference import conv2d_forward_naive, true_convolution

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
    """A (H, W) image through one (KH, KW) kernel: (output (OH, OW), formula per axis, windows).

    `windows` is `windows.layer_windows`: for each output row the image rows its window reads,
    for each output column the image columns (outside 0…H−1 or 0…W−1: padding). A kernel that
    does not fit is a ValueError saying what to change.
    """
    image = np.asarray(image, np.float64)
    kernel = np.asarray(kernel, np.float64)
    h, w = image.shape
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    top, bottom, left, right = geometry.padding
    formula = {
        "rows": axis_formula(h, kh, sh, top, bottom, dh),
        "cols": axis_formula(w, kw, sw, left, right, dw),
    }
    if formula["rows"]["output"] < 1 or formula["cols"]["output"] < 1:
        raise ValueError(
            f"the {kh}×{kw} kernel (dilation {dh}×{dw}, spanning {dh * (kh - 1) + 1}×"
            f"{dw * (kw - 1) + 1}) does not fit the {h}×{w} image with padding "
            f"{geometry.padding}: {formula['rows']['text']}; {formula['cols']['text']}. Use a "
            "smaller kernel or dilation, a larger input size, or more padding"
        )
    run = true_convolution if flip else conv2d_forward_naive
    out = run(image[None, None], kernel[None, None], None, geometry)[0, 0]
    return out, formula, layer_windows(geometry, (h, w), out.shape)
