"""Reading a model file a client uploads: its zip directory and array headers are checked before
any array is read, so a small file cannot make the server allocate gigabytes, and nothing is ever
unpickled. The model then obeys the limits of a created one, its weights must be finite, and its
name follows the rule of every model name. Every refusal is a ValueError whose message names the
entry and says what to change.
"""

import io
import json
import math
import zipfile
from collections import Counter
from typing import Any

import numpy as np

from cnnviz.ids import is_id
from cnnviz.models.limits import (
    INPUT_SHAPE,
    MAX_JSON_CHARS,
    MAX_LAYERS,
    MAX_PARAMETERS,
    MAX_UNCOMPRESSED,
    check_model,
    check_spec,
)
from cnnviz.models.names import MAX_NAME_CHARS, check_name
from cnnviz.nn import Sequential
from cnnviz.nn.losses import class_count
from cnnviz.nn.serialize import READ_ERRORS, load_model

#: Arrays a model file may hold: a weight and a bias per layer, the spec and the metadata.
MAX_MEMBERS = 2 * MAX_LAYERS + 2
LABEL = "the uploaded file"


def model_from_upload(data: bytes) -> tuple[Sequential, dict]:
    """An uploaded .npz as (model, metadata), validated: sizes, dtypes, spec and metadata are
    checked before anything large is allocated, and nothing is unpickled."""
    if not data:
        raise ValueError("the request body is empty; send an .npz model file as the body")
    spec, meta = _read_upload(data)
    check_spec(spec)
    model = load_model(Sequential, io.BytesIO(data), LABEL)
    if model.input_shape is None:
        model.input_shape = INPUT_SHAPE
    check_model(model)
    _check_finite(model)
    clean = _clean_metadata(meta, n_outputs=class_count(model.output_shapes()[-1][0]))
    original = meta.get("id") if is_id(meta.get("id")) else None
    clean.update(imported=True, original_id=original)
    return model, clean


def _check_finite(model: Sequential) -> None:
    for layer in model:
        for key, value in layer.params.items():
            bad = value.size - int(np.count_nonzero(np.isfinite(value)))
            if bad:
                raise ValueError(
                    f"{layer.name}/{key} holds {bad:,} NaN or infinite values; every weight of a "
                    "model must be a finite number"
                )


def _read_upload(data: bytes) -> tuple[Any, dict]:
    """(spec, metadata) of an .npz, after checking every member's header and size."""
    not_npz = "the body is not an .npz model file (a zip of .npy arrays, as exported)"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except READ_ERRORS:
        raise ValueError(not_npz) from None
    if not members:
        raise ValueError(f"{not_npz}: the zip is empty")
    if len(members) > MAX_MEMBERS:
        raise ValueError(
            f"{not_npz}: it holds {len(members):,} entries; a model file holds at most "
            f"{MAX_MEMBERS} (a weight and a bias per layer, the spec and the metadata)"
        )
    counts = Counter(member.filename for member in members)
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise ValueError(
            f"{not_npz}: it holds more than one entry named {repeated[0]!r}; each array is "
            "stored once"
        )
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise ValueError(
            f"the file unpacks to more than {MAX_UNCOMPRESSED:,} bytes; a model has at most "
            f"{MAX_PARAMETERS:,} parameters"
        )
    encrypted = [m.filename for m in members if m.flag_bits & 0x1]
    if encrypted:
        raise ValueError(
            f"{not_npz}: {encrypted[0]!r} is encrypted; export the model without a password"
        )
    try:
        broken = archive.testzip()  # decompresses every member once, checking its CRC
    except READ_ERRORS as exc:
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
        except READ_ERRORS as exc:
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
    except READ_ERRORS as exc:
        raise ValueError(f"{not_npz} ({exc})") from None
    return spec, meta if isinstance(meta, dict) else {}


def _parse_json(array: np.ndarray, key: str) -> Any:
    if array.ndim != 0 or array.dtype.kind != "U" or array.dtype.itemsize > 4 * MAX_JSON_CHARS:
        raise ValueError(f"the file's {key} entry must be one JSON text")
    try:
        value = json.loads(str(array))
        # JSON may escape half a surrogate pair ("\ud800"): text no response could carry
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except json.JSONDecodeError as exc:
        raise ValueError(f"the file's {key} entry is not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError(f"the file's {key} entry is nested too deeply") from None
    except UnicodeEncodeError:
        raise ValueError(
            f"the file's {key} entry holds text that is not valid Unicode (a lone surrogate)"
        ) from None
    return value


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
    "description",
    "preset",
    "dataset",
    "command",
    "training_data",
    "evaluated_on",
    "trained_at",
    "created_at",
    "finished_at",
    "cnnviz_version",
    "numpy_version",
    "dtype",
)


def _clean_metadata(meta: dict, n_outputs: int) -> dict:
    """The known facts of an uploaded file's metadata that have the right types; the rest goes.

    What is kept is what the model list, the model card and the predictions read (names, class
    names, the evaluation), so a hand-made file cannot break them. A name that is text but not a
    valid model name is refused (`cnnviz.models.names`), not silently dropped.
    """
    clean: dict[str, Any] = {}
    if isinstance(meta.get("name"), str):
        clean["name"] = check_name(meta["name"], "the file's metadata name")
    for key in _TEXT_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value and len(value) <= 4000:
            clean[key] = value
    for key, kind in (("class_names", str), ("classes", int)):
        value = meta.get(key)
        if (
            isinstance(value, list)
            and len(value) == n_outputs
            and all(isinstance(v, kind) and not isinstance(v, bool) for v in value)
            and all(len(v) <= MAX_NAME_CHARS for v in value if isinstance(v, str))
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
