"""`/api/models`: list, describe, create and delete, with every error path (export and import:
test_models_exchange.py; hostile uploads and names: test_models_hostile.py; full disks, races
and memory: test_models_storage.py)."""

import copy
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from cnnviz.api.main import create_app
from cnnviz.api.schemas.models import LENET5_SPEC_EXAMPLE
from cnnviz.models.bundled import PRETRAINED_DIR
from cnnviz.models.store import ModelStore
from cnnviz.nn import build_model
from cnnviz.settings import Settings

SUMMARY_KEYS = {
    "id",
    "name",
    "label",
    "preset",
    "dataset",
    "classes",
    "accuracy",
    "accuracy_text",
    "classes_warning",
    "default",
    "builtin",
    "trained",
}


def spec(**changes) -> dict:
    """The LeNet-style example spec, with `changes` as {layer index: {arg: value}}."""
    result = copy.deepcopy(LENET5_SPEC_EXAMPLE)
    for index, args in changes.items():
        result["layers"][int(index.removeprefix("l"))].update(args)
    return result


def create(client: TestClient, **body) -> dict:
    response = client.post("/api/models", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def detail_of(response) -> str:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else json.dumps(detail)


# -- listing and describing ------------------------------------------------------------------
def test_list_shows_bundled_models_and_the_default(client: TestClient) -> None:
    response = client.get("/api/models")
    assert response.status_code == 200
    models = {m["id"]: m for m in response.json()}
    assert set(models["lenet5-mnist"]) == SUMMARY_KEYS
    assert models["lenet5-mnist"]["default"] is True
    assert models["lenet5-mnist"]["builtin"] is True
    assert models["lenet5-mnist"]["trained"] is True
    assert 0.9 < models["lenet5-mnist"]["accuracy"] <= 1
    assert sum(m["default"] for m in models.values()) == 1


def test_bundled_model_detail_has_shapes_parameters_and_card(client: TestClient) -> None:
    response = client.get("/api/models/lenet5-mnist")
    assert response.status_code == 200
    body = response.json()
    assert body["input_shape"] == [1, 28, 28]
    assert body["parameters"] == 61706
    assert body["layers"][0] == {
        "name": "conv1",
        "type": "Conv2D",
        "input_shape": [1, 28, 28],
        "output_shape": [6, 28, 28],
        "parameters": 156,
        "geometry": {
            "kernel": [5, 5],
            "stride": [1, 1],
            "padding": [2, 2, 2, 2],
            "dilation": [1, 1],
        },
        # a 5×5 window padded by 2: output cell 0 sees input rows and columns -2..2
        "receptive_fields": [
            {
                "layer": "input",
                "rows": {"start": -2, "size": 5, "jump": 1},
                "cols": {"start": -2, "size": 5, "jump": 1},
            }
        ],
        "note": None,  # a conv's name and shape say what its column is
    }
    assert body["layers"][-1]["output_shape"] == [10]
    assert sum(row["parameters"] for row in body["layers"]) == body["parameters"]
    assert body["spec"]["layers"][0]["type"] == "Conv2D"
    assert body["metadata"]["dataset"] == "mnist"
    assert body["card"] == (PRETRAINED_DIR / "lenet5-mnist.md").read_text(encoding="utf-8")


def test_unknown_model_is_404(client: TestClient) -> None:
    response = client.get("/api/models/no-such-model")
    assert response.status_code == 404
    assert "GET /api/models" in response.json()["detail"]


ID_PATHS = [
    # an encoded slash splits the id: no model route matches
    ("/api/models/..%2F..%2Fetc", 404),
    ("/api/models/..%2F..%2Fetc%2Fpasswd", 404),
    ("/api/models/..%2F..%2Fetc/export", 404),
    ("/api/models/..", 404),  # the client resolves it to /api
    # one path segment, but not an id
    ("/api/models/%2E%2E", 422),
    ("/api/models/Bad_Id", 422),
    ("/api/models/-leading-dash", 422),
    ("/api/models/" + "a" * 65, 422),
    ("/api/models/abc%0A", 422),
]


@pytest.mark.parametrize(("path", "status"), ID_PATHS)
def test_ids_are_validated_never_used_as_paths(
    client: TestClient, settings: Settings, path: str, status: int
) -> None:
    outside = settings.models_dir.parent / "etc"
    outside.mkdir()
    (outside / "passwd").write_text("not to be touched")
    assert client.get(path).status_code == status
    client.delete(path)  # its answer: the next test
    assert (outside / "passwd").read_text() == "not to be touched"


@pytest.mark.parametrize(("path", "status"), ID_PATHS)
def test_a_delete_of_such_a_path_answers_as_its_get(
    client: TestClient, path: str, status: int
) -> None:
    assert client.delete(path).status_code == status


# -- creating ----------------------------------------------------------------------------------
def test_create_from_preset_is_201_with_summary_and_listed(client: TestClient) -> None:
    response = client.post("/api/models", json={"preset": "lenet5", "seed": 0, "name": "My net"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == SUMMARY_KEYS
    assert body["id"].startswith("my-net-")
    assert body["name"] == "My net"
    assert body["preset"] == "lenet5"
    assert (body["builtin"], body["trained"], body["default"]) == (False, False, False)
    assert response.headers["location"] == f"/api/models/{body['id']}"
    assert body["id"] in [m["id"] for m in client.get("/api/models").json()]


def test_created_model_detail_has_a_short_card(client: TestClient) -> None:
    model_id = create(client, preset="simple")["id"]
    body = client.get(f"/api/models/{model_id}").json()
    assert body["parameters"] == build_model("simple").parameter_count
    assert "no training record" in body["card"]
    assert body["metadata"]["preset"] == "simple"


def test_create_is_seeded(client: TestClient, settings: Settings) -> None:
    a = create(client, preset="lenet5", seed=3)["id"]
    b = create(client, preset="lenet5", seed=3)["id"]
    store = ModelStore(settings.models_dir)
    weights_a = store.get(a).model["conv1"].params["weight"]
    np.testing.assert_array_equal(weights_a, store.get(b).model["conv1"].params["weight"])
    np.testing.assert_array_equal(
        weights_a, build_model("lenet5", seed=3)["conv1"].params["weight"]
    )


def test_create_from_spec_without_input_shape_defaults_to_28x28(client: TestClient) -> None:
    body = spec()
    del body["input_shape"]
    model_id = create(client, spec=body, seed=1)["id"]
    detail = client.get(f"/api/models/{model_id}").json()
    assert detail["input_shape"] == [1, 28, 28]
    assert [row["name"] for row in detail["layers"]][:2] == ["conv1", "relu1"]
    assert detail["layers"][-1]["output_shape"] == [10]


def test_a_class_subset_output_is_allowed(client: TestClient) -> None:
    model_id = create(client, spec=spec(l9={"out_features": 3}))["id"]
    assert client.get(f"/api/models/{model_id}").json()["layers"][-1]["output_shape"] == [3]


def test_created_models_persist_across_apps(client: TestClient, settings: Settings) -> None:
    model_id = create(client, preset="tinyvgg", name="kept")["id"]
    with TestClient(create_app(settings)) as again:
        listed = {m["id"]: m for m in again.get("/api/models").json()}
        assert listed[model_id]["name"] == "kept"
        assert again.get(f"/api/models/{model_id}").status_code == 200


def test_broken_spec_is_422_naming_the_layer(client: TestClient) -> None:
    detail = detail_of(client.post("/api/models", json={"spec": spec(l3={"in_channels": 16})}))
    assert "Conv2D 'conv2'" in detail
    assert "16 input channels, got 6" in detail


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"spec": spec(l7={"in_features": 300})}, "Dense 'fc1' expects 300 input features"),
        ({"spec": spec(l1={"type": "BatchNorm2D"})}, "layer 2 has unknown type 'BatchNorm2D'"),
        ({"spec": spec(l0={"kernel": 5})}, "layer 1 (Conv2D) has no argument 'kernel'"),
        ({"spec": spec(l0={"out_channels": "six"})}, "out_channels must be a whole number"),
        ({"spec": spec(l0={"out_channels": 6.5})}, "out_channels must be a whole number"),
        ({"spec": spec(l0={"kernel_size": 0})}, "kernel_size must be"),
        ({"spec": spec(l0={"padding": "huge"})}, "padding must be"),
        ({"spec": spec(l0={"init": "zeros"})}, "init must be one of"),
        ({"spec": spec(l0={"bias": "yes"})}, "bias must be true or false"),
        ({"spec": spec(l0={"name": {"a": 1}})}, "name must be"),
        ({"spec": spec(l0={"name": "../x"})}, "name must be"),
        ({"spec": spec(l0={"stride": 2, "padding": "same"})}, "padding='same' needs stride 1"),
        ({"spec": spec(l2={"kernel_size": 2, "padding": 2})}, "MaxPool2D"),
        ({"spec": spec(l0={"rng": 1})}, "has no argument 'rng'"),
        ({"spec": {"layers": [{"type": "Conv2D", "in_channels": 1}]}}, "needs out_channels"),
        ({"spec": {"input_shape": [3, 32, 32], "layers": [{"type": "Flatten"}]}}, "input_shape"),
        ({"spec": {"layers": []}}, "at least 1 item"),
        ({"spec": {"layers": [{"type": ["Conv2D"]}]}}, "layer 1 has unknown type"),
        ({"spec": {**spec(), "input_shape": [1, 28, 28.0]}}, "a valid integer"),
        ({"spec": {"layers": "conv"}}, "a valid list"),
        ({"spec": {**spec(), "extra": 1}}, "Extra inputs are not permitted"),
        ({"spec": {**spec(), "format": "keras"}}, "format"),
        ({"spec": {**spec(), "dtype": "int8"}}, "dtype"),
        ({"spec": {"layers": [{"type": "ReLU"}]}}, "the last layer must output"),
        ({"spec": spec(l9={"out_features": 11})}, "2 to 10 numbers"),
        ({"spec": {"layers": [{"type": "Flatten"}, {"type": "Dense"}]}}, "needs in_features"),
        ({"preset": "resnet50"}, "lenet5"),
        ({"preset": "lenet5", "spec": spec()}, "exactly one of"),
        ({}, "exactly one of"),
        ({"preset": "lenet5", "seed": -1}, "greater than or equal to 0"),
        ({"preset": "lenet5", "name": ""}, "at least 1 character"),
        ({"preset": "lenet5", "name": "   "}, "at least one visible"),
        ({"preset": "lenet5", "name": "a\x00b"}, "not a valid model name"),
        ({"preset": "lenet5", "name": "evil\u202egpj.exe"}, "no control or bidirectional"),
        ({"preset": "lenet5", "name": "<script>alert(1)</script>"}, "no '<' or '>'"),
        ({"preset": "lenet5", "name": "x" * 65}, "at most 64 characters"),
        ({"preset": "lenet5", "colour": "red"}, "Extra inputs are not permitted"),
        ({"spec": [1, 2]}, "valid dictionary"),
    ],
)
def test_invalid_create_requests_are_422_saying_what_to_fix(
    client: TestClient, body: dict, expected: str
) -> None:
    assert expected in detail_of(client.post("/api/models", json=body))


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        # 784 × 10,000 weights: refused before anything is allocated
        (
            [{"type": "Flatten"}, {"type": "Dense", "in_features": 784, "out_features": 10000}],
            "the limit is 5,000,000",
        ),
        (
            [{"type": "Conv2D", "in_channels": 1, "out_channels": 65536, "kernel_size": 64}],
            "parameters",
        ),
        (
            [{"type": "Conv2D", "in_channels": 1, "out_channels": 10**12, "kernel_size": 3}],
            "whole number",
        ),
        (
            [
                {
                    "type": "Conv2D",
                    "in_channels": 1,
                    "out_channels": 1,
                    "kernel_size": 1,
                    "padding": 10**9,
                }
            ],
            "padding",
        ),
        (
            [{"type": "Conv2D", "in_channels": 1, "out_channels": 1000, "kernel_size": 1}],
            "outputs 784,000 numbers",
        ),
        (
            [
                {
                    "type": "Conv2D",
                    "in_channels": 1,
                    "out_channels": 2,
                    "kernel_size": 64,
                    "padding": "full",
                    "dilation": 64,
                }
            ],
            "outputs",
        ),
    ],
)
def test_oversized_specs_are_422(client: TestClient, layers: list, expected: str) -> None:
    assert expected in detail_of(client.post("/api/models", json={"spec": {"layers": layers}}))


def test_deeply_nested_spec_is_not_a_server_error(client: TestClient) -> None:
    nested: dict = {"type": "Flatten"}
    for _ in range(200):
        nested = {"type": "Flatten", "name": nested}
    response = client.post("/api/models", json={"spec": {"layers": [nested]}})
    assert response.status_code == 422


def test_an_unreadable_file_in_the_models_dir_does_not_break_the_list(
    client: TestClient, settings: Settings
) -> None:
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    (settings.models_dir / "broken-1.npz").write_bytes(b"not a zip")
    response = client.get("/api/models")
    assert response.status_code == 200
    assert "broken-1" not in [m["id"] for m in response.json()]
    detail = detail_of(client.get("/api/models/broken-1"))
    assert "model 'broken-1' is not a readable .npz" in detail
    assert str(settings.models_dir) not in detail
    assert client.delete("/api/models/broken-1").status_code == 204


# -- deleting ----------------------------------------------------------------------------------
def test_delete_user_model_is_204_then_404(client: TestClient, settings: Settings) -> None:
    model_id = create(client, preset="simple")["id"]
    response = client.delete(f"/api/models/{model_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert not (settings.models_dir / f"{model_id}.npz").exists()
    assert client.get(f"/api/models/{model_id}").status_code == 404
    assert client.delete(f"/api/models/{model_id}").status_code == 404
    assert model_id not in [m["id"] for m in client.get("/api/models").json()]


def test_delete_bundled_model_is_403(client: TestClient) -> None:
    response = client.delete("/api/models/lenet5-mnist")
    assert response.status_code == 403
    assert "bundled" in response.json()["detail"]
    assert (PRETRAINED_DIR / "lenet5-mnist.npz").is_file()


def test_delete_unknown_is_404(client: TestClient) -> None:
    assert client.delete("/api/models/never-was").status_code == 404


# -- documentation -----------------------------------------------------------------------------
def test_openapi_ui_at_docs_lists_the_model_routes(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/models"])
    assert {"get", "delete"} <= set(paths["/api/models/{model_id}"])
    assert "get" in paths["/api/models/{model_id}/export"]
    upload = paths["/api/models/import"]["post"]["requestBody"]["content"]
    assert "application/octet-stream" in upload
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["CreateModel"]["examples"][0]["preset"] == "lenet5"
    assert "spec" in schemas["CreateModel"]["examples"][1]
    refusal = paths["/api/models/{model_id}"]["delete"]["responses"]["403"]
    assert refusal["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorMessage")
