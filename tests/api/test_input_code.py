"""The input as 8-bit pixels everywhere, and its code: what a link carries.

The reference for every check is computed here with plain numpy and the standard library's
base64 (the bytes are round(x · 255), the code is "v1." and their base64url without padding),
never with `cnnviz.data.digitcode`.
"""

import base64
import json

import numpy as np
import pytest
from tests.strokes import canvas

from cnnviz.api.encoding import decode_array

MODEL = "lenet5-mnist"
PREDICT = f"/api/models/{MODEL}/predict"
TRACE = f"/api/models/{MODEL}/trace"
CONV_STEP = f"/api/models/{MODEL}/conv-step"
POOL_STEP = f"/api/models/{MODEL}/pool-step"


def to_bytes(pixels) -> np.ndarray:
    return np.rint(np.asarray(pixels, np.float64) * 255).astype(np.uint8)


def code_of(levels: np.ndarray) -> str:
    return "v1." + base64.urlsafe_b64encode(levels.tobytes()).decode().rstrip("=")


def bytes_of(code: str) -> np.ndarray:
    assert code.startswith("v1.")
    return np.frombuffer(base64.urlsafe_b64decode(code[3:] + "=="), np.uint8).reshape(28, 28)


def as_network_input(levels: np.ndarray) -> np.ndarray:
    """What training does to MNIST's bytes."""
    return levels.astype(np.float32) / np.float32(255)


@pytest.fixture(scope="module")
def ragged_pixels() -> list[list[float]]:
    """A "1" whose values sit between the 256 levels, plus faint noise."""
    rng = np.random.default_rng(11)
    pixels = rng.random((28, 28)) * 0.05
    pixels[4:24, 12:16] = 0.6 + 0.4 * rng.random((20, 4))
    return pixels.tolist()


def predict(client, body: dict) -> dict:
    response = client.post(PREDICT, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_code_is_the_input_as_bytes(client, ragged_pixels):
    answer = predict(client, {"pixels": ragged_pixels})
    levels = to_bytes(ragged_pixels)
    assert answer["code"] == code_of(levels)
    assert len(answer["code"]) == 1049
    np.testing.assert_array_equal(bytes_of(answer["code"]), levels)
    # `input` reports the quantized pixels, not the ones sent
    np.testing.assert_allclose(answer["input"], levels / 255, atol=5e-5)


def test_an_mnist_digit_sent_as_pixels_is_its_own_bytes(client):
    """The gallery sends a test digit's bytes / 255: the network sees exactly training's values."""
    levels = np.random.default_rng(3).integers(0, 256, (28, 28), dtype=np.uint8)
    answer = predict(client, {"pixels": (levels / 255).tolist()})
    np.testing.assert_array_equal(bytes_of(answer["code"]), levels)


def test_pixels_between_levels_give_the_levels_answer(client, ragged_pixels):
    rounded = (to_bytes(ragged_pixels) / 255).tolist()
    ragged, exact = predict(client, {"pixels": ragged_pixels}), predict(client, {"pixels": rounded})
    assert ragged["probabilities"] == exact["probabilities"]
    assert ragged["code"] == exact["code"]


def test_predict_with_the_code_equals_predict_with_the_pixels(client, ragged_pixels):
    by_pixels = predict(client, {"pixels": ragged_pixels})
    by_code = predict(client, {"code": code_of(to_bytes(ragged_pixels))})
    assert by_code["probabilities"] == by_pixels["probabilities"]
    assert by_code["input"] == by_pixels["input"]
    assert by_code["code"] == by_pixels["code"]
    assert by_code["preprocessing"] is None


@pytest.mark.parametrize("digit", ["4", "7"])
def test_a_drawing_and_its_code_give_the_same_numbers(client, digit):
    drawn = predict(client, {"image": canvas(digit)})
    # the prepared image the steps end in is the quantized input, which the code holds
    assert drawn["preprocessing"]["image"] == drawn["input"]
    np.testing.assert_allclose(drawn["input"], bytes_of(drawn["code"]) / 255, atol=5e-5)
    linked = predict(client, {"code": drawn["code"]})
    assert linked["probabilities"] == drawn["probabilities"]
    assert linked["label"] == digit

    traces = [
        client.post(TRACE, json=body).json()
        for body in ({"image": canvas(digit)}, {"code": drawn["code"]})
    ]
    assert traces[0]["code"] == traces[1]["code"] == drawn["code"]
    network_input = decode_array(traces[1]["input"])[0, 0]
    np.testing.assert_array_equal(network_input, as_network_input(bytes_of(drawn["code"])))
    assert traces[0]["logits"] == traces[1]["logits"]
    for a, b in zip(traces[0]["layers"], traces[1]["layers"], strict=True):
        np.testing.assert_array_equal(decode_array(a["output"]), decode_array(b["output"]))
        np.testing.assert_array_equal(decode_array(a["gradient"]), decode_array(b["gradient"]))


@pytest.mark.parametrize(
    ("route", "step"),
    [
        (CONV_STEP, {"layer": "conv2", "channel": 12, "row": 4, "col": 7}),
        (POOL_STEP, {"layer": "pool1", "channel": 2, "row": 3, "col": 5}),
    ],
)
def test_the_step_routes_take_the_code(client, route, step):
    code = predict(client, {"image": canvas("7")})["code"]
    levels = bytes_of(code)
    by_code = client.post(route, json={"code": code, **step})
    by_pixels = client.post(route, json={"pixels": (levels / 255).tolist(), **step})
    by_image = client.post(route, json={"image": canvas("7"), **step})
    assert by_code.status_code == by_pixels.status_code == by_image.status_code == 200
    assert by_code.json() == by_pixels.json() == by_image.json()


GOOD = code_of(np.zeros((28, 28), np.uint8))  # "v1.AAAA…A"
BAD_CODES = {
    "cut short": (GOOD[:-200], "this one is 849"),
    "one too many": (GOOD + "A", "this one is 1,050"),
    "another version": ("v2." + GOOD[3:], "starts with 'v1.'"),
    "no version": (GOOD[3:] + "AAA", "starts with 'v1.'"),
    "plain base64": (GOOD[:500] + "+" + GOOD[501:], "'+' is not"),
    "padded": (GOOD[:-2] + "==", "'=' is not"),
    "a space": (GOOD[:600] + " " + GOOD[601:], "' ' is not"),
    "unused bits set": (GOOD[:-1] + "B", "'B' is not"),
    "empty": ("", "starts with 'v1.'"),
}


@pytest.mark.parametrize("route", [PREDICT, TRACE, CONV_STEP])
@pytest.mark.parametrize("case", list(BAD_CODES))
def test_a_bad_code_is_422_saying_what_is_wrong(client, route, case):
    code, message = BAD_CODES[case]
    body = {"code": code} if route != CONV_STEP else {"code": code, "layer": "conv1", "channel": 0}
    response = client.post(route, json=body)
    assert response.status_code == 422, response.text
    detail = json.dumps(response.json()["detail"], ensure_ascii=False)
    assert message in detail
    assert '"code"' in detail  # the field at fault is named


@pytest.mark.parametrize(
    "body",
    [
        {"code": GOOD, "pixels": [[0.0] * 28] * 28},
        {"code": GOOD, "image": canvas("1")},
        {"code": 12},
        {"code": None},
    ],
    ids=["with pixels", "with an image", "a number", "null"],
)
def test_a_code_is_one_form_of_three(client, body):
    response = client.post(PREDICT, json=body)
    assert response.status_code == 422, response.text
    assert "exactly one of" in response.text or "string" in response.text


def test_the_schema_states_the_code_exactly(client):
    spec = client.get("/openapi.json").json()
    schema = spec["components"]["schemas"]
    predict = spec["paths"]["/api/models/{model_id}/predict"]["post"]["requestBody"]
    code = predict["content"]["application/json"]["schema"]["properties"]["code"]["anyOf"][0]
    assert code["minLength"] == code["maxLength"] == 1049
    assert code["pattern"].startswith("^v1")
    for name in ("PredictResponse", "TraceResponse"):
        assert "code" in schema[name]["required"]
