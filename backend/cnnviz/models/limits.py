"""The size limits every model obeys, wherever it is built or read: a client's spec, a training
job, an upload, a file on disk.

A spec is checked for its sizes (parameters, layer outputs, work per sample) before any weight is
drawn, so a small request cannot make the server allocate gigabytes; a built model for what only
its shapes tell (`check_model`); a training job for its total work and its batch's memory
(`check_training`). Every refusal is a ValueError (a ConfigError for a training job) whose message
states the estimate and the limit, names the layer and says what to lower.

The per-sample costs and the training job's own limits live beside the trainer
(`cnnviz.train.cost`): the trainer sits below this package and enforces them for the CLI too.
"""

import inspect
import math
import re
from pathlib import Path
from typing import Any

from cnnviz.nn import Sequential
from cnnviz.nn.geometry import PADDING_MODES, ConvGeometry, PoolGeometry
from cnnviz.nn.init import INITIALIZERS
from cnnviz.nn.layers import LAYER_TYPES
from cnnviz.nn.presets import MNIST_SHAPE
from cnnviz.nn.serialize import DTYPES, SPEC_FORMAT
from cnnviz.train import TrainConfig
from cnnviz.train.cost import (
    MAX_BATCH_ACTIVATION_BYTES,
    MAX_JOB_MULTIPLY_ADDS,
    check_job,
    layer_costs,
    multiply_adds,
)
from cnnviz.train.split import training_pool

__all__ = [
    "INPUT_SHAPE",
    "MAX_BATCH_ACTIVATION_BYTES",
    "MAX_JOB_MULTIPLY_ADDS",
    "MAX_JSON_CHARS",
    "MAX_LAYERS",
    "MAX_LAYER_KEYS",
    "MAX_MULTIPLY_ADDS",
    "MAX_OUTPUTS_PER_SAMPLE",
    "MAX_PARAMETERS",
    "MAX_SIZE_ARG",
    "MAX_UNCOMPRESSED",
    "MAX_WIDTH",
    "MAX_WINDOW_READS",
    "SpecError",
    "build_from_spec",
    "check_model",
    "check_spec",
    "check_training",
    "complete_spec",
    "multiply_adds",
]

#: Every dataset and input route of the app speaks 1×28×28 grayscale digits.
INPUT_SHAPE = MNIST_SHAPE
MAX_LAYERS = 64
#: Keys of one layer in a spec: more than any layer type takes (Conv2D: 10, with type and name).
MAX_LAYER_KEYS = 16
MAX_PARAMETERS = 5_000_000
#: Numbers all layers together output per sample. A trace of one digit carries each of them about
#: three times (output, gradient, an activation's input; ~16 bytes in JSON), so this bounds a
#: trace to about 4 MB; LeNet-5 outputs 15,002 numbers, tinyvgg 30,090.
MAX_OUTPUTS_PER_SAMPLE = 250_000
#: Window reads of a conv or pool layer per sample (the im2col matrix's size).
MAX_WINDOW_READS = 4_000_000
#: Multiply-adds of one forward pass per sample (LeNet-5 needs 416,520).
MAX_MULTIPLY_ADDS = 50_000_000
MAX_SIZE_ARG = 64  # kernel, stride, dilation, padding
MAX_WIDTH = 65_536  # channels, features
#: An uploaded file's arrays, uncompressed (5M float64 parameters are 40 MB).
MAX_UNCOMPRESSED = 48 * 1024 * 1024
MAX_JSON_CHARS = 1_000_000
LAYER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,31}$")


# -- specs ------------------------------------------------------------------------------------
def build_from_spec(spec: Any, seed: int = 0) -> Sequential:
    """A model from a client's spec, checked for sizes before any weight is drawn.

    Raises ValueError with a message that names the layer and says what to change.
    """
    spec = check_spec(spec)
    model = Sequential.from_spec(spec, seed=seed)
    check_model(model)
    return model


class SpecError(ValueError):
    """A spec that does not fit; `position` is the layer at fault (1-based), None for the spec
    as a whole; `shapes` the output shapes of the layers before it."""

    def __init__(
        self, message: str, position: int | None = None, shapes: list | None = None
    ) -> None:
        super().__init__(message)
        self.position = position
        self.shapes = shapes or []


def complete_spec(spec: Any) -> dict:
    """`spec` with each Conv2D's `in_channels` and each Dense's `in_features` that is left out
    filled in from the shape that reaches it, as the engine's layers compute it
    (`Layer.output_shape`), one layer at a time; the parameter limit is checked before each
    layer is built. Raises SpecError naming the first layer that does not fit."""
    if not isinstance(spec, dict) or not isinstance(spec.get("layers"), list):
        check_spec(spec)  # raises its message about the spec's form
    if len(spec["layers"]) > MAX_LAYERS:
        raise SpecError(f"the spec needs a 'layers' list of 1 to {MAX_LAYERS} layers")
    shape: tuple[int, ...] = tuple(INPUT_SHAPE)
    layers, shapes, total = [], [], 0
    for position, entry in enumerate(spec["layers"], start=1):
        if isinstance(entry, dict):
            entry = {**entry}
            kind = entry.get("type")
            if kind in ("Conv2D", "MaxPool2D", "AvgPool2D") and len(shape) != 3:
                raise SpecError(
                    f"{_where(position, entry)} needs a channels×height×width input but gets "
                    f"{shape[0]:,} numbers in a row: move it before Flatten",
                    position,
                    shapes,
                )
            if kind == "Dense" and len(shape) != 1:
                raise SpecError(
                    f"{_where(position, entry)} needs a flat input but gets "
                    f"{'×'.join(map(str, shape))}: add a Flatten before it",
                    position,
                    shapes,
                )
            if kind == "Conv2D":
                entry.setdefault("in_channels", shape[0])
            if kind == "Dense":
                entry.setdefault("in_features", shape[0])
        try:
            total += _check_layer(position, entry)
            if total > MAX_PARAMETERS:
                raise _too_many_parameters(position, entry, total)
            (layer,) = Sequential.from_spec({"layers": [entry]}).layers
            layer.name = entry.get("name")  # not the name it would get alone ("pool1")
            shape = tuple(layer.output_shape(shape))
        except ValueError as exc:
            raise SpecError(str(exc), position, shapes) from None
        layers.append(entry)
        shapes.append(shape)
    return {**spec, "layers": layers}


def check_spec(spec: Any) -> dict:
    """The spec with its defaults filled in (input_shape [1, 28, 28]), or a ValueError.

    Checks types, value ranges and the parameter count from the arguments alone, so that
    building the model afterwards allocates at most MAX_PARAMETERS numbers.
    """
    if not isinstance(spec, dict):
        raise ValueError("a spec is an object {'input_shape': [1, 28, 28], 'layers': [...]}")
    unknown = sorted(set(spec) - {"format", "input_shape", "dtype", "layers"})
    if unknown:
        raise ValueError(
            f"the spec has unknown keys {', '.join(map(repr, unknown))}; "
            "it takes format, input_shape, dtype and layers"
        )
    if spec.get("format", SPEC_FORMAT) != SPEC_FORMAT:
        raise ValueError(f"the spec's format must be {SPEC_FORMAT!r} (or left out)")
    if spec.get("dtype", "float32") not in DTYPES:
        raise ValueError(f"the spec's dtype must be one of {', '.join(DTYPES)}")
    input_shape = spec.get("input_shape")
    if input_shape is None:
        input_shape = list(INPUT_SHAPE)
    exact = isinstance(input_shape, list) and all(type(v) is int for v in input_shape)
    if not exact or input_shape != list(INPUT_SHAPE):
        raise ValueError(
            f"input_shape must be [1, 28, 28] (one 28×28 grayscale digit, what every dataset and "
            f"input here provides; it is the default when left out), got {input_shape!r}"
        )
    layers = spec.get("layers")
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise ValueError(f"the spec needs a 'layers' list of 1 to {MAX_LAYERS} layers")
    total = 0
    for position, entry in enumerate(layers, start=1):
        total += _check_layer(position, entry)
        if total > MAX_PARAMETERS:
            raise _too_many_parameters(position, entry, total)
    return {**spec, "input_shape": input_shape, "layers": layers}


def _where(position: int, entry: dict) -> str:
    name = entry.get("name")
    return f"layer {position} ({entry['type']}{f' {name!r}' if name else ''})"


def _too_many_parameters(position: int, entry: dict, total: int) -> ValueError:
    return ValueError(
        f"{_where(position, entry)} brings the model to {total:,} parameters; "
        f"the limit is {MAX_PARAMETERS:,}: use fewer channels, features or a smaller kernel"
    )


def _check_layer(position: int, entry: Any) -> int:
    """Check one layer's arguments; return its parameter count."""
    kind = entry.get("type") if isinstance(entry, dict) else None
    if not isinstance(kind, str) or kind not in LAYER_TYPES:
        kind = entry.get("type") if isinstance(entry, dict) else entry
        raise ValueError(
            f"layer {position} has unknown type {kind!r}; each layer is an object with a 'type', "
            f"one of {', '.join(LAYER_TYPES)}"
        )
    where = _where(position, entry)
    layer_cls = LAYER_TYPES[entry["type"]]
    allowed = [p for p in inspect.signature(layer_cls).parameters if p not in ("rng", "dtype")]
    unknown = sorted(set(entry) - {"type", *allowed})
    if unknown:
        raise ValueError(
            f"{where} has no argument {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join(allowed) or 'no arguments'}"
        )
    required = [
        p.name
        for p in inspect.signature(layer_cls).parameters.values()
        if p.default is inspect.Parameter.empty and p.name not in entry
    ]
    if required:
        raise ValueError(f"{where} needs {', '.join(required)}")
    for key, value in entry.items():
        _check_argument(where, key, value)
    try:
        if entry["type"] == "Conv2D":
            args = {k: entry[k] for k in ("stride", "padding", "dilation") if k in entry}
            kh, kw = ConvGeometry.make(entry["kernel_size"], **args).kernel
            weights = entry["out_channels"] * entry["in_channels"] * kh * kw
            return weights + (entry["out_channels"] if entry.get("bias", True) else 0)
        if entry["type"] in ("MaxPool2D", "AvgPool2D"):
            args = {k: entry[k] for k in ("stride", "padding") if k in entry}
            PoolGeometry.make(entry["kernel_size"], **args)
        if entry["type"] == "Dense":
            weights = entry["out_features"] * entry["in_features"]
            return weights + (entry["out_features"] if entry.get("bias", True) else 0)
    except ValueError as exc:
        raise ValueError(f"{where} has invalid geometry: {exc}") from None
    return 0


def _check_argument(where: str, key: str, value: Any) -> None:
    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    def is_size(v: Any, low: int, high: int) -> bool:
        values = v if isinstance(v, list) and len(v) == 2 else [v]
        return all(is_int(x) and low <= x <= high for x in values)

    if key in ("type",):
        return
    if key == "name":
        ok = value is None or (isinstance(value, str) and LAYER_NAME.match(value))
        hint = "letters, digits, '_' and '-', up to 32, starting with a letter"
    elif key in ("in_channels", "out_channels", "in_features", "out_features"):
        ok, hint = is_int(value) and 1 <= value <= MAX_WIDTH, f"a whole number 1 to {MAX_WIDTH:,}"
    elif key in ("kernel_size", "dilation") or (key == "stride" and value is not None):
        ok = is_size(value, 1, MAX_SIZE_ARG)
        hint = f"a whole number 1 to {MAX_SIZE_ARG}, or a pair [height, width] of them"
    elif key == "stride":
        ok, hint = True, ""
    elif key == "padding":
        ok = value in PADDING_MODES or is_size(value, 0, MAX_SIZE_ARG)
        hint = f"0 to {MAX_SIZE_ARG}, a pair of them, or one of {', '.join(PADDING_MODES)}"
    elif key == "bias":
        ok, hint = isinstance(value, bool), "true or false"
    elif key == "init":
        ok, hint = value in INITIALIZERS, f"one of {', '.join(INITIALIZERS)}"
    elif key in ("negative_slope", "scale", "offset"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        ok = ok and math.isfinite(value) and abs(value) <= 1000
        hint = "a finite number from -1000 to 1000"
    elif key == "p":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1
        hint = "a drop probability from 0 up to (not including) 1"
    else:  # an argument a new layer type added; the engine checks it
        ok, hint = True, ""
    if not ok:
        raise ValueError(f"{where}: {key} must be {hint}, got {value!r}")


def check_model(model: Sequential) -> None:
    """Sizes only a built model knows: the numbers its layers output and the work they do per
    sample, and its output: 2 to 10 class scores, or one output, the logit of the second of two
    classes (a sigmoid head, `cnnviz.nn.losses.output_probabilities`).

    The engine's own shape errors ("Conv2D 'conv2' expects 6 input channels, got 16") come from
    `layer_costs` as ValueError.
    """
    outputs = macs = 0
    shape: tuple[int, ...] = tuple(model.input_shape or INPUT_SHAPE)
    for cost in layer_costs(model):
        layer, shape = cost.layer, cost.output_shape
        outputs += cost.outputs
        macs += cost.multiply_adds
        if outputs > MAX_OUTPUTS_PER_SAMPLE:
            raise layer.error(
                f"outputs {cost.outputs:,} numbers per sample {shape}, {outputs:,} with the "
                f"layers before it; the limit for all layers together is "
                f"{MAX_OUTPUTS_PER_SAMPLE:,} (what a trace of one digit carries): use fewer "
                "channels or layers, a larger stride or less padding"
            )
        if cost.window_reads > MAX_WINDOW_READS:
            raise layer.error(
                f"reads {cost.window_reads:,} input numbers per sample through its windows; the "
                f"limit is {MAX_WINDOW_READS:,}: use a smaller kernel, fewer input channels or a "
                "larger stride"
            )
        if macs > MAX_MULTIPLY_ADDS:
            raise layer.error(
                f"brings the model to {macs:,} multiply-adds per sample; the limit is "
                f"{MAX_MULTIPLY_ADDS:,}: use fewer channels or layers, a smaller kernel or a "
                "larger stride"
            )
    if len(shape) != 1 or not 1 <= shape[0] <= 10:
        raise ValueError(
            f"the last layer must output one score per class, 2 to 10 numbers (10 for every "
            f"digit, fewer for a subset of classes), or 1 number for a two-class sigmoid head; "
            f"this spec outputs shape {shape}: end with Flatten and a Dense layer"
        )


def check_training(config: TrainConfig, datasets_dir: Path) -> None:
    """A training job within every limit: its model (`check_model`), the samples it asks for
    (against the dataset's label counts under `datasets_dir`, when the dataset is there) and its
    cost (`cnnviz.train.cost.check_job`). The spec, if any, must have passed `check_spec` first:
    building the model draws its weights.

    Raises ValueError for the model, ConfigError for the job.
    """
    model = config.build_model()
    check_model(model)
    pool = training_pool(config, datasets_dir)
    if pool is not None:
        train_samples, _ = config.split_sizes(pool)
        check_job(model, train_samples, config.epochs, config.batch_size)
