"""The command line with a one-output (sigmoid) model, on the bars dataset (tests/cli/commands.py):
`cnnviz train --recipe sigmoid-0-vs-1` writes a model; `cnnviz predict` reads a file as two
classes whose percentages add up to 100, the same probabilities the API gives for the same model
and file; `cnnviz evaluate` reports accuracy on the two classes, equal to a count by hand (a
positive logit reads class 1)."""

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.cli.commands import BarsData, ok

from cnnviz.api.main import create_app
from cnnviz.nn import Sequential, read_metadata
from cnnviz.settings import Settings, find_frontend_dir

pytestmark = pytest.mark.usefixtures("bars_env")

#: The recipe's sizes cut to what the bars dataset holds of classes 0 and 1.
SMALL = ["--train-size", "30", "--validation-size", "6", "--test-size", "10"]


@pytest.fixture
def sigmoid_model(tmp_path: Path) -> Path:
    out = tmp_path / "sigmoid.npz"
    run = ok("train", "--recipe", "sigmoid-0-vs-1", *SMALL, "--out", out)
    assert "test accuracy" in run.out
    return out


@pytest.fixture
def bar_file(bars_data: BarsData, tmp_path: Path) -> Path:
    """The first test image of class 1, as dark ink on white in a PNG."""
    first = int(np.flatnonzero(bars_data.test_labels == 1)[0])
    path = tmp_path / "bar.png"
    Image.fromarray(255 - bars_data.test_images[first]).save(path)
    return path


def test_train_writes_a_one_output_model(sigmoid_model: Path) -> None:
    model, meta = Sequential.load(sigmoid_model), read_metadata(sigmoid_model)
    assert model.forward(np.zeros((2, 1, 28, 28), np.float32)).shape == (2, 1)
    assert meta["config"]["model"] == "sigmoid01" and meta["classes"] == [0, 1]
    # the recipe's set-up, spelled out in the recorded command
    assert "--optimizer sgd --lr 0.005" in meta["command"] and "--classes 0,1" in meta["command"]


def test_predict_gives_two_classes_as_the_api_does(
    sigmoid_model: Path, bar_file: Path, tmp_path: Path
) -> None:
    text = ok("predict", bar_file, "--model", sigmoid_model).out
    shown = re.findall(r"(\d) \((\d+\.\d+)%\)", text)
    assert sorted(label for label, _ in shown) == ["0", "1"]
    assert sum(float(p) for _, p in shown) == pytest.approx(100, abs=0.011)  # two roundings
    top = json.loads(ok("predict", bar_file, "--model", sigmoid_model, "--json").out)["top"]

    settings = Settings(
        frontend_dir=find_frontend_dir(),
        models_dir=tmp_path / "api-models",
        allowed_hosts=("testserver",),
    )
    with TestClient(create_app(settings)) as client:
        octet = {"Content-Type": "application/octet-stream"}
        created = client.post(
            "/api/models/import", content=sigmoid_model.read_bytes(), headers=octet
        )
        assert created.status_code == 201, created.text
        image = "data:image/png;base64," + base64.b64encode(bar_file.read_bytes()).decode()
        answer = client.post(f"/api/models/{created.json()['id']}/predict", json={"image": image})
    assert answer.status_code == 200, answer.text
    by_api = dict(zip(answer.json()["classes"], answer.json()["probabilities"], strict=True))
    assert {entry["label"]: entry["probability"] for entry in top} == pytest.approx(by_api)


def test_evaluate_reports_accuracy_on_the_two_classes(
    sigmoid_model: Path, bars_data: BarsData
) -> None:
    report = json.loads(ok("evaluate", "--model", sigmoid_model, "--json").out)
    assert report["classes"] == ["0", "1"]
    chosen = np.isin(bars_data.test_labels, [0, 1])
    images, labels = bars_data.test_images[chosen], bars_data.test_labels[chosen]
    logits = Sequential.load(sigmoid_model).forward(
        images.astype(np.float32)[:, None] / np.float32(255)
    )
    by_hand = float(((logits[:, 0] > 0).astype(int) == labels).mean())
    assert report["count"] == len(labels)
    assert report["accuracy"] == pytest.approx(by_hand)
    text = ok("evaluate", "--model", sigmoid_model).out
    assert f"accuracy {100 * by_hand:.2f}%" in text and f"({len(labels)} images)" in text
