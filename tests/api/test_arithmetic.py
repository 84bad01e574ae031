"""`GET /api/models/{id}/arithmetic` and `GET /api/architectures/{preset}/arithmetic`: every
parameter count equals torch's count of the same network's module parameters, every output size
torch's output for one digit, every multiply-add count a hand count (filters × kernel × input
channels × output positions; inputs × outputs for a dense layer)."""

import pytest
import torch
from fastapi.testclient import TestClient
from torch import nn


def torch_lenet5() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


def torch_simple() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1352, 10))


def torch_cnn32_64_64() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(576, 64),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(64, 10),
    )


TORCH_NETWORKS = {"lenet5": torch_lenet5, "simple": torch_simple, "cnn32-64-64": torch_cnn32_64_64}


def torch_rows(network: nn.Sequential) -> list[tuple[int, int]]:
    """(parameters, output numbers for one 28×28 digit) of each module, counted by torch."""
    rows, x = [], torch.zeros(1, 1, 28, 28)
    with torch.no_grad():
        for module in network.eval():
            x = module(x)
            rows.append((sum(p.numel() for p in module.parameters()), x.numel()))
    return rows


@pytest.mark.parametrize("name", TORCH_NETWORKS)
def test_each_layer_counts_what_torch_counts(client: TestClient, name: str) -> None:
    answer = client.get(f"/api/architectures/{name}/arithmetic").json()
    layers = answer["layers"]
    if layers[0]["type"] == "Rescale":  # an input scaling torch's network does not have
        layers = layers[1:]
    expected = torch_rows(TORCH_NETWORKS[name]())
    assert [(row["parameters"], row["outputs"]) for row in layers] == expected
    assert answer["parameters"] == sum(p for p, _ in expected)
    assert answer["dtype"] == "float32" and answer["bytes_per_value"] == 4
    assert [row["memory_bytes"] for row in layers] == [4 * n for _, n in expected]
    assert answer["memory_bytes"] == 4 * answer["outputs"] == 4 * sum(n for _, n in expected)
    assert answer["parameter_bytes"] == 4 * answer["parameters"]


def test_lenet5_by_hand(client: TestClient) -> None:
    answer = client.get("/api/architectures/lenet5/arithmetic").json()
    weighted = [row for row in answer["layers"] if row["parameters"]]
    assert [row["formula"] for row in weighted] == [
        "(5·5·1 + 1)·6 = 156",
        "(5·5·6 + 1)·16 = 2,416",
        "(400 + 1)·120 = 48,120",
        "(120 + 1)·84 = 10,164",
        "(84 + 1)·10 = 850",
    ]
    # filters × kernel × channels × output positions; a dense layer: inputs × outputs.
    by_hand = [6 * 25 * 1 * 28 * 28, 16 * 25 * 6 * 10 * 10, 400 * 120, 120 * 84, 84 * 10]
    assert [row["multiply_adds"] for row in weighted] == by_hand
    assert [row["multiply_adds_formula"] for row in weighted] == [
        "150 weights × 784 positions",
        "2,400 weights × 100 positions",
        "48,000 weights × 1 position",
        "10,080 weights × 1 position",
        "840 weights × 1 position",
    ]
    assert answer["multiply_adds"] == sum(by_hand) == 416_520
    assert answer["parameters"] == 61_706
    assert answer["outputs"] == 15_002
    shapes = {row["name"]: row["output_shape"] for row in answer["layers"]}
    assert shapes["conv1"] == [6, 28, 28] and shapes["pool2"] == [16, 5, 5]
    assert shapes["flatten1"] == [400] and shapes["fc3"] == [10]


def test_a_layer_without_weights_says_why(client: TestClient) -> None:
    rows = client.get("/api/architectures/lenet5/arithmetic").json()["layers"]
    reasons = {row["type"]: row["formula"] for row in rows if not row["parameters"]}
    assert set(reasons) == {"ReLU", "MaxPool2D", "Flatten"}
    assert all(text.startswith("0: ") and len(text) > 10 for text in reasons.values())
    assert "largest" in reasons["MaxPool2D"]
    assert all(row["multiply_adds_formula"] is None for row in rows if not row["parameters"])


def test_the_32_64_64_table(client: TestClient) -> None:
    answer = client.get("/api/architectures/cnn32-64-64/arithmetic").json()
    counts = [row["parameters"] for row in answer["layers"] if row["parameters"]]
    assert counts == [320, 18_496, 36_928, 36_928, 650]
    assert answer["parameters"] == 93_322
    formulas = [row["formula"] for row in answer["layers"] if row["parameters"]]
    assert formulas[0] == "(3·3·1 + 1)·32 = 320"
    assert formulas[3] == "(576 + 1)·64 = 36,928"
    # 26×26, 11×11 and 3×3 output positions for the three convs, then the two dense layers.
    by_hand = [32 * 9 * 26 * 26, 64 * 9 * 32 * 11 * 11, 64 * 9 * 64 * 3 * 3, 576 * 64, 64 * 10]
    macs = [row["multiply_adds"] for row in answer["layers"] if row["parameters"]]
    assert macs == by_hand and answer["multiply_adds"] == sum(by_hand) == 2_794_240
    dropout = next(row for row in answer["layers"] if row["type"] == "Dropout")
    assert dropout["formula"].startswith("0: ") and "training" in dropout["formula"]


def test_the_one_output_sigmoid_network(client: TestClient) -> None:
    rows = client.get("/api/architectures/sigmoid01/arithmetic").json()["layers"]
    assert [row["type"] for row in rows][:2] == ["Rescale", "Conv2D"]
    assert rows[0]["parameters"] == 0 and rows[0]["formula"].startswith("0: ")
    assert rows[-1]["formula"] == "(1,352 + 1)·1 = 1,353"
    assert rows[-1]["output_shape"] == [1]


def test_a_model_counts_as_its_architecture(client: TestClient) -> None:
    """The bundled LeNet-5 and the preset it was trained from have the same arithmetic."""
    model = client.get("/api/models/lenet5-mnist/arithmetic").json()
    preset = client.get("/api/architectures/lenet5/arithmetic").json()
    assert model["source"] == "lenet5-mnist" and preset["source"] == "lenet5"
    assert {**model, "source": None} == {**preset, "source": None}


def test_a_conv_without_bias_and_float64(client: TestClient) -> None:
    spec = {
        "dtype": "float64",
        "layers": [
            {"type": "Conv2D", "in_channels": 1, "out_channels": 4, "kernel_size": [3, 2]},
            {"type": "Flatten"},
            {"type": "Dense", "in_features": 4 * 26 * 27, "out_features": 3, "bias": False},
        ],
    }
    model_id = client.post("/api/models", json={"spec": spec}).json()["id"]
    answer = client.get(f"/api/models/{model_id}/arithmetic").json()
    conv, _, dense = answer["layers"]
    assert conv["formula"] == "(3·2·1 + 1)·4 = 28"
    assert dense["formula"] == "2,808·3 = 8,424"
    assert conv["multiply_adds"] == 4 * 3 * 2 * 26 * 27
    assert answer["dtype"] == "float64" and answer["bytes_per_value"] == 8
    assert conv["memory_bytes"] == 8 * 4 * 26 * 27


def test_refusals(client: TestClient) -> None:
    missing = client.get("/api/models/no-such-model/arithmetic")
    assert missing.status_code == 404 and "GET /api/models" in missing.json()["detail"]
    assert client.get("/api/models/Not_An_Id/arithmetic").status_code == 422
    unknown = client.get("/api/architectures/resnet/arithmetic")
    assert unknown.status_code == 422
    assert "lenet5" in unknown.json()["detail"][0]["msg"]
