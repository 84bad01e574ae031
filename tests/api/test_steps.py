"""The step routes through TestClient: conv-step and pool-step, at a position or at the most
active one, and every refusal (404 for an unknown model, 422 with a message that says what to
fix). The playground's conv/apply is in test_conv_apply.py."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from cnnviz.api.encoding import decode_array

MODEL = "/api/models/lenet5-mnist"
DIGIT = np.zeros((28, 28))
DIGIT[6:22, 13:15] = 1.0
PIXELS = DIGIT.tolist()


def conv_step(client: TestClient, model: str = MODEL, **body):
    return client.post(f"{model}/conv-step", json={"pixels": PIXELS, **body})


def pool_step(client: TestClient, model: str = MODEL, **body):
    return client.post(f"{model}/pool-step", json={"pixels": PIXELS, **body})


def detail(response) -> str:
    value = response.json()["detail"]
    return value if isinstance(value, str) else " ".join(item["msg"] for item in value)


# -- conv-step ---------------------------------------------------------------------------------


def test_conv_step_forward(client: TestClient) -> None:
    response = conv_step(client, layer="conv2", channel=3, row=4, col=5)
    assert response.status_code == 200, response.text
    body = response.json()
    patch, kernel, products = (np.array(body[k]) for k in ("patch", "kernel", "products"))
    assert patch.shape == kernel.shape == products.shape == (6, 5, 5)
    np.testing.assert_allclose(products, patch * kernel)
    assert body["sum"] == pytest.approx(products.sum())
    assert body["pre_activation"] == pytest.approx(body["sum"] + body["bias"])
    assert body["pre_activation"] == pytest.approx(body["traced_output"], abs=1e-5)
    assert body["activation"]["layer"] == "relu2"
    assert body["activation"]["value"] == pytest.approx(max(body["pre_activation"], 0), abs=1e-5)
    assert body["receptive_field"] == {
        "top": 6, "left": 8, "bottom": 19, "right": 21, "height": 14, "width": 14
    }  # fmt: skip
    assert body["rows"] == [4, 5, 6, 7, 8] and body["cols"] == [5, 6, 7, 8, 9]
    assert body["backward"] is None
    assert body["geometry"] == {
        "kernel": [5, 5], "stride": [1, 1], "padding": [0, 0, 0, 0], "dilation": [1, 1]
    }  # fmt: skip


def test_conv_step_at_the_corner_flags_padding(client: TestClient) -> None:
    body = conv_step(client, layer="conv1", channel=0, row=0, col=0).json()
    mask = np.array(body["padding_mask"])
    assert mask[:2].all() and mask[:, :2].all() and not mask[2:, 2:].any()
    assert np.all(np.array(body["patch"])[0][mask] == 0)
    assert body["receptive_field"]["height"] == 3 and body["receptive_field_unclipped"]["top"] == -2


def test_conv_step_backward_default_upstream_is_the_logit_gradient(client: TestClient) -> None:
    body = conv_step(client, layer="conv1", channel=2, row=12, col=13, direction="backward").json()
    back = body["backward"]
    assert back["upstream_source"] == "logit"
    assert back["target_class"] == body["predicted_class"]
    np.testing.assert_allclose(back["dweight"], back["upstream"] * np.array(body["patch"]))
    np.testing.assert_allclose(back["dinput"], back["upstream"] * np.array(body["kernel"]))
    assert back["dbias"] == back["upstream"]


def test_conv_step_backward_given_upstream_and_class(client: TestClient) -> None:
    body = conv_step(
        client, layer="conv1", channel=0, row=0, col=0, direction="backward", upstream=2
    ).json()
    back = body["backward"]
    assert back["upstream"] == 2 and back["upstream_source"] == "given"
    dinput = np.array(back["dinput"])
    assert np.all(dinput[0][np.array(body["padding_mask"])] == 0)
    chosen = conv_step(
        client, layer="conv2", channel=0, row=0, col=0, direction="backward", target_class=9
    ).json()
    assert chosen["backward"]["target_class"] == 9


def test_conv_step_takes_upstream_logit_spelled_out(client: TestClient) -> None:
    # Found by schemathesis: the finite-number check also ran on the string "logit" (a 500).
    sent = conv_step(
        client, layer="conv1", channel=2, row=12, col=13, direction="backward", upstream="logit"
    )
    assert sent.status_code == 200, sent.text
    default = conv_step(client, layer="conv1", channel=2, row=12, col=13, direction="backward")
    assert sent.json()["backward"] == default.json()["backward"]
    assert sent.json()["backward"]["upstream_source"] == "logit"


def test_conv_step_on_another_model(client: TestClient) -> None:
    body = conv_step(client, "/api/models/simple-mnist", layer="conv1", channel=7, row=25, col=0)
    assert body.status_code == 200
    assert body.json()["activation"] is None  # simple: conv1 goes straight into the max-pool


# -- pool-step ---------------------------------------------------------------------------------


def test_pool_step_max(client: TestClient) -> None:
    response = pool_step(client, layer="pool1", channel=1, row=5, col=6, upstream=3)
    assert response.status_code == 200, response.text
    body = response.json()
    window = np.array(body["window"])
    winner = body["winner"]
    assert body["output"] == window.max() == window[winner["window_row"], winner["window_col"]]
    assert winner["index"] == winner["row"] * 28 + winner["col"]
    assert body["rows"] == [10, 11] and body["cols"] == [12, 13]
    routed = np.array(body["routed"])
    assert routed.sum() == 3 and routed[winner["window_row"], winner["window_col"]] == 3
    assert body["receptive_field"]["height"] == 6


def test_pool_step_default_upstream_is_one(client: TestClient) -> None:
    body = pool_step(client, layer="pool2", channel=15, row=4, col=4).json()
    assert body["upstream"] == 1 and np.array(body["routed"]).sum() == 1


# -- the most active position -----------------------------------------------------------------


def traced(client: TestClient, target: int | None = None) -> dict:
    """Each layer's output and gradient (of `target`'s logit) from the trace route."""
    body = {"pixels": PIXELS} if target is None else {"pixels": PIXELS, "target": target}
    layers = client.post(f"{MODEL}/trace", json=body).json()["layers"]
    return {
        layer["name"]: (decode_array(layer["output"])[0], decode_array(layer["gradient"])[0])
        for layer in layers
    }


@pytest.mark.parametrize(
    ("route", "layer", "channel"),
    [("conv-step", "conv1", 2), ("conv-step", "conv2", 3), ("pool-step", "pool1", 1),
     ("pool-step", "pool2", 15)],
)  # fmt: skip
def test_without_a_position_the_step_opens_on_the_most_active(client, route, layer, channel):
    maps = traced(client)
    plane = maps[layer][0][channel]
    row, col = np.unravel_index(np.argmax(np.abs(plane)), plane.shape)
    assert (row, col) != (0, 0), "the digit's most active cell should not be the corner"
    response = client.post(
        f"{MODEL}/{route}", json={"pixels": PIXELS, "layer": layer, "channel": channel}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["row"], body["col"]) == (row, col)
    assert body["most_active"] == {"row": row, "col": col, "value": pytest.approx(plane[row, col])}
    assert body["traced_output"] == pytest.approx(plane[row, col], abs=1e-6)
    given = client.post(
        f"{MODEL}/{route}",
        json={"pixels": PIXELS, "layer": layer, "channel": channel, "row": 0, "col": 0},
    ).json()
    assert (given["row"], given["col"]) == (0, 0) and given["most_active"] == body["most_active"]


def test_pool_step_logit_upstream_is_the_traced_gradient(client: TestClient) -> None:
    gradient = traced(client, target=4)["pool2"][1]
    for channel, row, col in [(3, 2, 1), (15, 4, 4), (0, 0, 3)]:
        body = pool_step(
            client, layer="pool2", channel=channel, row=row, col=col, upstream="logit",
            target_class=4,
        ).json()  # fmt: skip
        assert body["target_class"] == 4
        assert body["upstream"] == pytest.approx(float(gradient[channel, row, col]), abs=1e-6)
        assert np.array(body["routed"]).sum() == pytest.approx(body["upstream"])


def test_step_answers_carry_every_window(client: TestClient) -> None:
    conv = conv_step(client, layer="conv2", channel=0, row=0, col=0).json()["windows"]
    assert len(conv["rows"]) == len(conv["cols"]) == 10
    assert conv["rows"][4] == [4, 5, 6, 7, 8] and conv["cols"][9] == [9, 10, 11, 12, 13]
    pool = pool_step(client, layer="pool1", channel=0, row=0, col=0).json()
    assert pool["windows"]["rows"][5] == [10, 11] and len(pool["windows"]["cols"]) == 14
    assert np.array(pool["average"]).shape == (14, 14)
    assert np.array(pool["winner_ties"]).min() >= 1


# -- refusals ----------------------------------------------------------------------------------


def test_unknown_model_is_404(client: TestClient) -> None:
    for route in ("conv-step", "pool-step"):
        response = client.post(
            f"/api/models/no-such-model/{route}",
            json={"pixels": PIXELS, "layer": "conv1", "channel": 0, "row": 0, "col": 0},
        )
        assert response.status_code == 404
        assert "GET /api/models lists them" in detail(response)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"layer": "conv9"}, "no layer named 'conv9'; Conv2D layers of this model: conv1, conv2"),
        ({"layer": "fc1"}, "layer 'fc1' is a Dense, not a Conv2D layer"),
        ({"channel": 6}, "channel must be between 0 and 5 for conv1's 6×28×28 output, got 6"),
        ({"channel": -1}, "greater than or equal to 0"),
        ({"row": 28}, "row must be between 0 and 27"),
        ({"col": -3}, "greater than or equal to 0"),
        ({"direction": "backward", "target_class": 10}, "less than or equal to 9"),
        ({"channel": "0"}, "Input should be a valid integer"),
        ({"row": True}, "Input should be a valid integer"),
        ({"direction": "sideways"}, "Input should be 'forward' or 'backward'"),
        ({"upstream": "ones"}, "Input should be 'logit'"),
        ({"pixels": [[0.5] * 27] * 28}, "at least 28 items"),
        ({"pixels": [[2.0] * 28] * 28}, "less than or equal to 1"),
        ({"pixels": None}, "send exactly one of 'image'"),
        ({"image": "not an image"}, ""),
        ({"layer": None}, "Input should be a valid string"),
        ({"row": 3, "col": None}, "give both 'row' and 'col', or neither"),
    ],
)
def test_conv_step_refusals(client: TestClient, body: dict, message: str) -> None:
    request = {"layer": "conv1", "channel": 0, "row": 0, "col": 0, "pixels": PIXELS, **body}
    if request["pixels"] is None:
        del request["pixels"]
    if "image" in request:
        del request["pixels"]
    response = client.post(f"{MODEL}/conv-step", json=request)
    assert response.status_code == 422, response.text
    assert message in detail(response)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_upstream_is_422(client: TestClient, value: str) -> None:
    text = (
        '{"layer": "conv1", "channel": 0, "row": 0, "col": 0, "direction": "backward", '
        f'"upstream": {value}, "pixels": {PIXELS}}}'
    )
    response = client.post(
        f"{MODEL}/conv-step", content=text, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    pool = text.replace('"layer": "conv1"', '"layer": "pool1"')
    response = client.post(
        f"{MODEL}/pool-step", content=pool, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"layer": "conv1"}, "layer 'conv1' is a Conv2D, not a MaxPool2D or AvgPool2D layer"),
        ({"layer": "relu1"}, "choose one of: pool1, pool2"),
        ({"channel": 6}, "channel must be between 0 and 5 for pool1's 6×14×14 output"),
        ({"row": 14}, "row must be between 0 and 13"),
        ({"col": -1}, "greater than or equal to 0"),
        ({"col": None}, "give both 'row' and 'col', or neither"),
        ({"upstream": "logit", "target_class": 10}, "less than or equal to 9"),
        ({"upstream": "gradient"}, "Input should be 'logit'"),
    ],
)
def test_pool_step_refusals(client: TestClient, body: dict, message: str) -> None:
    response = pool_step(client, **{"layer": "pool1", "channel": 0, "row": 0, "col": 0, **body})
    assert response.status_code == 422, response.text
    assert message in detail(response)


def test_step_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/models/{model_id}/conv-step",
        "/api/models/{model_id}/pool-step",
        "/api/conv/apply",
        "/api/conv/kernels",
    ):
        assert path in paths
