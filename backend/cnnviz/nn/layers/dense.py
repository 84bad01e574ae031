"""Flatten and Dense: from feature maps to a vector, and a fully connected layer on it."""

import numpy as np

from ..layout import flatten_nchw, unflatten_nchw
from .base import Initializer, Layer


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W) in torch's order (channel, then row, then column)."""

    default_name = "flatten"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self._shape: tuple[int, ...] | None = None

    def output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def forward(self, x):
        if x.ndim < 2:
            raise self.error(f"expects a batch (N, ...), got shape {tuple(x.shape)}")
        self._shape = x.shape
        return flatten_nchw(x) if x.ndim == 4 else x.reshape(x.shape[0], -1)

    def backward(self, dout, input_grad=True):
        shape = self.from_forward(self._shape)
        return unflatten_nchw(dout, shape) if len(shape) == 4 else dout.reshape(shape)


class Dense(Layer):
    """y = x @ weight.T + bias; params: weight (out, in), bias (out,), as torch.nn.Linear."""

    default_name = "fc"

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        init: Initializer = "he_normal",
        rng: np.random.Generator | int | None = None,
        dtype: np.typing.DTypeLike = np.float32,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        if in_features < 1 or out_features < 1:
            raise ValueError(f"features must be at least 1, got {in_features} -> {out_features}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self._config = {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": bias,
            "init": init,
        }
        self.init_params((self.out_features, self.in_features), bias, init, rng, dtype)
        self._x: np.ndarray | None = None

    def output_shape(self, input_shape):
        if tuple(input_shape) != (self.in_features,):
            got = input_shape[0] if len(input_shape) == 1 else tuple(input_shape)
            raise self.error(f"expects {self.in_features} input features, got {got}")
        return (self.out_features,)

    def forward(self, x):
        self.check_batch(x, 2)
        dtype = self.compute_dtype(x)
        self._x = x.astype(dtype, copy=False)
        out = self._x @ self.params["weight"].astype(dtype, copy=False).T
        if "bias" in self.params:
            out += self.params["bias"]
        return out

    def backward(self, dout, input_grad=True):
        x, weight = self.from_forward(self._x), self.params["weight"]
        # np.dot, not @: for one image (N = 1) matmul's outer product does not use BLAS.
        self.grads = {"weight": np.dot(dout.T, x).astype(weight.dtype, copy=False)}
        if "bias" in self.params:
            self.grads["bias"] = dout.sum(axis=0).astype(weight.dtype, copy=False)
        if not input_grad:
            return None
        # (in, N) memory, transposed: a Flatten before us hands it on as CHWN without a copy.
        return (weight.T.astype(dout.dtype, copy=False) @ dout.T).T
