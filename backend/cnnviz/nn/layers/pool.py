"""MaxPool2D and AvgPool2D: downsample each channel by a window statistic. No parameters."""

import numpy as np

from ..functional import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
    max_pool2d_indices,
)
from ..geometry import ConvGeometry, PoolGeometry
from ..workspace import Workspace
from .base import Layer


class _Pool2D(Layer):
    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        name: str | None = None,
    ) -> None:
        """`stride` defaults to the kernel size; `padding` is at most half the kernel."""
        super().__init__(name)
        try:
            self.geometry = PoolGeometry.make(kernel_size, stride, padding)
        except ValueError as exc:
            raise self.error(f"has invalid geometry: {exc}") from None
        self._config = {"kernel_size": kernel_size, "stride": stride, "padding": padding}
        self._cache = None
        self._ws = Workspace()

    @property
    def window(self) -> ConvGeometry:
        return self.geometry.as_conv

    def output_shape(self, input_shape):
        c, h, w = self.check_sample(input_shape)
        oh, ow = self.geometry.output_hw(h, w)
        if oh < 1 or ow < 1:
            kh, kw = self.geometry.kernel
            raise self.error(f"input {h}×{w} is smaller than its {kh}×{kw} window")
        return c, oh, ow


class MaxPool2D(_Pool2D):
    """Keeps each window's maximum. After `forward`, `indices` says which input won each cell."""

    default_name = "pool"

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        name: str | None = None,
    ) -> None:
        super().__init__(kernel_size, stride, padding, name)
        self._indices: np.ndarray | None = None

    def forward(self, x):
        self.check_batch(x, 4)
        self._indices = None
        out, self._cache = max_pool2d_forward(x, self.geometry, self._ws)
        return out

    def backward(self, dout, input_grad=True):
        return max_pool2d_backward(dout, self.from_forward(self._cache), self._ws)

    @property
    def indices(self) -> np.ndarray | None:
        """(N, C, OH, OW) int64 flat offsets h * W + w of the winners in each input plane,
        exactly torch's max_pool2d(..., return_indices=True); None before any forward.

        Computed on first access, so a training loop that never asks pays nothing."""
        if self._cache is None:
            return None
        if self._indices is None:
            self._indices = max_pool2d_indices(self._cache)
        return self._indices


class AvgPool2D(_Pool2D):
    """Keeps each window's mean (padded zeros count, as in torch's default)."""

    default_name = "avgpool"

    def forward(self, x):
        self.check_batch(x, 4)
        out, self._cache = avg_pool2d_forward(x, self.geometry, self._ws)
        return out

    def backward(self, dout, input_grad=True):
        return avg_pool2d_backward(dout, self.from_forward(self._cache), self._ws)
