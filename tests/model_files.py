"""Model files made by hand for tests: a large model of zeros (tiny on disk, large in memory),
archives built member by member, and an .npz too large for any limit, written straight into a
models folder."""

import io
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np

from cnnviz.nn import Sequential, build_model

#: 784×6000 + 6000 + 6000×10 + 10 weights (under the 5,000,000 limit).
ZEROS_PARAMETERS = 784 * 6000 + 6000 + 6000 * 10 + 10
#: What they take in memory as float32: 19,080,040 bytes.
ZEROS_WEIGHT_BYTES = 4 * ZEROS_PARAMETERS
ZEROS_SPEC = {
    "input_shape": [1, 28, 28],
    "layers": [
        {"type": "Flatten"},
        {"type": "Dense", "in_features": 784, "out_features": 6000},
        {"type": "ReLU"},
        {"type": "Dense", "in_features": 6000, "out_features": 10},
    ],
}


def model_arrays(model: Sequential, metadata: dict | None = None) -> dict[str, np.ndarray]:
    """What `model.save` writes, as arrays by name: the spec, the metadata if any, the weights."""
    arrays = {"spec": np.array(json.dumps(model.to_spec()))}
    if metadata is not None:
        arrays["metadata"] = np.array(json.dumps(metadata))
    for layer in model:
        for key, value in layer.params.items():
            arrays[f"{layer.name}/{key}"] = value
    return arrays


def zeros_model() -> Sequential:
    """A valid model whose 4.77 million weights are all 0: a few KB once compressed."""
    model = Sequential.from_spec(ZEROS_SPEC)
    for layer in model:
        for key, value in layer.params.items():
            layer.params[key] = np.zeros_like(value)
    return model


def zeros_model_bytes(name: str = "zeros") -> bytes:
    """`zeros_model()` as an exported file, with `name` in its metadata."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **model_arrays(zeros_model(), {"name": name}))
    return buffer.getvalue()


def npz_bytes(**arrays: np.ndarray) -> bytes:
    """`arrays` as an .npz file (uncompressed, as `np.savez` writes it)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def lenet_arrays(**changes: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays of a fresh LeNet-5's model file (spec and weights), with `changes`."""
    return {**model_arrays(build_model("lenet5")), **changes}


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def zip_of(
    members: list[tuple[str | zipfile.ZipInfo, bytes]], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A zip of `members` in order (a name may repeat: it is then written twice)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def members_of(arrays: dict[str, np.ndarray]) -> list[tuple[str, bytes]]:
    """`arrays` as zip members (name.npy, .npy bytes), for `zip_of`."""
    return [(f"{name}.npy", npy_bytes(value)) for name, value in arrays.items()]


def write_oversized_model(path: Path, weight_bytes: int) -> Path:
    """A readable .npz (spec, metadata and one weight array of about `weight_bytes` bytes,
    stored uncompressed) that is over every size limit: for tests of what serving a file costs,
    which must not depend on loading it."""
    features = weight_bytes // 4 // 784
    spec = {
        "input_shape": [1, 28, 28],
        "layers": [
            {"type": "Flatten", "name": "flat"},
            {"type": "Dense", "name": "fc", "in_features": 784, "out_features": features},
        ],
    }
    np.savez(
        path,
        spec=np.array(json.dumps(spec)),
        metadata=np.array(json.dumps({"name": "oversized"})),
        **{"fc/weight": np.zeros((features, 784), np.float32)},
    )
    return path
