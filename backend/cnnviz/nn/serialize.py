"""A model as data: a JSON-able architecture spec, and .npz files of spec plus weights.

The .npz holds one array per parameter, named "<layer>/<key>" (e.g. "conv1/weight"), the spec
as a JSON string under "spec", and optionally facts about the model (how it was trained, its test
accuracy: what a model card says) as a JSON string under "metadata". Loading never unpickles
(`allow_pickle=False`): a model file from anywhere is data, not code.
"""

import inspect
import json
import lzma
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from .init import as_generator
from .layers import LAYER_TYPES

if TYPE_CHECKING:
    from .sequential import Sequential

SPEC_FORMAT = "cnnviz.sequential/1"
DTYPES = ("float32", "float64")
#: What a model file is read from: a path, or a binary file already open (an upload's bytes, or
#: a file opened once so that deleting it meanwhile cannot fail the read half-way).
Source = str | Path | BinaryIO
#: Suffix of a model file being written (see `save_model`).
PARTIAL_SUFFIX = ".part"
#: What reading a damaged or hostile zip of .npy arrays can raise: BadZipFile (no zip, a bad
#: checksum), zlib/lzma errors and EOFError (corrupt or truncated compressed data), RuntimeError
#: (an encrypted member; NotImplementedError, its subclass: an unknown compression method),
#: struct.error (a short header), ValueError (a bad .npy header, pickled data refused), OSError.
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    RuntimeError,
    struct.error,
    ValueError,
    OSError,
)


def model_to_spec(model: "Sequential") -> dict:
    return {
        "format": SPEC_FORMAT,
        "input_shape": list(model.input_shape) if model.input_shape else None,
        "dtype": model.dtype.name,
        "layers": [
            {"type": type(layer).__name__, "name": layer.name, **layer.config()} for layer in model
        ],
    }


def model_from_spec(cls: type["Sequential"], spec: dict, seed: int = 0) -> "Sequential":
    """Build the architecture `spec` describes, with fresh weights drawn from `seed`."""
    if not isinstance(spec, dict) or not isinstance(spec.get("layers"), list):
        raise ValueError("a model spec is a dict with a 'layers' list")
    if spec.get("format", SPEC_FORMAT) != SPEC_FORMAT:
        raise ValueError(f"unknown spec format {spec['format']!r}; expected {SPEC_FORMAT!r}")
    rng = as_generator(seed)
    layers = []
    for position, entry in enumerate(spec["layers"], start=1):
        if not isinstance(entry, dict) or entry.get("type") not in LAYER_TYPES:
            kind = entry.get("type") if isinstance(entry, dict) else None
            raise ValueError(
                f"layer {position} of the spec has unknown type {kind!r}; "
                f"known types: {', '.join(LAYER_TYPES)}"
            )
        layer_cls = LAYER_TYPES[entry["type"]]
        kwargs = {k: v for k, v in entry.items() if k != "type"}
        if "rng" in inspect.signature(layer_cls).parameters:
            kwargs["rng"] = rng
        try:
            layers.append(layer_cls(**kwargs))
        except TypeError as exc:
            raise ValueError(f"layer {position} of the spec ({entry['type']}): {exc}") from None
    dtype = spec.get("dtype", "float32")
    if dtype not in DTYPES:
        raise ValueError(f"the spec's dtype is {dtype!r}; it must be one of {', '.join(DTYPES)}")
    input_shape = spec.get("input_shape")
    model = cls(*layers, input_shape=tuple(input_shape) if input_shape else None)
    return model.astype(dtype)


def save_model(model: "Sequential", path: str | Path, metadata: dict | None = None) -> Path:
    """Write spec, weights and `metadata` (JSON-able) to `path` (.npz) atomically: a crash never
    leaves half a file under `path`, and a failed write (a full disk) removes what it wrote.

    The file is written as `<path>.part` first (PARTIAL_SUFFIX), then renamed; only a process
    killed mid-write leaves that behind, for its owner to sweep at start-up."""
    path = Path(path)
    arrays = {"spec": np.array(json.dumps(model_to_spec(model)))}
    if metadata is not None:
        arrays["metadata"] = np.array(json.dumps(metadata))
    for layer in model:
        for key, value in layer.params.items():
            arrays[f"{layer.name}/{key}"] = value
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        with open(partial, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _open_archive(source: Source, label: str) -> np.lib.npyio.NpzFile:
    try:
        data = np.load(source, allow_pickle=False)
    except FileNotFoundError:
        raise ValueError(f"no model file at {label}") from None
    except READ_ERRORS as exc:
        raise ValueError(f"{label} is not a readable .npz model file: {exc}") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(
            f"{label} is not a readable .npz model file: it holds a single array, not a model "
            "archive"
        )
    return data


def _member(data: np.lib.npyio.NpzFile, name: str, label: str) -> np.ndarray:
    """One array of the archive, read now (members are read one at a time, when needed)."""
    try:
        return data[name]
    except READ_ERRORS as exc:
        raise ValueError(f"{label} is not a readable .npz model file: {exc}") from None


def _json_member(data: np.lib.npyio.NpzFile, key: str, label: str):
    try:
        return json.loads(str(_member(data, key, label)))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{label}: its {key} is not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError(f"{label}: its {key} is nested too deeply") from None


def read_metadata(source: Source, label: str | None = None) -> dict:
    """The metadata saved with a model ({} when there is none), read alone: neither the spec nor
    any weight is read. `source` is a path or an open binary file; messages name `label` (by
    default the path)."""
    label = label or str(source)
    with _open_archive(source, label) as data:
        return _json_member(data, "metadata", label) if "metadata" in data.files else {}


def load_model(
    cls: type["Sequential"],
    source: Source,
    label: str | None = None,
    check_spec: Callable[[dict], object] | None = None,
) -> "Sequential":
    """The model in an .npz file: `source` is a path or an open binary file; messages name
    `label` (by default the path). `check_spec(spec)` may refuse the spec (by raising) before
    any weight is allocated."""
    label = label or str(source)
    with _open_archive(source, label) as data:
        names = set(data.files) - {"metadata"}
        if "spec" not in names:
            raise ValueError(f"{label} is not a cnnviz model: it has no 'spec' entry")
        spec = _json_member(data, "spec", label)
        if check_spec is not None:
            check_spec(spec)
        model = model_from_spec(cls, spec)
        names.discard("spec")
        for layer in model:
            for key, expected in layer.params.items():
                name = f"{layer.name}/{key}"
                if name not in names:
                    raise ValueError(f"{label} has no weights for {name}")
                names.discard(name)
                value = _member(data, name, label)
                if value.dtype.kind != "f":
                    raise ValueError(
                        f"{label}: {name} holds {value.dtype} values, not floating point"
                    )
                if value.shape != expected.shape:
                    raise ValueError(
                        f"{label}: {name} has shape {value.shape}, the spec needs {expected.shape}"
                    )
                layer.params[key] = value
    if names:
        raise ValueError(f"{label} has weights no layer uses: {', '.join(sorted(names))}")
    return model
