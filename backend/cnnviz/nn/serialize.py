"""A model as data: a JSON-able architecture spec, and .npz files of spec plus weights.

The .npz holds one array per parameter, named "<layer>/<key>" (e.g. "conv1/weight"), the spec
as a JSON string under "spec", and optionally facts about the model (how it was trained, its test
accuracy: what a model card says) as a JSON string under "metadata". Loading never unpickles
(`allow_pickle=False`): a model file from anywhere is data, not code.
"""

import inspect
import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .init import as_generator
from .layers import LAYER_TYPES

if TYPE_CHECKING:
    from .sequential import Sequential

SPEC_FORMAT = "cnnviz.sequential/1"
DTYPES = ("float32", "float64")


def model_to_spec(model: "Sequential") -> dict:
    dtypes = {p.dtype.name for layer in model for p in layer.params.values()}
    return {
        "format": SPEC_FORMAT,
        "input_shape": list(model.input_shape) if model.input_shape else None,
        "dtype": dtypes.pop() if len(dtypes) == 1 else "float32",
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
    leaves half a file."""
    path = Path(path)
    arrays = {"spec": np.array(json.dumps(model_to_spec(model)))}
    if metadata is not None:
        arrays["metadata"] = np.array(json.dumps(metadata))
    for layer in model:
        for key, value in layer.params.items():
            arrays[f"{layer.name}/{key}"] = value
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as f:
        np.savez_compressed(f, **arrays)
    os.replace(partial, path)
    return path


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not a model archive")
        with data:
            arrays = {name: data[name] for name in data.files}
    except FileNotFoundError:
        raise ValueError(f"no model file at {path}") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path} is not a readable .npz model file: {exc}") from None
    return arrays


def _json_entry(path: Path, arrays: dict[str, np.ndarray], key: str):
    try:
        return json.loads(str(arrays.pop(key)))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: its {key} is not valid JSON ({exc})") from None


def read_metadata(path: str | Path) -> dict:
    """The metadata saved with a model ({} when there is none), without building the model."""
    path = Path(path)
    arrays = _read_arrays(path)
    return _json_entry(path, arrays, "metadata") if "metadata" in arrays else {}


def load_model(cls: type["Sequential"], path: str | Path) -> "Sequential":
    path = Path(path)
    arrays = _read_arrays(path)
    arrays.pop("metadata", None)
    if "spec" not in arrays:
        raise ValueError(f"{path} is not a cnnviz model: it has no 'spec' entry")
    model = model_from_spec(cls, _json_entry(path, arrays, "spec"))
    for layer in model:
        for key, expected in layer.params.items():
            name = f"{layer.name}/{key}"
            if name not in arrays:
                raise ValueError(f"{path} has no weights for {name}")
            value = arrays.pop(name)
            if value.dtype.kind != "f":
                raise ValueError(f"{path}: {name} holds {value.dtype} values, not floating point")
            if value.shape != expected.shape:
                raise ValueError(
                    f"{path}: {name} has shape {value.shape}, the spec needs {expected.shape}"
                )
            layer.params[key] = value
    if arrays:
        raise ValueError(f"{path} has weights no layer uses: {', '.join(sorted(arrays))}")
    return model
