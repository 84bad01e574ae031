"""One-output (sigmoid) models, Dropout and Rescale through the API: created, read as two classes
by predict, trace and the stepper, refused with a message when their arguments do not fit, and
the course's 0-vs-1 network trained end to end on the real MNIST digits.

The references are independent of the code under test: torch's autograd of the one output for
the saliency, the probability 1/(1 + e^-z) written out here, a hand count of the test digits the
trained model reads right (z > 0 means class 1).
"""

import io
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from tests.nn.torch_models import to_torch
from tests.waiting import wait_for_job

from cnnviz.api.encoding import decode_array
from cnnviz.data.store import ENV_DATA_DIR, load_split
from cnnviz.nn import Sequential, build_model

pytestmark = pytest.mark.timeout(300)  # a backstop: the training wait has its own deadline

SIGMOID01 = build_model("sigmoid01").to_spec()["layers"]
CNN32 = build_model("cnn32-64-64").to_spec()["layers"]


def bar() -> list[list[float]]:
    """A vertical bar, a rough 1."""
    pixels = np.zeros((28, 28))
    pixels[4:24, 13:15] = 1.0
    return pixels.tolist()


def create(client: TestClient, layers: list[dict], seed: int = 3) -> str:
    response = client.post("/api/models", json={"spec": {"layers": layers}, "seed": seed})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_one_output_model_is_created_with_two_classes(client):
    model_id = create(client, SIGMOID01)
    detail = client.get(f"/api/models/{model_id}").json()
    assert detail["parameters"] == 8 * 9 + 8 + 8 * 13 * 13 + 1 == 1_433
    assert [row["type"] for row in detail["layers"]][:2] == ["Rescale", "Conv2D"]
    listed = {m["id"]: m for m in client.get("/api/models").json()}[model_id]
    assert listed["classes"] == ["0", "1"]


def test_predict_reads_the_one_output_as_two_probabilities(client):
    model_id = create(client, SIGMOID01)
    body = client.post(f"/api/models/{model_id}/predict", json={"pixels": bar()}).json()
    trace = client.post(f"/api/models/{model_id}/trace", json={"pixels": bar()}).json()
    (z,) = trace["logits"]
    p1 = 1 / (1 + math.exp(-z))
    assert body["classes"] == ["0", "1"] and len(body["probabilities"]) == 2
    assert body["probabilities"] == pytest.approx([1 - p1, p1], abs=1e-12)
    assert sum(body["probabilities"]) == pytest.approx(1, abs=1e-12)
    assert body["index"] == int(z > 0) and body["label"] == str(int(z > 0))


def test_the_trace_explains_either_class_of_a_sigmoid_head(client):
    """Class 1's score is z, class 0's is -z: the saliency of target 0 is minus that of target 1,
    which is torch's d z / d input. Noise pixels, so that no max-pool window holds a near-tie
    that float32 rounding could settle differently in torch."""
    model_id = create(client, SIGMOID01)
    pixels = np.random.default_rng(0).integers(0, 256, (28, 28)) / 255
    saliency = {}
    for target in (0, 1):
        answer = client.post(
            f"/api/models/{model_id}/trace", json={"pixels": pixels.tolist(), "target": target}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["target"] == target
        saliency[target] = decode_array(answer.json()["saliency"])
    raw = client.get(f"/api/models/{model_id}/export").content
    model = Sequential.load(io.BytesIO(raw))
    x = torch.tensor(pixels, dtype=torch.float32).reshape(1, 1, 28, 28).requires_grad_()
    to_torch(model)(x).sum().backward()
    np.testing.assert_allclose(saliency[1], x.grad.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(saliency[0], -saliency[1])
    refused = client.post(f"/api/models/{model_id}/trace", json={"pixels": bar(), "target": 2})
    assert refused.status_code == 422 and "this model has 2 classes" in refused.text


def test_the_stepper_takes_either_class_of_a_sigmoid_head(client):
    """At the conv1 cell the trace finds most influential for class 1, the stepper's upstream
    gradient is the trace's for target 1 and its negative for target 0."""
    model_id = create(client, SIGMOID01)
    trace = client.post(f"/api/models/{model_id}/trace", json={"pixels": bar(), "target": 1})
    conv1 = next(layer for layer in trace.json()["layers"] if layer["name"] == "conv1")
    gradient = decode_array(conv1["gradient"])[0]
    channel, row, col = np.unravel_index(int(np.argmax(np.abs(gradient))), gradient.shape)
    steps = {}
    for target in (0, 1):
        body = {"pixels": bar(), "layer": "conv1", "channel": int(channel), "row": int(row)}
        body |= {"col": int(col), "direction": "backward", "target_class": target}
        answer = client.post(f"/api/models/{model_id}/conv-step", json=body)
        assert answer.status_code == 200, answer.text
        steps[target] = answer.json()["backward"]
    assert steps[1]["target_class"] == 1 and steps[0]["target_class"] == 0
    assert steps[1]["upstream"] == pytest.approx(float(gradient[channel, row, col]), rel=1e-6)
    assert steps[0]["upstream"] == -steps[1]["upstream"] != 0


def test_the_cnn32_64_64_preset_spec_is_created_and_traced(client):
    """Its Dropout is the identity outside training: the traced output equals the layer before."""
    model_id = create(client, CNN32)
    detail = client.get(f"/api/models/{model_id}").json()
    assert detail["parameters"] == 93_322
    answer = client.post(f"/api/models/{model_id}/trace", json={"pixels": bar()})
    assert answer.status_code == 200, answer.text
    layers = {layer["name"]: layer for layer in answer.json()["layers"]}
    dropout = decode_array(layers["dropout1"]["output"])
    np.testing.assert_array_equal(dropout, decode_array(layers["relu4"]["output"]))
    assert len(answer.json()["probabilities"]) == 10


def test_a_one_output_spec_fits_two_classes_in_the_check(client):
    spec = {"layers": SIGMOID01}
    fits = client.post("/api/models/check", json={"spec": spec, "classes": 2}).json()
    assert fits["fits"] is True, fits
    unfit = client.post("/api/models/check", json={"spec": spec, "classes": 3}).json()
    assert unfit["fits"] is False and "3 classes need 3" in unfit["fault"]["message"]


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"type": "Dropout", "p": 1}, "p must be a drop probability from 0 up to"),
        ({"type": "Dropout", "p": -0.5}, "p must be a drop probability"),
        ({"type": "Dropout", "p": "half"}, "p must be a drop probability"),
        ({"type": "Rescale", "scale": 1e9}, "scale must be a finite number"),
        ({"type": "Rescale", "offset": True}, "offset must be a finite number"),
        ({"type": "Rescale", "shift": 1}, "has no argument 'shift'"),
    ],
)
def test_bad_dropout_and_rescale_arguments_are_422_saying_what_to_fix(client, layer, message):
    response = client.post("/api/models", json={"spec": {"layers": [layer, *SIGMOID01]}})
    assert response.status_code == 422, response.text
    assert message in response.text


def test_the_course_0_vs_1_network_trains_and_reads_the_test_digits(
    client, mnist_dir: Path, monkeypatch
):
    """sigmoid01 on classes [0, 1] (the shared 10,000 training digits): over 95% of the test
    split's 0s and 1s read right, counted here from the saved model's one output."""
    monkeypatch.setenv(ENV_DATA_DIR, str(mnist_dir.parent))
    body = {"spec": {"layers": SIGMOID01}, "classes": [0, 1], "epochs": 1, "batch_size": 32}
    response = client.post("/api/train", json={**body, "optimizer": "adam", "lr": 0.003})
    assert response.status_code == 202, response.text
    job = wait_for_job(client, response.json()["id"], timeout=120)
    assert job["state"] == "done", job

    model = Sequential.load(io.BytesIO(client.get(f"/api/models/{job['model_id']}/export").content))
    images, labels = load_split("mnist", "test", root=mnist_dir.parent)
    keep = np.isin(labels, (0, 1))
    x = images[keep][:, None].astype(np.float32) / 255
    z = model.forward(x)[:, 0]
    right = int(((z > 0) == (labels[keep] == 1)).sum())
    assert keep.sum() == 980 + 1135  # every 0 and 1 of the official test split
    assert right / keep.sum() > 0.95, right
    assert job["metrics"]["test_accuracy"] == pytest.approx(right / keep.sum(), abs=1e-9)

    predicted = client.post(f"/api/models/{job['model_id']}/predict", json={"pixels": bar()})
    probabilities = predicted.json()["probabilities"]
    assert len(probabilities) == 2 and sum(probabilities) == pytest.approx(1, abs=1e-12)
    assert predicted.json()["label"] == "1"  # a bar reads as a 1
