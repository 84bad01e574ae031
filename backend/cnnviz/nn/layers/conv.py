"""Conv2D: a bank of learned filters slid over the input (cross-correlation, as in torch)."""

import numpy as np

from ..functional import ConvCache, conv2d_backward, conv2d_forward
from ..geometry import ConvGeometry, PaddingMode
from ..workspace import Workspace
from .base import Initializer, Layer


class Conv2D(Layer):
    """A bank of learned filters slid over the input (cross-correlation, as torch's Conv2d).

    params: weight (F, C, KH, KW), bias (F,). Input (N, C, H, W) -> output (N, F, OH, OW).

    `padding` is an int, a pair, or "valid" / "same" / "full". For the flipped-kernel convolution
    of signal processing see `cnnviz.nn.reference.true_convolution`.
    """

    default_name = "conv"

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | PaddingMode = 0,
        dilation: int | tuple[int, int] = 1,
        bias: bool = True,
        init: Initializer = "he_normal",
        rng: np.random.Generator | int | None = None,
        dtype: np.typing.DTypeLike = np.float32,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        if in_channels < 1 or out_channels < 1:
            raise ValueError(f"channels must be at least 1, got {in_channels} -> {out_channels}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        try:
            self.geometry = ConvGeometry.make(kernel_size, stride, padding, dilation)
        except ValueError as exc:
            raise self.error(f"has invalid geometry: {exc}") from None
        self._config = {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": kernel_size,
            "stride": stride,
            "padding": padding,
            "dilation": dilation,
            "bias": bias,
            "init": init,
        }
        shape = (self.out_channels, self.in_channels, *self.geometry.kernel)
        self.init_params(shape, bias, init, rng, dtype)
        self._cache: ConvCache | None = None
        self._ws = Workspace()

    @property
    def window(self) -> ConvGeometry:
        return self.geometry

    def output_shape(self, input_shape):
        c, h, w = self.check_sample(input_shape)
        if c != self.in_channels:
            plural = "s" if self.in_channels != 1 else ""
            raise self.error(f"expects {self.in_channels} input channel{plural}, got {c}")
        oh, ow = self.geometry.output_hw(h, w)
        if oh < 1 or ow < 1:
            kh, kw = self.geometry.kernel
            raise self.error(
                f"input {h}×{w} is too small for a {kh}×{kw} kernel "
                f"(padding {self.geometry.padding}, dilation {self.geometry.dilation})"
            )
        return self.out_channels, oh, ow

    def forward(self, x):
        self.check_batch(x, 4)
        out, self._cache = conv2d_forward(
            x, self.params["weight"], self.params.get("bias"), self.geometry, self._ws
        )
        return out

    def backward(self, dout, input_grad=True):
        dx, dweight, dbias = conv2d_backward(
            dout, self.from_forward(self._cache), self._ws, input_grad
        )
        self.grads = {"weight": dweight.astype(self.params["weight"].dtype, copy=False)}
        if "bias" in self.params:
            self.grads["bias"] = dbias.astype(self.params["bias"].dtype, copy=False)
        return dx
