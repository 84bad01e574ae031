"""What the explain tests compare against, computed with torch and none of our geometry: the
convolution on explicitly padded input, and which input pixel each window tap reads."""

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)

from cnnviz.nn.geometry import ConvGeometry

#: Window geometries worth checking: padding modes (even "same" pads more after), non-square
#: kernels, strides and dilations per axis.
GEOMETRIES = [
    dict(kernel_size=3),
    dict(kernel_size=3, padding=1),
    dict(kernel_size=(2, 3), stride=(2, 1), padding=(1, 0)),
    dict(kernel_size=4, padding="same"),
    dict(kernel_size=3, padding="full", dilation=2),
    dict(kernel_size=(3, 2), stride=2, dilation=(1, 2), padding=2),
]


def torch_conv(x, weight, bias, geometry: ConvGeometry):
    """torch's conv2d on explicitly padded input (any of our paddings, asymmetric included)."""
    top, bottom, left, right = geometry.padding
    xp = F.pad(x, (left, right, top, bottom))
    return F.conv2d(xp, weight, bias, stride=geometry.stride, dilation=geometry.dilation)


def torch_taps(geometry: ConvGeometry, hw: tuple[int, int]) -> np.ndarray:
    """(OH, OW, KH, KW): the flat index row·W + col of the input pixel each tap of each window
    reads, −1 where it reads padding. torch's unfold slides the window over an image whose
    pixels hold their own index + 1 (padding holds 0)."""
    h, w = hw
    top, bottom, left, right = geometry.padding
    image = torch.arange(1, h * w + 1, dtype=torch.float64).reshape(1, 1, h, w)
    padded = F.pad(image, (left, right, top, bottom))
    cols = F.unfold(padded, geometry.kernel, dilation=geometry.dilation, stride=geometry.stride)
    oh = padded.shape[2] - geometry.dilation[0] * (geometry.kernel[0] - 1) - 1
    oh = oh // geometry.stride[0] + 1
    taps = cols[0].T.reshape(oh, -1, *geometry.kernel).numpy().astype(np.int64)
    return taps - 1


def taps_of(windows: dict, hw: tuple[int, int]) -> np.ndarray:
    """The same (OH, OW, KH, KW) array made from an answer's `windows` (rows per output row,
    columns per output column)."""
    h, w = hw
    rows, cols = np.asarray(windows["rows"]), np.asarray(windows["cols"])
    r = rows[:, None, :, None]
    c = cols[None, :, None, :]
    inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
    return np.where(inside, r * w + c, -1)
