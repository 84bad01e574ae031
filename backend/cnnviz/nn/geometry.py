"""Window geometry shared by convolution and pooling: padding modes, output sizes, kernel taps.

Padding is kept as four numbers (top, bottom, left, right) because "same" with an even kernel
pads one more pixel after than before, exactly as torch does.
"""

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.lib.stride_tricks import as_strided

Pair = tuple[int, int]
Padding4 = tuple[int, int, int, int]
PaddingMode = Literal["valid", "same", "full"]
PADDING_MODES: tuple[str, ...] = get_args(PaddingMode)


def pair(value: int | tuple[int, int] | list[int], what: str) -> Pair:
    """An int or a two-item sequence as (height, width)."""
    if isinstance(value, int | np.integer):
        return int(value), int(value)
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(f"{what} must be an int or a pair (height, width), got {value!r}")


def output_size(size: int, kernel: int, stride: int, before: int, after: int, dilation: int) -> int:
    """Positions a (dilated) window of `kernel` taps takes along an axis of `size`."""
    return (size + before + after - dilation * (kernel - 1) - 1) // stride + 1


def kernel_tap(
    padded: np.ndarray, i: int, j: int, out_hw: Pair, stride: Pair, dilation: Pair = (1, 1)
) -> np.ndarray:
    """What kernel tap (i, j) sees at every output position: a strided view of (C, Hp, Wp, N).

    Looping over the KH*KW taps (25 for a 5x5 kernel) instead of over pixels is what lets im2col,
    col2im and pooling run as a few large array operations.
    """
    (oh, ow), (sh, sw), (dh, dw) = out_hw, stride, dilation
    r, c = i * dh, j * dw
    return padded[:, r : r + sh * (oh - 1) + 1 : sh, c : c + sw * (ow - 1) + 1 : sw]


def kernel_windows(
    padded: np.ndarray, kernel: Pair, out_hw: Pair, stride: Pair, dilation: Pair = (1, 1)
) -> np.ndarray:
    """Every tap at every output position: a read-only (C, KH, KW, OH, OW, N) view of a
    C-contiguous (C, Hp, Wp, N) array, whose copy is the im2col matrix.

    The view steps dilation*row per tap and stride*row per output position; copying it in one
    call is cheaper than one slab copy per tap (benchmarks/README.md).
    """
    s_c, s_h, s_w, s_n = padded.strides
    (dh, dw), (sh, sw) = dilation, stride
    return as_strided(
        padded,
        shape=(padded.shape[0], *kernel, *out_hw, padded.shape[3]),
        strides=(s_c, s_h * dh, s_w * dw, s_h * sh, s_w * sw, s_n),
        writeable=False,
    )


@dataclass(frozen=True)
class ConvGeometry:
    """A window resolved to numbers: kernel, stride and dilation as (rows, cols), padding on four
    sides (top, bottom, left, right). Pooling windows are described by it too (`as_conv`)."""

    kernel: Pair
    stride: Pair = (1, 1)
    padding: Padding4 = (0, 0, 0, 0)
    dilation: Pair = (1, 1)

    @classmethod
    def make(cls, kernel_size, stride=1, padding=0, dilation=1) -> "ConvGeometry":
        """Build from torch-style arguments; `padding` is an int, a pair, or a mode name.

        "valid" pads nothing, "same" keeps the size at stride 1 (dilation*(k-1) split as torch
        splits it, the extra pixel after), "full" pads dilation*(k-1) on every side so each input
        pixel meets every kernel tap.
        """
        kernel, stride, dilation = (
            pair(kernel_size, "kernel_size"),
            pair(stride, "stride"),
            pair(dilation, "dilation"),
        )
        for what, value in (("kernel_size", kernel), ("stride", stride), ("dilation", dilation)):
            if min(value) < 1:
                raise ValueError(f"{what} must be at least 1, got {value}")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        if isinstance(padding, str):
            if padding == "valid":
                pads = (0, 0, 0, 0)
            elif padding == "same":
                if stride != (1, 1):
                    raise ValueError("padding='same' needs stride 1 (as in torch)")
                pads = (totals[0] // 2, totals[0] - totals[0] // 2)
                pads += (totals[1] // 2, totals[1] - totals[1] // 2)
            elif padding == "full":
                pads = (totals[0], totals[0], totals[1], totals[1])
            else:
                raise ValueError(
                    f"padding must be an int, a pair or one of {', '.join(PADDING_MODES)}; "
                    f"got {padding!r}"
                )
        else:
            ph, pw = pair(padding, "padding")
            if min(ph, pw) < 0:
                raise ValueError(f"padding must not be negative, got {padding}")
            pads = (ph, ph, pw, pw)
        return cls(kernel, stride, pads, dilation)

    def output_hw(self, h: int, w: int) -> Pair:
        t, b, left, right = self.padding
        return (
            output_size(h, self.kernel[0], self.stride[0], t, b, self.dilation[0]),
            output_size(w, self.kernel[1], self.stride[1], left, right, self.dilation[1]),
        )


@dataclass(frozen=True)
class PoolGeometry:
    kernel: Pair
    stride: Pair
    padding: Pair = (0, 0)

    @classmethod
    def make(cls, kernel_size, stride=None, padding=0) -> "PoolGeometry":
        """torch-style arguments: stride defaults to the kernel size; padding at most half of it."""
        kernel = pair(kernel_size, "kernel_size")
        stride = kernel if stride is None else pair(stride, "stride")
        padding = pair(padding, "padding")
        if min(kernel) < 1 or min(stride) < 1:
            raise ValueError(f"kernel_size and stride must be at least 1, got {kernel}, {stride}")
        if min(padding) < 0 or any(2 * p > k for p, k in zip(padding, kernel, strict=True)):
            raise ValueError(
                f"padding must be between 0 and half the kernel size {kernel}, got {padding}"
            )
        return cls(kernel, stride, padding)

    @property
    def as_conv(self) -> ConvGeometry:
        ph, pw = self.padding
        return ConvGeometry(self.kernel, self.stride, (ph, ph, pw, pw))

    def output_hw(self, h: int, w: int) -> Pair:
        return self.as_conv.output_hw(h, w)
