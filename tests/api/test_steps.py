"""The step routes through TestClient: conv-step, pool-step, conv/apply, conv/kernels, and every
refusal (404 for an unknown model, 422 with a message that says what to fix)."""

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from tests.strokes import data_url, encode

from cnnviz.api.schemas.steps import KernelName
from cnnviz.explain.kernels import KERNEL_NAMES

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


# -- conv/apply and the named kernels ----------------------------------------------------------


def test_named_kernels_are_listed(client: TestClient) -> None:
    listed = client.get("/api/conv/kernels").json()
    assert [k["name"] for k in listed] == list(KERNEL_NAMES)
    assert set(KernelName.__args__) == set(KERNEL_NAMES)
    assert all(np.array(k["values"]).shape == (3, 3) and k["description"] for k in listed)


def test_apply_named_kernel_with_same_padding(client: TestClient) -> None:
    response = client.post(
        "/api/conv/apply", json={"pixels": PIXELS, "kernel": "identity", "padding": "same"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["output_size"] == [28, 28] and body["input_size"] == [28, 28]
    np.testing.assert_allclose(body["output"], DIGIT)
    assert body["formula"]["rows"] == "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28"


def test_apply_custom_kernel_flipped_with_stride_and_dilation(client: TestClient) -> None:
    image = np.arange(30.0).reshape(5, 6)
    kernel = [[1.0, 2.0], [3.0, 4.0]]
    body = client.post(
        "/api/conv/apply",
        json={
            "pixels": image.tolist(),
            "kernel": kernel,
            "stride": [2, 1],
            "padding": 1,
            "dilation": 2,
            "flip": True,
        },
    ).json()
    assert body["applied_kernel"] == [[4.0, 3.0], [2.0, 1.0]]
    assert body["output_size"] == [3, 6]
    padded = np.pad(image, 1)
    k = np.array(body["applied_kernel"])
    expected = [[sum(padded[2 * i + 2 * u, j + 2 * v] * k[u, v] for u in (0, 1) for v in (0, 1))
                 for j in range(6)] for i in range(3)]  # fmt: skip
    np.testing.assert_allclose(body["output"], expected)
    assert body["formula"]["cols"] == "⌊(6 + 2·1 − 2·(2 − 1) − 1) / 1⌋ + 1 = 6"


def png_data_url() -> str:
    """A 280×280 white canvas with a thick black vertical stroke, as a PNG data URL."""
    image = Image.new("RGB", (280, 280), "white")
    ImageDraw.Draw(image).line([(140, 40), (140, 240)], fill="black", width=24)
    return data_url(encode(image))


def test_apply_a_drawing(client: TestClient) -> None:
    body = client.post("/api/conv/apply", json={"image": png_data_url(), "kernel": "box_blur"})
    assert body.status_code == 200, body.text
    assert body.json()["output_size"] == [26, 26]


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
    ],
)
def test_pool_step_refusals(client: TestClient, body: dict, message: str) -> None:
    response = pool_step(client, **{"layer": "pool1", "channel": 0, "row": 0, "col": 0, **body})
    assert response.status_code == 422, response.text
    assert message in detail(response)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kernel": "blur"}, "Input should be 'identity'"),
        ({"kernel": [[1.0] * 12] * 3}, "at most 11 items"),
        ({"kernel": [[1.0, 2.0], [3.0]]}, "'kernel' must be rectangular"),
        ({"kernel": []}, "at least 1 item"),
        ({"kernel": [[1e300]]}, "less than or equal to 1000000"),
        ({"pixels": [[0.0] * 65] * 2}, "at most 64 items"),
        ({"pixels": [[0.0, 1.0], [1.0]]}, "'pixels' must be rectangular"),
        ({"stride": 0}, "greater than or equal to 1"),
        ({"stride": [1, 0]}, "greater than or equal to 1"),
        ({"dilation": 9}, "less than or equal to 8"),
        ({"padding": -1}, "greater than or equal to 0"),
        ({"padding": "half"}, "Input should be 'valid', 'same' or 'full'"),
        ({"padding": "same", "stride": 2}, "padding='same' needs stride 1"),
        ({"kernel": [[1.0] * 11] * 11, "pixels": [[0.0] * 5] * 5}, "does not fit the 5×5 image"),
        ({"image": "data:image/png;base64,AAAA"}, "send exactly one of 'pixels'"),
        ({"pixels": None}, "send exactly one of 'pixels'"),
    ],
)
def test_apply_refusals(client: TestClient, body: dict, message: str) -> None:
    request = {"pixels": PIXELS, "kernel": "sharpen", **body}
    if request["pixels"] is None:
        del request["pixels"]
    response = client.post("/api/conv/apply", json=request)
    assert response.status_code == 422, response.text
    assert message in detail(response)


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_apply_refuses_non_finite_numbers(client: TestClient, value: str) -> None:
    for field in ("pixels", "kernel"):
        rows = {"pixels": "[[0.0, 1.0], [1.0, 0.0]]", "kernel": "[[1.0]]"}
        rows[field] = rows[field].replace("1.0", value, 1)
        text = f'{{"pixels": {rows["pixels"]}, "kernel": {rows["kernel"]}}}'
        response = client.post(
            "/api/conv/apply", content=text, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, (field, response.text)


def test_step_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/models/{model_id}/conv-step",
        "/api/models/{model_id}/pool-step",
        "/api/conv/apply",
        "/api/conv/kernels",
    ):
        assert path in paths
