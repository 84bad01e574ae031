"""A model's arithmetic, layer by layer: where its parameters come from, what one digit costs to
run through it and how much memory its outputs take.

The parameter count of each layer is written as the formula a student would work out by hand
("(5·5·1 + 1)·6 = 156" for a conv, "(400 + 1)·120 = 48,120" for a dense layer), with its numbers
read from the weight arrays themselves, so the formula and the count cannot disagree. A layer
without weights says why it has none. Multiply-adds and output sizes come from
`cnnviz.train.cost.layer_costs`, the same walk the size limits and the training budget use, so
the numbers shown are the numbers the server enforces.
"""

from dataclasses import dataclass

import numpy as np

from cnnviz.nn import Layer, Sequential
from cnnviz.train.cost import layer_costs

#: Why a layer without weights has none, by layer type.
NO_PARAMETERS = {
    "MaxPool2D": "a pooling window keeps its largest value: nothing is learned",
    "AvgPool2D": "a pooling window averages its values: nothing is learned",
    "Flatten": "it only lays the maps out in one row",
    "ReLU": "applied to each value on its own: nothing is learned",
    "LeakyReLU": "applied to each value on its own, its slope is fixed: nothing is learned",
    "Sigmoid": "applied to each value on its own: nothing is learned",
    "Tanh": "applied to each value on its own: nothing is learned",
    "Dropout": "it zeros random values while training: nothing is learned",
    "Rescale": "its scale and offset are fixed numbers, not learned",
}


@dataclass(frozen=True)
class LayerArithmetic:
    """One layer's row: its parameters and their formula, its multiply-adds per digit (and how
    they are counted), the memory its output takes for one digit."""

    name: str
    type: str
    output_shape: tuple[int, ...]
    parameters: int
    formula: str
    multiply_adds: int
    multiply_adds_formula: str | None
    outputs: int
    memory_bytes: int


@dataclass(frozen=True)
class Arithmetic:
    """Every layer's row, the totals, and the number type the memory is counted in."""

    layers: list[LayerArithmetic]
    parameters: int
    multiply_adds: int
    outputs: int
    memory_bytes: int
    parameter_bytes: int
    dtype: str
    bytes_per_value: int


def model_arithmetic(model: Sequential) -> Arithmetic:
    """The arithmetic of `model`, computed from its shapes and weight arrays (no forward pass)."""
    dtype = _dtype(model)
    rows = []
    for cost in layer_costs(model):
        layer = cost.layer
        weight = layer.params.get("weight")
        positions = cost.multiply_adds // weight.size if weight is not None else 0
        rows.append(
            LayerArithmetic(
                name=layer.name or type(layer).__name__,
                type=type(layer).__name__,
                output_shape=tuple(cost.output_shape),
                parameters=layer.parameter_count,
                formula=parameter_formula(layer),
                multiply_adds=cost.multiply_adds,
                multiply_adds_formula=(
                    None
                    if weight is None
                    else f"{weight.size:,} weights × {positions:,} "
                    f"position{'s' if positions != 1 else ''}"
                ),
                outputs=cost.outputs,
                memory_bytes=cost.outputs * dtype.itemsize,
            )
        )
    parameters = sum(row.parameters for row in rows)
    outputs = sum(row.outputs for row in rows)
    return Arithmetic(
        layers=rows,
        parameters=parameters,
        multiply_adds=sum(row.multiply_adds for row in rows),
        outputs=outputs,
        memory_bytes=outputs * dtype.itemsize,
        parameter_bytes=parameters * dtype.itemsize,
        dtype=dtype.name,
        bytes_per_value=dtype.itemsize,
    )


def parameter_formula(layer: Layer) -> str:
    """How `layer`'s parameters add up, with the numbers: "(5·5·1 + 1)·6 = 156" for a Conv2D
    with weights (6, 1, 5, 5) and a bias, "400·120 = 48,000" for a Dense layer without one, or
    "0: <why>" for a layer without weights."""
    weight = layer.params.get("weight")
    bias = "bias" in layer.params
    if weight is None:
        if layer.params:  # a layer type with other arrays: their sizes
            sizes = " + ".join(f"{p.size:,}" for p in layer.params.values())
            return f"{sizes} = {layer.parameter_count:,}"
        reason = NO_PARAMETERS.get(type(layer).__name__, "it has no weights")
        return f"0: {reason}"
    # The weights of one output (a conv filter: kernel × input channels; a dense row: inputs),
    # then as many as there are outputs.
    outputs, *per_output = weight.shape
    if len(per_output) == 3:  # (in, kh, kw): written kh·kw·in, as the kernel is read
        channels, kh, kw = per_output
        per_output = [kh, kw, channels]
    inputs = "·".join(f"{n:,}" for n in per_output)
    if bias:
        return f"({inputs} + 1)·{outputs:,} = {layer.parameter_count:,}"
    return f"{inputs}·{outputs:,} = {layer.parameter_count:,}"


def _dtype(model: Sequential) -> np.dtype:
    """The number type the model computes in: its parameters' (float32 when it has none)."""
    dtypes = [p.dtype for layer in model for p in layer.params.values()]
    return np.result_type(*dtypes) if dtypes else np.dtype(np.float32)
