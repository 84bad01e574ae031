"""The contract every layer keeps.

`forward(x) -> y` and `backward(dout) -> dx` work on NCHW batches (or (N, features) for dense
layers). `backward` fills `grads` (same keys as `params`) and returns the gradient for the input;
it never changes parameters: an optimizer does that, which is what makes gradient checks possible.
`params[...] = array` is how weights are loaded.
"""

from typing import Any, ClassVar, Literal

import numpy as np

from ..geometry import ConvGeometry
from ..init import INITIALIZERS, as_generator, initialize

#: The weight initializers a layer's `init` argument names.
Initializer = Literal[INITIALIZERS]  # type: ignore[valid-type]


class Layer:
    #: Short name the Sequential container numbers layers with ("conv" -> "conv1", "conv2", ...).
    default_name: ClassVar[str] = "layer"
    #: Element-wise non-linearities: a trace shows their input as the "pre-activation".
    is_activation: ClassVar[bool] = False
    #: Training or evaluation mode (`Sequential.train()` / `.eval()` set it); only layers that
    #: behave differently while training (Dropout) read it. A fresh layer is in eval mode, so
    #: every inference path gets the deterministic network without asking for it.
    training: bool = False

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        #: Constructor arguments, as `config()` reports them.
        self._config: dict[str, Any] = {}

    # -- the contract -------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Fill `grads`, return d(loss)/d(input). With `input_grad=False` the caller needs no
        input gradient (the first layer while training), and a layer may skip it, returning None.
        """
        raise NotImplementedError

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of one sample's output for one sample's input shape (no batch axis).

        Raises ValueError naming the layer when the input shape is not one it accepts.
        """
        return tuple(input_shape)

    @property
    def window(self) -> ConvGeometry | None:
        """The window a Conv2D or pooling layer slides, padding resolved to four sides; None for
        layers that see one position (activations) or everything (Flatten, Dense)."""
        return None

    def config(self) -> dict[str, Any]:
        """Constructor arguments (JSON-able) that rebuild this layer's architecture."""
        return dict(self._config)

    # -- shared helpers -------------------------------------------------------------------------
    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"

    @property
    def label(self) -> str:
        """How error messages name this layer: "Conv2D 'conv1'"."""
        kind = type(self).__name__
        return f"{kind} '{self.name}'" if self.name else kind

    def error(self, message: str) -> ValueError:
        return ValueError(f"{self.label} {message}")

    def from_forward(self, value):
        """`value` saved by forward, or a clear error when backward comes first."""
        if value is None:
            raise self.error("backward called before forward")
        return value

    def init_params(self, weight_shape, bias: bool, init: str, rng, dtype) -> None:
        """`weight` drawn by the initializer `init`; `bias` zeros, one per output (if wanted)."""
        self.params["weight"] = initialize(init, weight_shape, as_generator(rng), dtype)
        if bias:
            self.params["bias"] = np.zeros(weight_shape[0], dtype)

    def check_sample(self, input_shape) -> tuple[int, int, int]:
        """A (C, H, W) sample shape, or the error that says this layer needs one."""
        if len(input_shape) != 3:
            raise self.error(f"expects (C, H, W) samples, got shape {tuple(input_shape)}")
        return tuple(input_shape)

    def check_batch(self, x: np.ndarray, ndim: int) -> None:
        """Validate a batch against `output_shape`, so a wrong shape fails before any arithmetic."""
        if x.ndim != ndim:
            axes = "(N, C, H, W)" if ndim == 4 else "(N, features)"
            raise self.error(f"expects a {ndim}-D batch {axes}, got shape {tuple(x.shape)}")
        self.output_shape(x.shape[1:])

    def compute_dtype(self, x: np.ndarray) -> np.dtype:
        """The dtype of the input and the parameters together (float32 unless asked otherwise)."""
        dtypes = [x.dtype, *(p.dtype for p in self.params.values())]
        dtype = np.result_type(*dtypes)
        return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float32)

    def astype(self, dtype: np.typing.DTypeLike) -> "Layer":
        """Cast parameters to `dtype` in place (float64 for gradient checks, the teaching view)."""
        for key, value in self.params.items():
            self.params[key] = value.astype(dtype)
        self.grads = {}
        return self

    @property
    def parameter_count(self) -> int:
        return sum(int(p.size) for p in self.params.values())
