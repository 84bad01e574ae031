"""Sequential: layers in a row, with the per-layer record a visualizer needs.

`trace(x)` is the forward pass that keeps everything: for each layer its output, the input to an
activation (its pre-activation) and a max-pool's winning indices. After it, `backward` works as
after `forward`, so one trace plus one backward gives every map and the gradient at the input;
`backward_per_layer` also keeps the gradient at every layer's output.
`layer_geometry()` describes each layer without running it: shapes, parameters, the window it
slides and its receptive fields (`receptive.py`), the one source of geometry for anything that
draws them.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .geometry import ConvGeometry
from .layers import Layer, MaxPool2D
from .receptive import ReceptiveField, compose_fields
from .serialize import load_model, model_from_spec, model_to_spec, save_model


@dataclass
class LayerTrace:
    name: str
    type: str
    input_shape: tuple[int, ...]  # with the batch axis
    output_shape: tuple[int, ...]
    output: np.ndarray
    pre_activation: np.ndarray | None = None  # an activation layer's input
    indices: np.ndarray | None = None  # a max-pool's winners, torch's return_indices convention


@dataclass(frozen=True)
class LayerGeometry:
    """One layer as shapes and numbers: what it takes, what it gives, the window it slides."""

    name: str
    type: str
    input_shape: tuple[int, ...]  # one sample's, no batch axis
    output_shape: tuple[int, ...]
    parameters: int
    geometry: ConvGeometry | None  # Conv2D and pooling layers (`Layer.window`), else None
    # its cells in the input image, then in each earlier map; empty from Flatten on
    receptive_fields: tuple[ReceptiveField, ...]


class Sequential:
    def __init__(self, *layers: Layer, input_shape: tuple[int, ...] | None = None) -> None:
        """`input_shape` is one sample's shape, e.g. (1, 28, 28); with it the architecture is
        checked at once and `summary()` can give every layer's output shape."""
        self.layers = list(layers)
        taken = {layer.name for layer in self.layers if layer.name is not None}
        counts: Counter[str] = Counter()
        for layer in self.layers:
            counts[layer.default_name] += 1
            if layer.name is None:
                while f"{layer.default_name}{counts[layer.default_name]}" in taken:
                    counts[layer.default_name] += 1
                layer.name = f"{layer.default_name}{counts[layer.default_name]}"
                taken.add(layer.name)
        names = [layer.name for layer in self.layers]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"layer names must be unique; repeated: {', '.join(duplicated)}")
        self.input_shape = tuple(input_shape) if input_shape is not None else None
        if self.input_shape is not None:
            self.output_shapes()

    # -- containers ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, key: int | str) -> Layer:
        if isinstance(key, str):
            for layer in self.layers:
                if layer.name == key:
                    return layer
            raise KeyError(f"no layer named {key!r}; layers: {', '.join(self.names)}")
        return self.layers[key]

    @property
    def names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({layer.name}): {layer!r}" for layer in self.layers)
        return f"Sequential({inner}\n)"

    # -- modes ----------------------------------------------------------------------------------
    @property
    def training(self) -> bool:
        """True between `train()` and `eval()`; a fresh or loaded model is in eval mode."""
        return any(layer.training for layer in self.layers)

    def train(self, mode: bool = True) -> "Sequential":
        """Put every layer in training mode (Dropout drops units), or eval mode with False, as
        torch's `Module.train(mode)`."""
        for layer in self.layers:
            layer.training = bool(mode)
        return self

    def eval(self) -> "Sequential":
        """Evaluation mode: every layer deterministic (Dropout is the identity)."""
        return self.train(False)

    # -- computation --------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Fill every layer's grads; returns the gradient at the input (a saliency map), or
        None with `input_grad=False`, which spares the first layer that work while training."""
        return self._backward(dout, input_grad, None)

    def backward_per_layer(self, dout: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """`backward`, keeping what reaches each layer: (the gradient at every layer's output, in
        layer order, the last being `dout`; the gradient at the input)."""
        reached: list[np.ndarray] = []
        dx = self._backward(dout, True, reached)
        return reached[::-1], dx

    def _backward(self, dout, input_grad: bool, reached: list | None) -> np.ndarray | None:
        """The one backward loop: last layer first; `reached` collects each layer's `dout`."""
        for position in range(len(self.layers) - 1, -1, -1):
            if reached is not None:
                reached.append(dout)
            dout = self.layers[position].backward(dout, input_grad=input_grad or position > 0)
        return dout if input_grad else None

    def trace(self, x: np.ndarray) -> list[LayerTrace]:
        records = []
        for layer in self.layers:
            y = layer.forward(x)
            records.append(
                LayerTrace(
                    name=layer.name,
                    type=type(layer).__name__,
                    input_shape=tuple(x.shape),
                    output_shape=tuple(y.shape),
                    output=y,
                    pre_activation=x if layer.is_activation else None,
                    indices=layer.indices if isinstance(layer, MaxPool2D) else None,
                )
            )
            x = y
        return records

    # -- description --------------------------------------------------------------------------
    def output_shapes(self, input_shape: tuple[int, ...] | None = None) -> list[tuple[int, ...]]:
        """Each layer's per-sample output shape; raises the first layer's shape error."""
        shape = input_shape or self.input_shape
        if shape is None:
            raise ValueError("this model has no input_shape; pass one")
        shapes = []
        for layer in self.layers:
            shape = layer.output_shape(shape)
            shapes.append(tuple(shape))
        return shapes

    def layer_geometry(self, input_shape: tuple[int, ...] | None = None) -> list[LayerGeometry]:
        """Each layer's input and output shape (per sample), parameter count, window and
        receptive fields."""
        shapes = [tuple(input_shape or self.input_shape or ()), *self.output_shapes(input_shape)]
        fields = compose_fields(
            self.names,
            [layer.window for layer in self.layers],
            [len(shape) == 3 for shape in shapes[1:]],
        )
        return [
            LayerGeometry(
                layer.name,
                type(layer).__name__,
                shapes[i],
                shapes[i + 1],
                layer.parameter_count,
                layer.window,
                fields[i],
            )
            for i, layer in enumerate(self.layers)
        ]

    @property
    def dtype(self) -> np.dtype:
        """The parameters' dtype (the first parameter's), float32 for a model without any."""
        return next(
            (p.dtype for layer in self for p in layer.params.values()), np.dtype(np.float32)
        )

    @property
    def parameter_count(self) -> int:
        return sum(layer.parameter_count for layer in self.layers)

    def summary(self, input_shape: tuple[int, ...] | None = None) -> str:
        """A torchinfo-style table: layer (type), output shape, parameter count, and totals."""
        shapes = self.output_shapes(input_shape)
        rows = [("Layer (type)", "Output shape", "Param #")]
        for layer, shape in zip(self.layers, shapes, strict=True):
            rows.append(
                (
                    f"{layer.name} ({type(layer).__name__})",
                    str(tuple(shape)),
                    f"{layer.parameter_count:,}",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        rule = "=" * (sum(widths) + 4)

        def line(row):
            return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}"

        size_kb = self.parameter_count * self.dtype.itemsize / 1024
        return "\n".join(
            [
                rule,
                line(rows[0]),
                rule,
                *(line(row) for row in rows[1:]),
                rule,
                f"Input shape: {tuple(input_shape or self.input_shape)}",
                f"Total params: {self.parameter_count:,}",
                f"Parameter size: {size_kb:,.1f} KB ({self.dtype.name})",
                rule,
            ]
        )

    def astype(self, dtype: np.typing.DTypeLike) -> "Sequential":
        for layer in self.layers:
            layer.astype(dtype)
        return self

    # -- persistence --------------------------------------------------------------------------
    def to_spec(self) -> dict:
        return model_to_spec(self)

    @classmethod
    def from_spec(cls, spec: dict, seed: int = 0) -> "Sequential":
        return model_from_spec(cls, spec, seed)

    def save(self, path: str | Path, metadata: dict | None = None) -> Path:
        return save_model(self, path, metadata)

    @classmethod
    def load(cls, path: str | Path) -> "Sequential":
        return load_model(cls, path)
