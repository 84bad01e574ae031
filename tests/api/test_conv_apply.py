"""The convolution playground's routes through TestClient: `GET /api/conv/kernels` and
`POST /api/conv/apply` with any kernel from 1×1 to 7×7 (square or not), stride, padding,
dilation and a resized input, checked against torch's conv2d; and every refusal a 422 that says
what to fix."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from tests.strokes import data_url, encode

from cnnviz.api.schemas.steps import KernelName
from cnnviz.explain.kernels import KERNEL_NAMES

DIGIT = np.zeros((28, 28))
DIGIT[6:22, 13:15] = 1.0
DIGIT[6:9, 9:19] = 0.5
PIXELS = DIGIT.tolist()


def apply(client: TestClient, **body):
    return client.post("/api/conv/apply", json={"pixels": PIXELS, **body})


def detail(response) -> str:
    value = response.json()["detail"]
    return value if isinstance(value, str) else " ".join(item["msg"] for item in value)


def torch_conv(image: np.ndarray, kernel: np.ndarray, stride, padding, dilation) -> np.ndarray:
    """torch's conv2d of one image with one kernel; `padding` as torch takes it (ints or
    "same"/"valid", which torch resolves itself)."""
    x = torch.tensor(image[None, None], dtype=torch.float64)
    w = torch.tensor(kernel[None, None], dtype=torch.float64)
    return F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()


def test_named_kernels_are_listed(client: TestClient) -> None:
    listed = client.get("/api/conv/kernels").json()
    assert [k["name"] for k in listed] == list(KERNEL_NAMES)
    assert set(KernelName.__args__) == set(KERNEL_NAMES)
    assert all(np.array(k["values"]).shape == (3, 3) and k["description"] for k in listed)


def test_apply_named_kernel_with_same_padding(client: TestClient) -> None:
    response = apply(client, kernel="identity", padding="same")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["output_size"] == [28, 28] and body["input_size"] == [28, 28]
    np.testing.assert_allclose(body["output"], DIGIT)
    assert body["formula"]["rows"]["text"] == "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28"


@pytest.mark.parametrize(
    ("shape", "stride", "padding", "dilation"),
    [
        ((5, 5), 1, 0, 1),
        ((5, 5), 2, 2, 1),
        ((7, 7), 1, "same", 1),
        ((7, 7), 3, 1, 2),
        ((3, 5), 2, 0, 1),
        ((3, 5), [1, 2], [2, 1], [2, 1]),
        ((1, 1), 1, 0, 1),
        ((2, 4), 1, "valid", 3),
    ],
)
def test_any_kernel_up_to_7x7_equals_torch(client, shape, stride, padding, dilation) -> None:
    kernel = np.random.default_rng(sum(shape)).uniform(-2, 2, shape).round(3)
    response = apply(
        client, kernel=kernel.tolist(), stride=stride, padding=padding, dilation=dilation
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fits"] is True and body["message"] is None
    expected = torch_conv(DIGIT, kernel, stride, padding, dilation)
    assert body["output_size"] == list(expected.shape)
    np.testing.assert_allclose(body["output"], expected, rtol=1e-10, atol=1e-12)
    rows, cols = body["formula"]["rows"], body["formula"]["cols"]
    assert [rows["output"], cols["output"]] == list(expected.shape)
    assert [rows["kernel"], cols["kernel"]] == list(shape)
    assert rows["text"].endswith(f"= {expected.shape[0]}")
    assert len(body["windows"]["rows"]) == expected.shape[0]
    assert all(len(taps) == shape[1] for taps in body["windows"]["cols"])


def test_apply_custom_kernel_flipped_with_stride_and_dilation(client: TestClient) -> None:
    image = np.arange(30.0).reshape(5, 6)
    body = apply(
        client, pixels=image.tolist(), kernel=[[1.0, 2.0], [3.0, 4.0]], stride=[2, 1], padding=1,
        dilation=2, flip=True,
    ).json()  # fmt: skip
    assert body["applied_kernel"] == [[4.0, 3.0], [2.0, 1.0]]
    assert body["output_size"] == [3, 6]
    padded = np.pad(image, 1)
    k = np.array(body["applied_kernel"])
    expected = [[sum(padded[2 * i + 2 * u, j + 2 * v] * k[u, v] for u in (0, 1) for v in (0, 1))
                 for j in range(6)] for i in range(3)]  # fmt: skip
    np.testing.assert_allclose(body["output"], expected)
    assert body["formula"]["cols"]["text"] == "⌊(6 + 2·1 − 2·(2 − 1) − 1) / 1⌋ + 1 = 6"
    assert body["windows"]["rows"] == [[-1, 1], [1, 3], [3, 5]]  # stride 2, dilation 2, pad 1


def test_a_resized_input_is_what_the_kernel_slides_over(client: TestClient) -> None:
    kernel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    body = apply(client, size=14, kernel=kernel.tolist(), padding=1).json()
    small = DIGIT.reshape(14, 2, 14, 2).mean(axis=(1, 3))  # 2×2 blocks: the area mean
    assert body["input_size"] == [14, 14]
    np.testing.assert_allclose(body["input"], small, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        body["output"], torch_conv(small, kernel, 1, 1, 1), rtol=1e-5, atol=1e-6
    )
    assert body["formula"]["rows"]["text"] == "⌊(14 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 14"


def png_data_url() -> str:
    """A 280×280 white canvas with a thick black vertical stroke, as a PNG data URL."""
    image = Image.new("RGB", (280, 280), "white")
    ImageDraw.Draw(image).line([(140, 40), (140, 240)], fill="black", width=24)
    return data_url(encode(image))


def test_apply_a_drawing(client: TestClient) -> None:
    body = client.post("/api/conv/apply", json={"image": png_data_url(), "kernel": "box_blur"})
    assert body.status_code == 200, body.text
    assert body.json()["output_size"] == [26, 26]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kernel": "blur"}, "Input should be 'identity'"),
        ({"kernel": [[1.0] * 8] * 8}, "the kernel is 8×8: a kernel has 1 to 7 rows and 1 to 7"),
        ({"kernel": [[1.0] * 8] * 3}, "the kernel is 3×8"),
        ({"kernel": [[1.0]] * 50}, "the kernel is 50×1"),
        ({"kernel": [[1.0] * 100000]}, "the kernel is 1×100000"),
        ({"kernel": [[1.0, 2.0], [3.0]]}, "'kernel' must be rectangular"),
        ({"kernel": []}, "at least 1 item"),
        ({"kernel": [[]]}, "at least 1 item"),
        ({"kernel": [[1e300]]}, "less than or equal to 1000000"),
        ({"kernel": [["1"]]}, "Input should be a valid number"),
        ({"pixels": [[0.0] * 65] * 2}, "at most 64 items"),
        ({"pixels": [[0.0, 1.0], [1.0]]}, "'pixels' must be rectangular"),
        ({"size": 2}, "greater than or equal to 3"),
        ({"size": 65}, "less than or equal to 64"),
        ({"stride": 0}, "greater than or equal to 1"),
        ({"stride": [1, 0]}, "greater than or equal to 1"),
        ({"dilation": 9}, "less than or equal to 8"),
        ({"padding": -1}, "greater than or equal to 0"),
        ({"padding": "half"}, "Input should be 'valid', 'same' or 'full'"),
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


@pytest.mark.parametrize(
    ("body", "message", "formula"),
    [
        ({"padding": "same", "stride": 2}, "padding='same' needs stride 1", None),
        (
            {"kernel": [[1.0] * 7] * 7, "pixels": [[0.0] * 5] * 5},
            "does not fit the 5×5 image",
            "⌊(5 + 2·0 − 1·(7 − 1) − 1) / 1⌋ + 1 = -1",
        ),
        (
            {"kernel": [[1.0] * 5] * 5, "size": 4, "dilation": 2},
            "a larger input size, or more padding",
            "⌊(4 + 2·0 − 2·(5 − 1) − 1) / 1⌋ + 1 = -4",
        ),
    ],
)
def test_a_kernel_that_cannot_slide_is_a_verdict(client, body, message, formula) -> None:
    """200, not 422: the playground asks while the user types (a 4xx is a console error)."""
    response = apply(client, **{"kernel": "sharpen", **body})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["fits"] is False and message in answer["message"]
    assert answer["output"] is None and answer["windows"] is None
    got = answer["formula"] and answer["formula"]["rows"]["text"]
    assert got == formula


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_apply_refuses_non_finite_numbers(client: TestClient, value: str) -> None:
    for field in ("pixels", "kernel"):
        rows = {"pixels": "[[0.0, 1.0], [1.0, 0.0]]", "kernel": "[[1.0]]"}
        rows[field] = rows[field].replace("1.0", value, 1)
        text = f'{{"pixels": {rows["pixels"]}, "kernel": {rows["kernel"]}}}'
        response = client.post(
            "/api/conv/apply", content=text, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, (field, response.text)
        assert "finite number" in detail(response), (field, detail(response))
