"""Checks for models that come from clients: layer specs and uploaded .npz files.

What a client sends is checked before the engine allocates anything: a spec for its sizes
(parameters, layer outputs, work per sample) before any weight is drawn, and an uploaded file's
zip directory and array headers before any array is read, so neither a small request nor a small
file can make the server allocate gigabytes. Model files are never unpickled. Every refusal is a
ValueError whose message names the layer or entry and says what to change.
"""

import inspect
import io
import json
import math
import re
import tempfile
import zipfile
import zlib
from pathlib import Path as FilePath
from typing import Any

import numpy as np

from cnnviz.nn import Sequential
from cnnviz.nn.geometry import PADDING_MODES, ConvGeometry, PoolGeometry
from cnnviz.nn.init import INITIALIZERS
from cnnviz.nn.layers import LAYER_TYPES
from cnnviz.nn.serialize import DTYPES, SPEC_FORMAT

#: Every dataset and input route of the app speaks 1×28×28 grayscale digits.
INPUT_SHAPE = (1, 28, 28)
MAX_LAYERS = 64
MAX_PARAMETERS = 5_000_000
#: Numbers one layer may output per sample (256 maps of 28×28 is 200,704).
MAX_LAYER_OUTPUT = 250_000
#: Window reads of a conv or pool layer per sample (the im2col matrix's size).
MAX_WINDOW_READS = 4_000_000
#: Multiply-adds of a conv layer per sample (LeNet-5 needs ~0.4 million in all).
MAX_CONV_MACS = 50_000_000
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
            raise ValueError(
                f"{_where(position, entry)} brings the model to {total:,} parameters; "
                f"the limit is {MAX_PARAMETERS:,}: use fewer channels, features or a smaller kernel"
            )
    return {**spec, "input_shape": input_shape, "layers": layers}


def _where(position: int, entry: dict) -> str:
    name = entry.get("name")
    return f"layer {position} ({entry['type']}{f' {name!r}' if name else ''})"


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
    elif key == "negative_slope":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        ok = ok and math.isfinite(value) and abs(value) <= 1000
        hint = "a finite number"
    else:  # an argument a new layer type added; the engine checks it
        ok, hint = True, ""
    if not ok:
        raise ValueError(f"{where}: {key} must be {hint}, got {value!r}")


def check_model(model: Sequential) -> None:
    """Sizes only a built model knows: each layer's output and work per sample, and the output.

    The engine's own shape errors ("Conv2D 'conv2' expects 6 input channels, got 16") come from
    `output_shapes` as ValueError.
    """
    shape = tuple(model.input_shape or INPUT_SHAPE)
    for layer in model:
        out = tuple(layer.output_shape(shape))
        size = math.prod(out)
        if size > MAX_LAYER_OUTPUT:
            raise layer.error(
                f"outputs {size:,} numbers per sample {out}; the limit is {MAX_LAYER_OUTPUT:,}: "
                "use fewer channels, a larger stride or less padding"
            )
        geometry = getattr(layer, "geometry", None)
        if geometry is not None:
            reads = shape[0] * math.prod(geometry.kernel) * math.prod(out[1:])
            macs = reads * out[0] if hasattr(layer, "out_channels") else 0
            if reads > MAX_WINDOW_READS or macs > MAX_CONV_MACS:
                raise layer.error(
                    f"needs {max(reads, macs):,} operations per sample; the limit is "
                    f"{MAX_WINDOW_READS:,} window reads and {MAX_CONV_MACS:,} multiply-adds: "
                    "use a smaller kernel, fewer channels or a larger stride"
                )
        shape = out
    if len(shape) != 1 or not 2 <= shape[0] <= 10:
        raise ValueError(
            f"the last layer must output one score per class, 2 to 10 numbers (10 for every "
            f"digit, fewer for a subset of classes); this spec outputs shape {shape}: end with "
            "Flatten and a Dense layer"
        )


def multiply_adds(model: Sequential) -> int:
    """Multiply-adds of one forward pass per sample, the measure of what running a model costs:
    each weight is used once per output position (a dense layer has one position). The other
    layers' elementwise work is small beside it."""
    shape, total = tuple(model.input_shape or INPUT_SHAPE), 0
    for layer in model:
        shape = tuple(layer.output_shape(shape))
        weight = layer.params.get("weight")
        if weight is not None:
            total += weight.size * math.prod(shape[1:])
    return total


# -- uploads ----------------------------------------------------------------------------------
#: What reading a damaged zip or .npy can raise (zlib.error: a corrupt deflate stream;
#: NotImplementedError: an unknown compression method).
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    OSError,
    EOFError,
    ValueError,
)


def model_from_upload(data: bytes) -> tuple[Sequential, dict]:
    """An uploaded .npz as (model, metadata), validated: sizes, dtypes, spec and metadata are
    checked before anything large is allocated, and nothing is unpickled."""
    if not data:
        raise ValueError("the request body is empty; send an .npz model file as the body")
    spec, meta = _read_upload(data)
    check_spec(spec)
    with tempfile.TemporaryDirectory() as tmp:
        upload = FilePath(tmp) / "upload.npz"
        upload.write_bytes(data)
        try:
            model = Sequential.load(upload)
        except UNREADABLE as exc:
            raise ValueError(str(exc).replace(str(upload), "the uploaded file")) from None
    if model.input_shape is None:
        model.input_shape = INPUT_SHAPE
    check_model(model)
    clean = _clean_metadata(meta, n_outputs=model.output_shapes()[-1][0])
    original = meta.get("id") if isinstance(meta.get("id"), str) else None
    clean.update(imported=True, original_id=original)
    return model, clean


def _read_upload(data: bytes) -> tuple[Any, dict]:
    """(spec, metadata) of an .npz, after checking every member's header and size."""
    not_npz = "the body is not an .npz model file (a zip of .npy arrays, as exported)"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except UNREADABLE:
        raise ValueError(not_npz) from None
    if not members:
        raise ValueError(f"{not_npz}: the zip is empty")
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise ValueError(
            f"the file unpacks to more than {MAX_UNCOMPRESSED:,} bytes; a model has at most "
            f"{MAX_PARAMETERS:,} parameters"
        )
    try:
        broken = archive.testzip()  # decompresses every member once, checking its CRC
    except UNREADABLE as exc:
        raise ValueError(f"{not_npz}: it is damaged ({exc})") from None
    if broken is not None:
        raise ValueError(f"{not_npz}: {broken!r} is damaged (its checksum does not match)")
    names = set()
    for member in members:
        if not member.filename.endswith(".npy"):
            raise ValueError(f"{not_npz}: it holds {member.filename!r}, which is not an array")
        try:
            with archive.open(member) as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    header = np.lib.format.read_array_header_1_0(f)
                else:
                    header = np.lib.format.read_array_header_2_0(f)
        except UNREADABLE as exc:
            raise ValueError(
                f"{not_npz}: {member.filename!r} is not a readable array ({exc})"
            ) from None
        shape, _, dtype = header
        if dtype.hasobject:
            raise ValueError(
                f"{member.filename!r} holds Python objects (pickled data); a model file holds "
                "only numbers and text, and cnnviz never unpickles"
            )
        if math.prod(shape) * dtype.itemsize > member.file_size:
            raise ValueError(f"{not_npz}: {member.filename!r} is truncated")
        names.add(member.filename[: -len(".npy")])
    if "spec" not in names:
        raise ValueError("the .npz is not a cnnviz model: it has no 'spec' entry")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            spec = _parse_json(npz["spec"], "spec")
            meta = _parse_json(npz["metadata"], "metadata") if "metadata" in names else {}
    except UNREADABLE as exc:
        raise ValueError(f"{not_npz} ({exc})") from None
    return spec, meta if isinstance(meta, dict) else {}


def _parse_json(array: np.ndarray, key: str) -> Any:
    if array.ndim != 0 or array.dtype.kind != "U" or array.dtype.itemsize > 4 * MAX_JSON_CHARS:
        raise ValueError(f"the file's {key} entry must be one JSON text")
    try:
        return json.loads(str(array))
    except json.JSONDecodeError as exc:
        raise ValueError(f"the file's {key} entry is not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError(f"the file's {key} entry is nested too deeply") from None


def _json_safe(value: Any, depth: int = 0) -> Any:
    """`value` with non-finite numbers as None and nesting cut at 16 levels (JSON-able)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth >= 16:
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v, depth + 1) for v in value]
    return value


_TEXT_KEYS = (
    "name",
    "description",
    "preset",
    "dataset",
    "command",
    "training_data",
    "evaluated_on",
    "trained_at",
    "created_at",
    "cnnviz_version",
    "numpy_version",
    "dtype",
)


def _clean_metadata(meta: dict, n_outputs: int) -> dict:
    """The known facts of an uploaded file's metadata that have the right types; the rest goes.

    What is kept is what the model list, the model card and the predictions read (names, class
    names, the evaluation), so a hand-made file cannot break them.
    """
    clean: dict[str, Any] = {}
    for key in _TEXT_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value and len(value) <= (64 if key == "name" else 4000):
            clean[key] = value
    for key, kind in (("class_names", str), ("classes", int)):
        value = meta.get(key)
        if (
            isinstance(value, list)
            and len(value) == n_outputs
            and all(isinstance(v, kind) and not isinstance(v, bool) for v in value)
        ):
            clean[key] = value
    if isinstance(meta.get("seed"), int) and not isinstance(meta.get("seed"), bool):
        clean["seed"] = meta["seed"]
    if isinstance(meta.get("training_seconds"), int | float):
        clean["training_seconds"] = _json_safe(float(meta["training_seconds"]))
    evaluation = meta.get("evaluation")
    if isinstance(evaluation, dict):
        accuracy = evaluation.get("accuracy")
        if (
            isinstance(accuracy, int | float)
            and not isinstance(accuracy, bool)
            and 0 <= accuracy <= 1
        ):
            clean["evaluation"] = _json_safe(evaluation)
    if isinstance(meta.get("config"), dict):
        clean["config"] = _json_safe(meta["config"])
    return clean
