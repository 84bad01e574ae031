"""`POST /api/models/{id}/predict` and `/trace` through TestClient, every error path included.

Drawings are made with Pillow the way a browser canvas sends them: black strokes on a transparent
RGBA canvas, as a PNG data URL.
"""

import base64
import json

import numpy as np
import pytest
from PIL import Image
from tests.strokes import canvas, data_url, drawing, encode

from cnnviz.api.encoding import decode_array
from cnnviz.api.schemas.inference import EXAMPLE_IMAGE, EXAMPLE_PIXELS
from cnnviz.models.store import ModelStore

MODEL = "lenet5-mnist"
PREDICT = f"/api/models/{MODEL}/predict"
TRACE = f"/api/models/{MODEL}/trace"
MAX_TRACE_BYTES = 300 * 1024


@pytest.fixture(scope="module")
def lenet(tmp_path_factory):
    return ModelStore(tmp_path_factory.mktemp("models")).get(MODEL).model


def bar_pixels() -> list[list[float]]:
    return [[0.75 if 12 <= c <= 15 and 4 <= r <= 23 else 0.0 for c in range(28)] for r in range(28)]


# -- predict --------------------------------------------------------------------------------------
@pytest.mark.parametrize("digit", ["1", "7"])
def test_predict_reads_a_canvas_drawing(client, digit):
    response = client.post(PREDICT, json={"image": canvas(digit)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["label"] == digit
    assert body["index"] == int(digit)
    assert body["classes"] == [str(i) for i in range(10)]
    assert len(body["probabilities"]) == 10
    assert sum(body["probabilities"]) == pytest.approx(1.0, abs=1e-9)
    assert body["probabilities"][int(digit)] == max(body["probabilities"])
    image = np.array(body["input"])
    assert image.shape == (28, 28)
    assert image.min() >= 0 and image.max() == 1.0
    np.testing.assert_array_equal(image, np.round(image, 4))
    steps = body["preprocessing"]
    assert {"ink", "bbox", "scaled", "center_of_mass", "shift", "image"} <= set(steps)
    assert steps["image"] == body["input"]


def test_predict_takes_plain_base64_and_the_other_model(client):
    payload = base64.b64encode(drawing("7", style="RGBA", ink=(0, 0, 0))).decode("ascii")
    for model in (MODEL, "simple-mnist"):
        response = client.post(f"/api/models/{model}/predict", json={"image": payload})
        assert response.status_code == 200, response.text
        assert response.json()["label"] == "7"


def test_predict_pixels(client):
    pixels = bar_pixels()
    response = client.post(PREDICT, json={"pixels": pixels})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["label"] == "1"
    assert body["preprocessing"] is None
    # 0.75 is not one of the 256 levels: the network sees round(0.75 · 255) / 255 = 191 / 255
    assert body["input"] == np.round(np.rint(np.array(pixels) * 255) / 255, 4).tolist()
    assert np.array(body["input"]).max() == 0.749
    assert sum(body["probabilities"]) == pytest.approx(1.0, abs=1e-9)


def test_the_documented_examples_work(client):
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/api/models/{model_id}/predict"]["post"]
    assert post["parameters"][0]["examples"]["default model"]["value"] == MODEL
    assert "/api/models/{model_id}/trace" in schema["paths"]
    assert client.post(PREDICT, json={"image": EXAMPLE_IMAGE}).json()["label"] == "7"
    assert client.post(PREDICT, json={"pixels": EXAMPLE_PIXELS}).json()["label"] == "1"
    assert client.post(TRACE, json={"image": EXAMPLE_IMAGE, "target": 1}).status_code == 200


# -- trace ----------------------------------------------------------------------------------------
def test_trace_of_a_drawing_is_small_and_has_the_model_shapes(client, lenet):
    response = client.post(TRACE, json={"image": canvas("7")})
    assert response.status_code == 200, response.text
    assert len(response.content) <= MAX_TRACE_BYTES
    body = response.json()
    assert body["model"] == MODEL
    assert body["label"] == "7" and body["index"] == 7
    assert body["target"] == 7 and body["target_label"] == "7"
    assert sum(body["probabilities"]) == pytest.approx(1.0, abs=1e-9)
    logits = np.array(body["logits"])
    np.testing.assert_allclose(
        body["probabilities"], np.exp(logits) / np.exp(logits).sum(), rtol=1e-6
    )
    assert decode_array(body["input"]).shape == (1, 1, 28, 28)
    assert decode_array(body["saliency"]).shape == (1, 1, 28, 28)
    assert np.abs(decode_array(body["saliency"])).max() > 0

    shapes = lenet.output_shapes((1, 28, 28))
    assert [layer["name"] for layer in body["layers"]] == lenet.names
    previous = (1, 1, 28, 28)
    for record, layer, shape in zip(body["layers"], lenet, shapes, strict=True):
        assert record["type"] == type(layer).__name__
        assert tuple(record["input_shape"]) == previous
        assert tuple(record["output_shape"]) == (1, *shape)
        output = decode_array(record["output"])
        assert output.shape == (1, *shape) and output.dtype == np.float32
        assert decode_array(record["gradient"]).shape == (1, *shape)
        if layer.is_activation:
            assert decode_array(record["pre_activation"]).shape == previous
        else:
            assert record["pre_activation"] is None
        if type(layer).__name__ == "MaxPool2D":
            indices = decode_array(record["indices"])
            assert indices.shape == (1, *shape) and record["indices"]["dtype"] == "int32"
            assert indices.min() >= 0 and indices.max() < previous[2] * previous[3]
        else:
            assert record["indices"] is None
        if layer.params and (type(layer).__name__ == "Conv2D" or layer.name == "fc3"):
            np.testing.assert_array_equal(decode_array(record["weight"]), layer.params["weight"])
            np.testing.assert_array_equal(decode_array(record["bias"]), layer.params["bias"])
        else:
            assert record["weight"] is None and record["bias"] is None
        previous = (1, *shape)
    np.testing.assert_allclose(decode_array(body["layers"][-1]["output"]).ravel(), logits, 1e-6)
    np.testing.assert_array_equal(
        decode_array(body["layers"][-1]["gradient"]).ravel(), np.eye(10)[7]
    )


def test_trace_with_a_target_and_pixels(client):
    response = client.post(TRACE, json={"pixels": bar_pixels(), "target": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["index"] == 1 and body["label"] == "1"
    assert body["target"] == 3 and body["target_label"] == "3"
    np.testing.assert_array_equal(
        decode_array(body["layers"][-1]["gradient"]).ravel(), np.eye(10)[3]
    )
    levels = np.rint(np.array(bar_pixels()) * 255).astype(np.uint8)  # the 8-bit input
    np.testing.assert_array_equal(
        decode_array(body["input"])[0, 0], levels.astype(np.float32) / np.float32(255)
    )


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("route", ["predict", "trace"])
def test_unknown_model_is_404(client, route):
    response = client.post(f"/api/models/no-such-model/{route}", json={"pixels": bar_pixels()})
    assert response.status_code == 404
    assert "model" in response.json()["detail"]


@pytest.mark.parametrize("route", ["predict", "trace"])
@pytest.mark.parametrize("model", ["Bad_Id", "lenet5-mnist.npz", "a" * 65])
def test_a_malformed_model_id_is_422(client, route, model):
    response = client.post(f"/api/models/{model}/{route}", json={"pixels": bar_pixels()})
    assert response.status_code == 422
    assert "pattern" in response.json()["detail"][0]["msg"]


def empty_canvas() -> str:
    return data_url(encode(Image.new("RGBA", (280, 280), (0, 0, 0, 0))))


def huge_image() -> str:
    return data_url(encode(Image.new("1", (4097, 4097), 0)))


BAD_BODIES = {
    "neither": ({}, "exactly one"),
    "both": ({"image": EXAMPLE_IMAGE, "pixels": EXAMPLE_PIXELS}, "exactly one"),
    "27 rows": ({"pixels": [[0.0] * 28] * 27}, "at least 28 items"),
    "a short row": ({"pixels": [[0.0] * 28] * 27 + [[0.0] * 27]}, "at least 28 items"),
    "no rows": ({"pixels": []}, "at least 28 items"),
    "flat list": ({"pixels": [0.0] * 784}, "at most 28 items"),
    "above 1": ({"pixels": [[2.0] * 28] * 28}, "less than or equal to 1"),
    "negative": ({"pixels": [[-1] * 28] * 28}, "greater than or equal to 0"),
    "text pixels": ({"pixels": [["a"] * 28] * 28}, "number"),
    "not base64": ({"image": "not base64!"}, "base64"),
    "unreadable": ({"image": base64.b64encode(b"hello, world").decode()}, "cannot be read"),
    "wrong media type": ({"image": "data:text/plain;base64,aGVsbG8="}, "media type"),
    "empty payload": ({"image": ""}, "empty"),
    "empty drawing": ({"image": empty_canvas()}, "empty"),
    "over 4096x4096": ({"image": huge_image()}, "too many pixels"),
}


@pytest.mark.parametrize("route", ["predict", "trace"])
@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_input_is_422_saying_what_to_fix(client, route, case):
    body, message = BAD_BODIES[case]
    response = client.post(f"/api/models/{MODEL}/{route}", json=body)
    assert response.status_code == 422, response.text
    assert message in json.dumps(response.json()["detail"])


@pytest.mark.parametrize("route", ["predict", "trace"])
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e309", "-1e309"])
def test_non_finite_pixels_are_422(client, route, value):
    # Python's json reads these (1e309 as inf); strict JSON clients cannot send them at all.
    rows = [[0.0] * 28 for _ in range(28)]
    text = json.dumps({"pixels": rows}).replace("0.0", value, 1)
    response = client.post(
        f"/api/models/{MODEL}/{route}",
        content=text,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "target, message",
    [
        (10, "less than or equal to 9"),
        (-1, "greater than or equal to 0"),
        (2.5, "integer"),
        ("seven", "integer"),
    ],
)
def test_bad_target_is_422(client, target, message):
    response = client.post(TRACE, json={"pixels": bar_pixels(), "target": target})
    assert response.status_code == 422, response.text
    assert message in json.dumps(response.json()["detail"])


def test_not_json_is_422(client):
    response = client.post(
        PREDICT, content=b"{pixels", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_a_body_over_the_limit_is_413(client):
    response = client.post(PREDICT, json={"image": "A" * (6 * 1024 * 1024)})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
