"""`POST /api/models/import` and model names under attack: every file that is not a model the
limits allow is a 422 within a second whose message says what is wrong and names no server path;
anything but `application/octet-stream` is a 415; over the body limit is a 413."""

import io
import json
import re
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.model_files import (
    lenet_arrays,
    members_of,
    npy_bytes,
    npz_bytes,
    zip_of,
)

import cnnviz
from cnnviz.models.bundled import PRETRAINED_DIR
from cnnviz.models.limits import MAX_LAYERS
from cnnviz.settings import Settings

OCTET = {"content-type": "application/octet-stream"}
#: Where the server's files are: no answer may name them.
SERVER_PATHS = (str(Path(cnnviz.__file__).resolve().parents[1]), tempfile.gettempdir())


def refused(response, status: int) -> str:
    """The refusal's message, after checking its status, that it is JSON and names no path."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else json.dumps(detail)
    assert not any(path in text for path in SERVER_PATHS), text
    return text


def upload(client: TestClient, body: bytes, headers: dict | None = None):
    start = time.monotonic()
    response = client.post("/api/models/import", content=body, headers=headers or OCTET)
    assert time.monotonic() - start < 1.0, "a refusal takes under a second"
    return response


def with_header_bits(data: bytes, local: int, central: int, value: int, size: int = 2) -> bytes:
    """`data` (a zip) with the field at `local` in its first member's local header and at
    `central` in its first central-directory entry set to `value`."""
    patched = bytearray(data)
    field = value.to_bytes(size, "little")
    patched[local : local + size] = field
    entry = patched.find(b"PK\x01\x02")
    patched[entry + central : entry + central + size] = field
    return bytes(patched)


def lenet_members(**changes: np.ndarray) -> list[tuple[str, bytes]]:
    return members_of(lenet_arrays(**changes))


def lenet_with_spec(**layer_changes) -> dict[str, np.ndarray]:
    """LeNet-5's arrays with its spec's layer `lN` changed: {"l3": {"in_channels": 16}}."""
    spec = json.loads(str(lenet_arrays()["spec"]))
    for key, args in layer_changes.items():
        spec["layers"][int(key.removeprefix("l"))].update(args)
    return lenet_arrays(spec=np.array(json.dumps(spec)))


def pickled_npz() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, spec=np.array([{"layers": []}], dtype=object))
    return buffer.getvalue()


def bomb_npz() -> bytes:
    """A few KB that would unpack to 100 MB of zeros."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("spec.npy", "w", force_zip64=True) as f,
    ):
        f.write(b"\0" * 100_000_000)
    return buffer.getvalue()


def header_npy(shape: tuple[int, ...], version: tuple[int, int] = (1, 0), pad: int = 0) -> bytes:
    """An .npy header claiming `shape` float64 values (`pad` spaces make it longer), no data."""
    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}" + " " * pad + "\n"
    length = len(text).to_bytes(2 if version == (1, 0) else 4, "little")
    return np.lib.format.magic(*version) + length + text.encode("latin-1")


def corrupt_lzma() -> bytes:
    data = bytearray(zip_of(lenet_members(), zipfile.ZIP_LZMA))
    for offset in range(32):  # scribble over compressed weights
        data[len(data) // 2 + offset] ^= 0x5A
    return bytes(data)


def metadata_named(name: str) -> bytes:
    return npz_bytes(**lenet_arrays(metadata=np.array(json.dumps({"name": name}))))


spec_only = zip_of([("spec.npy", npy_bytes(np.array("{}")))], zipfile.ZIP_STORED)
lenet = lenet_members()
lenet_spec = lenet[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "empty"),
        (b"hello, this is not a zip", "not an .npz"),
        (b"PK\x03\x04" + b"\0" * 100, "not an .npz"),
        (zip_of([("readme.txt", b"hi")]), "not an array"),
        (zip_of([]), "not an .npz"),
        (zip_of([("spec.npy", b"not an array header")]), "not a readable array"),
        (pickled_npz(), "never unpickles"),
        (npz_bytes(weights=np.zeros(3, np.float32)), "no 'spec'"),
        (npz_bytes(spec=np.array("not json")), "not valid JSON"),
        (npz_bytes(spec=np.array("[" * 100_000)), "nested too deeply"),
        (npz_bytes(spec=np.zeros(3)), "one JSON text"),
        (npz_bytes(spec=np.array(json.dumps({"layers": [{"type": "Evil"}]}))), "unknown type"),
        (npz_bytes(**lenet_with_spec(l3={"in_channels": 16})), "conv2"),
        (npz_bytes(**lenet_with_spec(l7={"out_features": 20_000})), "the limit is 5,000,000"),
        (
            npz_bytes(**{k: v for k, v in lenet_arrays().items() if k != "fc3/bias"}),
            "no weights for fc3/bias",
        ),
        (npz_bytes(**lenet_arrays(**{"fc3/bias": np.zeros(7, np.float32)})), "shape (7,)"),
        (npz_bytes(**lenet_arrays(**{"fc3/bias": np.zeros(10, np.int32)})), "not floating"),
        (npz_bytes(**lenet_arrays(extra=np.zeros(2))), "weights no layer uses"),
        (npz_bytes(**lenet_arrays(metadata=np.array("{oops"))), "metadata entry is not valid"),
        (bomb_npz(), "unpacks to more than"),
        (zip_of([("spec.npy", header_npy((10**12,)) + b"x" * 64)]), "truncated"),
        # A.5: what zipfile and numpy raise beyond ValueError
        (with_header_bits(spec_only, 6, 8, 0x1), "'spec.npy' is encrypted"),
        (with_header_bits(spec_only, 8, 10, 99), "damaged"),  # an unknown compression method
        (corrupt_lzma(), "damaged"),
        (zip_of([("spec.npy", header_npy((3,), (2, 0), pad=200_000))]), "not a readable array"),
        (zip_of([(f"w{k}.npy", b"") for k in range(2 * MAX_LAYERS + 3)]), "at most 130"),
        # A.14: arrays stored twice, weights that are not numbers, names that hide text
        (zip_of([lenet_spec, *lenet]), "more than one entry named 'spec.npy'"),
        (
            zip_of([*lenet, ("conv1/weight.npy", lenet[1][1])]),
            "more than one entry named 'conv1/weight.npy'",
        ),
        (
            npz_bytes(**lenet_arrays(**{"conv2/weight": np.full((16, 6, 5, 5), np.nan, "f4")})),
            "conv2/weight holds 2,400 NaN or infinite values",
        ),
        (
            npz_bytes(**lenet_arrays(**{"fc3/bias": np.array([np.inf] + [0] * 9, "f4")})),
            "fc3/bias holds 1 NaN or infinite values",
        ),
        (metadata_named("evil\x00name"), "the file's metadata name 'evil\\x00name'"),
        (metadata_named("cat\u202egpj.exe"), "no control or bidirectional-formatting"),
        (metadata_named("<img src=x onerror=alert(1)>"), "no '<' or '>'"),
        (metadata_named("x" * 65), "not a valid model name"),
        (
            npz_bytes(**lenet_arrays(metadata=np.array('{"description": "\\ud800"}'))),
            "not valid Unicode",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "body",
)
def test_bad_uploads_are_422_with_a_message(client: TestClient, body: bytes, expected: str) -> None:
    assert expected in refused(upload(client, body), 422)


@pytest.mark.parametrize("position", [0.3, 0.5, 0.7])
def test_a_damaged_file_is_422(client: TestClient, position: float) -> None:
    data = bytearray((PRETRAINED_DIR / "simple-mnist.npz").read_bytes())
    for offset in range(16):  # scribble over compressed weights
        data[int(len(data) * position) + offset] ^= 0x5A
    assert "damaged" in refused(upload(client, bytes(data)), 422)


def test_hostile_metadata_is_cleaned_on_import(client: TestClient) -> None:
    meta = {
        "name": 123,
        "id": "../../etc/passwd",
        "evaluation": "excellent",
        "class_names": ["a"],
        "description": "fine",
        "config": {"lr": float("nan")},
        "payload": "x" * 1000,
    }
    response = upload(client, npz_bytes(**lenet_arrays(metadata=np.array(json.dumps(meta)))))
    assert response.status_code == 201, response.text
    model_id = response.json()["id"]
    assert response.json()["name"] == response.json()["label"]  # no name: its label shows
    assert response.json()["trained"] is False
    detail = client.get(f"/api/models/{model_id}")
    assert detail.status_code == 200
    metadata = detail.json()["metadata"]
    assert metadata["description"] == "fine"
    assert "payload" not in metadata
    # one class name for ten outputs is dropped: the store records the outputs as 0-9
    assert metadata["class_names"] == [str(k) for k in range(10)]
    assert metadata["config"] == {"lr": None}
    assert metadata["original_id"] is None  # not an id: not kept
    assert client.get("/api/models").status_code == 200


def test_a_plain_name_with_spaces_and_accents_is_kept(client: TestClient) -> None:
    response = upload(client, metadata_named("  Réseau de Zoë, v2 (ß) 😀  "))
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Réseau de Zoë, v2 (ß) 😀"
    assert response.json()["id"].startswith("r-seau-de-zo-v2-")


# -- A.9: only application/octet-stream ---------------------------------------------------------
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json",
        "application/octet-streamish",
        None,
    ],
)
def test_import_takes_only_octet_stream(client: TestClient, content_type: str | None) -> None:
    exported = client.get("/api/models/simple-mnist/export").content
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/api/models/import", content=exported, headers=headers)
    message = refused(response, 415)
    assert "Content-Type: application/octet-stream" in message
    assert client.get("/api/models").json()[-1]["id"] == "simple-mnist"  # nothing was kept


def test_import_as_a_form_upload_says_send_the_raw_body(client: TestClient) -> None:
    exported = client.get("/api/models/simple-mnist/export").content
    response = client.post("/api/models/import", files={"file": ("m.npz", exported)})
    assert "raw request body" in refused(response, 415)


def test_octet_stream_with_parameters_is_taken(client: TestClient) -> None:
    exported = client.get("/api/models/simple-mnist/export").content
    headers = {"content-type": "Application/Octet-Stream; charset=binary"}
    assert upload(client, exported, headers).status_code == 201


def test_import_over_the_body_limit_is_413(client: TestClient, settings: Settings) -> None:
    too_big = b"\0" * (settings.max_body_bytes + 1)
    assert "limit" in refused(upload(client, too_big), 413)

    def chunks():  # no Content-Length: the middleware counts
        for _ in range(6):
            yield b"\0" * (1024 * 1024)

    response = client.post("/api/models/import", content=chunks(), headers=OCTET)
    assert response.status_code == 413


def test_the_refusals_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    imported = paths["/api/models/import"]["post"]["responses"]
    assert {"201", "413", "415", "422", "507"} <= set(imported)
    assert "507" in paths["/api/models"]["post"]["responses"]
    create = client.get("/openapi.json").json()["components"]["schemas"]["CreateModel"]
    pattern = create["properties"]["name"]["pattern"]  # what a client can check before sending
    assert re.search(pattern, "my LeNet-5") and not re.search(pattern, "a\u202eb")
