"""`GET /api/catalogue` against independent references: parameter counts worked out by hand,
torch.optim's defaults, the learning-rates each schedule actually gives, and the API itself (a
preset's spec, every advertised argument value and the limits at their edges, sent back to
`POST /api/models`)."""

import jsonschema
import pytest
import torch
from fastapi.testclient import TestClient

from cnnviz.api.schemas.catalogue import Catalogue
from cnnviz.api.schemas.train import TrainRequest
from cnnviz.nn import OPTIMIZERS, PRESETS
from cnnviz.nn.layers import LAYER_TYPES
from cnnviz.train.schedule import SCHEDULES, LRSchedule

#: weights + biases of each layer, by hand (LeNet-5: 5×5 convs, 16·5·5 = 400 features into fc1)
HAND_COUNTS = {
    "simple": (8 * 1 * 3 * 3 + 8) + (8 * 13 * 13 * 10 + 10),
    "lenet5": (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + 850,
    "tinyvgg": (10 * 9 + 10) + 3 * (10 * 10 * 9 + 10) + (10 * 4 * 4 * 10 + 10),
    "sigmoid01": (8 * 9 + 8) + (8 * 13 * 13 + 1),
    "cnn32-64-64": (32 * 9 + 32) + (64 * 32 * 9 + 64) + (64 * 64 * 9 + 64) + (576 * 64 + 64) + 650,
}
TORCH_OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
}
HEAD = [{"type": "Flatten"}, {"type": "Dense", "in_features": 784, "out_features": 10}]


@pytest.fixture
def catalogue(client: TestClient) -> dict:
    response = client.get("/api/catalogue")
    assert response.status_code == 200, response.text
    return response.json()


def by_name(entries: list[dict]) -> dict[str, dict]:
    return {entry["name"]: entry for entry in entries}


def created(client: TestClient, layers: list[dict]) -> dict:
    response = client.post("/api/models", json={"spec": {"layers": layers}})
    assert response.status_code == 201, (layers, response.text)
    return client.get(f"/api/models/{response.json()['id']}").json()


def test_presets_have_their_hand_counted_parameters_and_a_spec_that_builds_them(
    client: TestClient, catalogue: dict
) -> None:
    presets = by_name(catalogue["presets"])
    assert list(presets) == list(PRESETS)
    assert {name: p["parameters"] for name, p in presets.items()} == HAND_COUNTS
    for name, preset in presets.items():
        assert preset["description"], name
        assert sum(row["parameters"] for row in preset["layers"]) == HAND_COUNTS[name]
        rebuilt = created(client, preset["spec"]["layers"])
        assert rebuilt["parameters"] == HAND_COUNTS[name]
        assert rebuilt["layers"] == preset["layers"]
    assert catalogue["input_shape"] == [1, 28, 28]


def test_layer_types_list_the_arguments_a_spec_takes(client: TestClient, catalogue: dict) -> None:
    types = by_name(catalogue["layer_types"])
    assert list(types) == list(LAYER_TYPES)
    conv = by_name(types["Conv2D"]["arguments"])
    required = [name for name, arg in conv.items() if arg["required"]]
    assert required == ["in_channels", "out_channels", "kernel_size"]
    assert {name: arg["default"] for name, arg in conv.items() if not arg["required"]} == {
        "stride": 1, "padding": 0, "dilation": 1, "bias": True, "init": "he_normal", "name": None,
    }  # fmt: skip
    assert by_name(types["MaxPool2D"]["arguments"])["stride"]["default"] is None  # = kernel
    for kind in types.values():
        for argument in kind["arguments"]:
            if not argument["required"]:
                jsonschema.validate(argument["default"], argument["type"])
    # every value an enum advertises is one the API builds (a 1×1 kernel keeps 28×28 in each)
    for padding in conv["padding"]["type"]["anyOf"][-1]["enum"]:
        entry = {"in_channels": 1, "out_channels": 1, "kernel_size": 1, "padding": padding}
        created(client, [{"type": "Conv2D", **entry}, *HEAD])
    for init in conv["init"]["type"]["enum"]:
        created(client, [{"type": "Flatten"}, {"type": "Dense", "in_features": 784,
                                              "out_features": 10, "init": init}])  # fmt: skip


def test_optimizer_defaults_are_torch_optims(catalogue: dict) -> None:
    optimizers = by_name(catalogue["optimizers"])
    assert list(optimizers) == list(OPTIMIZERS)
    parameter = [torch.zeros(1, requires_grad=True)]
    for name, entry in optimizers.items():
        reference = TORCH_OPTIMIZERS[name](parameter, lr=0.5).defaults
        for argument in entry["arguments"]:
            if argument["name"] == "lr":
                continue  # ours: SGD's lr has no default (torch's changed between versions)
            expected = reference[argument["name"]]
            expected = list(expected) if isinstance(expected, tuple) else expected
            assert argument["default"] == expected, (name, argument["name"])
    assert by_name(optimizers["sgd"]["arguments"])["lr"]["required"] is True


def test_schedules_list_exactly_the_fields_that_change_their_rates(catalogue: dict) -> None:
    schedules = by_name(catalogue["schedules"])
    assert list(schedules) == list(SCHEDULES)
    changed = {"warmup_steps": 5, "step_size": 2, "gamma": 0.5}
    for name, entry in schedules.items():
        listed = {argument["name"] for argument in entry["arguments"]}

        def rates(**fields):
            schedule = LRSchedule(name, 0.1, total_steps=40, steps_per_epoch=4, **fields)  # noqa: B023
            return [schedule(step) for step in range(40)]

        for field, value in changed.items():
            assert (rates(**{field: value}) != rates()) == (field in listed), (name, field)
        for argument in entry["arguments"]:  # the default is what POST /api/train uses
            assert argument["default"] == TrainRequest.model_fields[argument["name"]].default


def test_kernels_are_the_playgrounds(client: TestClient, catalogue: dict) -> None:
    assert catalogue["kernels"] == client.get("/api/conv/kernels").json()


def test_the_layer_limit_is_where_the_api_refuses(client: TestClient, catalogue: dict) -> None:
    most = catalogue["limits"]["max_layers"]
    created(client, [{"type": "ReLU"}] * (most - len(HEAD)) + HEAD)
    response = client.post(
        "/api/models", json={"spec": {"layers": [{"type": "ReLU"}] * (most + 1 - len(HEAD)) + HEAD}}
    )
    assert response.status_code == 422
    assert str(most) in str(response.json()["detail"])


def test_the_parameter_limit_is_where_the_api_refuses(client: TestClient, catalogue: dict) -> None:
    most = catalogue["limits"]["max_parameters"]
    # Flatten, Dense 784 -> n, Dense n -> 10: 784·n + n + 10·n + 10 parameters
    widest = (most - 10) // 795

    def spec(width: int) -> dict:
        dense = [{"type": "Dense", "in_features": 784, "out_features": width},
                 {"type": "Dense", "in_features": width, "out_features": 10}]  # fmt: skip
        return {"spec": {"layers": [{"type": "Flatten"}, *dense]}}

    assert client.post("/api/models", json=spec(widest)).status_code == 201
    refused = client.post("/api/models", json=spec(widest + 1))
    assert refused.status_code == 422
    assert f"{most:,}" in refused.json()["detail"]


def test_the_docs_example_is_part_of_the_real_answer(catalogue: dict) -> None:
    example = Catalogue.model_config["json_schema_extra"]["examples"][0]
    Catalogue.model_validate(example)
    for section in ("presets", "schedules", "kernels"):
        real = by_name(catalogue[section])
        for entry in example[section]:
            assert entry == real[entry["name"]], (section, entry["name"])
    for section in ("layer_types", "optimizers"):
        real = by_name(catalogue[section])
        for entry in example[section]:
            assert entry["description"] == real[entry["name"]]["description"]
            assert all(a in real[entry["name"]]["arguments"] for a in entry["arguments"])
    assert example["limits"].items() <= catalogue["limits"].items()
