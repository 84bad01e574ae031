"""Element-wise non-linearities. Each keeps what its derivative needs from the forward pass.

Element-wise ufuncs keep their input's memory order, so CHWN memory stays CHWN through them.
"""

import numpy as np

from ..losses import sigmoid
from .base import Layer


class _Activation(Layer):
    is_activation = True


class ReLU(_Activation):
    """max(x, 0); the gradient passes where x > 0 (0 at x = 0, as torch)."""

    default_name = "relu"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self._positive: np.ndarray | None = None

    def forward(self, x):
        self._positive = x > 0
        return np.maximum(x, 0, dtype=x.dtype)

    def backward(self, dout, input_grad=True):
        return dout * self.from_forward(self._positive)


class LeakyReLU(_Activation):
    """x where x > 0, else negative_slope * x."""

    default_name = "leakyrelu"

    def __init__(self, negative_slope: float = 0.01, name: str | None = None) -> None:
        super().__init__(name)
        self.negative_slope = float(negative_slope)
        self._config = {"negative_slope": self.negative_slope}
        self._slope: np.ndarray | None = None

    def forward(self, x):
        self._slope = np.where(x > 0, 1.0, self.negative_slope).astype(x.dtype)
        return x * self._slope

    def backward(self, dout, input_grad=True):
        return dout * self.from_forward(self._slope)


class Sigmoid(_Activation):
    """1 / (1 + exp(-x)), computed without overflow for large |x|; derivative y * (1 - y)."""

    default_name = "sigmoid"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self._y: np.ndarray | None = None

    def forward(self, x):
        self._y = sigmoid(x)
        return self._y

    def backward(self, dout, input_grad=True):
        y = self.from_forward(self._y)
        return dout * y * (1 - y)


class Tanh(_Activation):
    """tanh(x); derivative 1 - y²."""

    default_name = "tanh"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self._y: np.ndarray | None = None

    def forward(self, x):
        self._y = np.tanh(x)
        return self._y

    def backward(self, dout, input_grad=True):
        y = self.from_forward(self._y)
        return dout * (1 - y * y)
