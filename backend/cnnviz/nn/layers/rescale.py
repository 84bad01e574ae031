"""Rescale: y = x · scale + offset, a fixed affine change of the input's values.

As a first layer, `Rescale(offset=-0.5)` moves [0, 1] pixels to [-0.5, 0.5], the input scaling
several course networks train on; the model's inputs stay the [0, 1] images every route sends.
"""

import math

from .base import Layer


class Rescale(Layer):
    """y = x · scale + offset, element by element; no parameters, shape-preserving."""

    default_name = "rescale"

    def __init__(self, scale: float = 1.0, offset: float = 0.0, name: str | None = None) -> None:
        super().__init__(name)
        for key, value in (("scale", scale), ("offset", offset)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.error(f"needs a number for {key}, got {value!r}")
            if not math.isfinite(value):
                raise self.error(f"needs a finite {key}, got {value!r}")
        self.scale, self.offset = float(scale), float(offset)
        self._config = {"scale": self.scale, "offset": self.offset}

    def forward(self, x):
        dtype = x.dtype.type
        return x * dtype(self.scale) + dtype(self.offset)

    def backward(self, dout, input_grad=True):
        return dout * dout.dtype.type(self.scale)
