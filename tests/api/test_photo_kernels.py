"""`POST /api/kernels/photo` through TestClient: a generated photo through named and typed kernels,
grey and per colour channel, compared with torch's conv2d (edges replicated, one group per
channel) on the same pixels decoded independently; the shrinking of large photos; every refusal a
4xx saying what to fix; and the time a 1024×1024 colour photo under a 7×7 kernel takes."""

import base64
import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the torch idiom)
from fastapi.testclient import TestClient
from PIL import Image

from cnnviz.explain.kernels import KERNEL_NAMES, named_kernel
from cnnviz.explain.photo import filter_channels


def photo_bytes(width: int, height: int, seed: int = 0, fmt: str = "PNG") -> bytes:
    """A colour picture with smooth gradients, edges and noise, as a file's bytes."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    red = 255 * x / max(1, width - 1)
    green = 255 * y / max(1, height - 1)
    blue = np.where((x // 9 + y // 7) % 2 == 0, 220.0, 30.0)
    pixels = np.stack([red, green, blue], -1) + rng.normal(0, 12, (height, width, 3))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, format=fmt)
    return buffer.getvalue()


def post(client: TestClient, data: bytes, content_type: str = "image/png", **query):
    return client.post(
        "/api/kernels/photo", params=query, content=data, headers={"content-type": content_type}
    )


def shown(answer: dict) -> np.ndarray:
    """The answer's PNG as an (H, W) or (H, W, 3) float array."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(answer["png"]))), np.float64)


def torch_filtered(channels: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """(C, H, W) through `kernel` by torch: replicate padding as padding "same" splits it (the
    extra row or column at the bottom or right), then conv2d with one group per channel."""
    kh, kw = kernel.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    x = torch.tensor(channels[None], dtype=torch.float64)
    x = F.pad(x, (left, kw - 1 - left, top, kh - 1 - top), mode="replicate")
    weight = torch.tensor(kernel, dtype=torch.float64).expand(channels.shape[0], 1, kh, kw)
    return F.conv2d(x, weight, groups=channels.shape[0])[0].numpy()


def decoded(data: bytes, mode: str) -> np.ndarray:
    """The photo's (C, H, W) pixels as Pillow decodes them, grey by Pillow's own luma."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    if mode == "grey":
        return np.asarray(image.convert("L"), np.float64)[None]
    return np.asarray(image, np.float64).transpose(2, 0, 1)


def as_shown(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), 0, 255)


@pytest.mark.parity
@pytest.mark.parametrize("name", KERNEL_NAMES)
@pytest.mark.parametrize("mode", ["grey", "rgb"])
def test_named_kernels_match_torch(client: TestClient, name: str, mode: str) -> None:
    data = photo_bytes(61, 45, seed=3)
    response = post(client, data, kernel=name, mode=mode)
    assert response.status_code == 200, response.text
    answer = response.json()
    expected = torch_filtered(decoded(data, mode), named_kernel(name))
    assert answer["size"] == answer["source_size"] == [61, 45]
    assert answer["resized"] is False
    assert answer["mode"] == mode
    assert answer["kernel"] == named_kernel(name).tolist()
    got = shown(answer)
    want = as_shown(expected)
    want = want[0] if mode == "grey" else want.transpose(1, 2, 0)
    assert got.shape == want.shape
    # float32 against float64: a value on a .5 boundary may round the other way, nothing more
    assert np.abs(got - want).max() <= 1
    assert np.mean(got != want) < 1e-3
    np.testing.assert_allclose(answer["value_range"], [expected.min(), expected.max()], atol=1e-3)
    outside = np.mean((expected < -0.5) | (expected >= 255.5))
    assert answer["clipped"] == pytest.approx(outside, abs=1e-3)


@pytest.mark.parity
@pytest.mark.parametrize("shape", [(1, 1), (2, 4), (5, 3), (7, 7), (6, 1)])
def test_any_kernel_up_to_7x7_matches_torch(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    image = rng.uniform(0, 255, (3, 70, 41)).astype(np.float32)
    kernel = rng.normal(0, 1, shape)
    expected = torch_filtered(image.astype(np.float64), kernel)
    np.testing.assert_allclose(filter_channels(image, kernel), expected, rtol=1e-5, atol=2e-3)


@pytest.mark.parity
def test_typed_values_match_torch(client: TestClient) -> None:
    data = photo_bytes(40, 33, seed=5, fmt="WEBP")
    kernel = np.array([[0.5, 0, -1, 2], [1, -2, 0.25, 0]])  # 2×4: padding split unevenly
    text = ";".join(",".join(f"{v:g}" for v in row) for row in kernel)
    answer = post(client, data, "image/webp", values=text, mode="rgb").json()
    assert answer["kernel"] == kernel.tolist()
    expected = as_shown(torch_filtered(decoded(data, "rgb"), kernel)).transpose(1, 2, 0)
    assert np.abs(shown(answer) - expected).max() <= 1


def test_identity_returns_the_photo(client: TestClient) -> None:
    data = photo_bytes(30, 20, seed=1)
    answer = post(client, data, kernel="identity", mode="rgb").json()
    np.testing.assert_array_equal(shown(answer), decoded(data, "rgb").transpose(1, 2, 0))
    assert answer["clipped"] == 0
    assert answer["padding"] == "replicate"


@pytest.mark.parametrize(("width", "height"), [(2000, 1500), (4032, 3024), (1100, 3000)])
def test_a_large_photo_is_shrunk_to_1024_a_side(client: TestClient, width, height) -> None:
    # 4032×3024 (a phone's 12 megapixels) is decoded at half scale first, 2000×1500 is not
    data = photo_bytes(width, height, seed=2, fmt="JPEG")
    answer = post(client, data, "image/jpeg", kernel="box_blur", mode="grey").json()
    small = (
        [1024, round(1024 * height / width)]
        if width > height
        else [round(1024 * width / height), 1024]
    )
    assert answer["source_size"] == [width, height]
    assert answer["size"] == small
    assert answer["resized"] is True
    assert answer["max_side"] == 1024
    assert f"shrunk from {width}×{height} to {small[0]}×{small[1]}" in answer["note"]
    assert shown(answer).shape == (small[1], small[0])


def test_a_photo_taken_sideways_is_turned_upright(client: TestClient) -> None:
    # a 60×40 JPEG whose EXIF says "rotate 90° clockwise to view" (orientation 6)
    pixels = np.zeros((40, 60), np.uint8)
    pixels[:, :30] = 255  # white left half: upright, it is the top half
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", exif=exif, quality=95)
    answer = post(client, buffer.getvalue(), "image/jpeg", kernel="identity").json()
    assert answer["source_size"] == answer["size"] == [40, 60]
    upright = shown(answer)
    assert upright[:25].mean() > 240 and upright[35:].mean() < 15


def test_transparent_pixels_are_laid_on_white(client: TestClient) -> None:
    rgba = np.zeros((10, 12, 4), np.uint8)  # fully transparent black
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG")
    answer = post(client, buffer.getvalue(), kernel="identity", mode="grey").json()
    assert np.all(shown(answer) == 255)


def test_sobel_range_before_clipping(client: TestClient) -> None:
    # black left half, white right half: Sobel x answers 4 × 255 on the edge, 0 elsewhere
    pixels = np.zeros((16, 16), np.uint8)
    pixels[:, 8:] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    answer = post(client, buffer.getvalue(), kernel="sobel_x").json()
    assert answer["value_range"] == [0.0, 1020.0]
    assert answer["clipped"] == pytest.approx(2 * 16 / 256)  # the two columns either side
    reversed_answer = post(client, buffer.getvalue(), values="1,0,-1;2,0,-2;1,0,-1").json()
    assert reversed_answer["value_range"] == [-1020.0, 0.0]
    assert np.all(shown(reversed_answer) == 0)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({}, "exactly one of 'kernel'"),
        ({"kernel": "sobel_x", "values": "1"}, "exactly one of 'kernel'"),
        ({"kernel": "blurry"}, "sobel_x"),
        ({"values": "1,2;3"}, "rows differ"),
        ({"values": "1,a;2,3"}, "numbers"),
        ({"values": ";".join(["1,1"] * 8)}, "at most 7×7"),
        ({"values": ",".join(["1"] * 8)}, "at most 7×7"),
        ({"values": "1e7"}, "within ±1e+06"),
        ({"values": "nan"}, "finite"),
        ({"kernel": "edge", "mode": "cmyk"}, "grey"),
    ],
)
def test_bad_kernel_or_mode_is_422(client: TestClient, query: dict, words: str) -> None:
    response = post(client, photo_bytes(8, 8), **query)
    assert response.status_code == 422
    assert words in response.text


def test_not_an_image_is_422(client: TestClient) -> None:
    response = post(client, b"this is a text file, not a photo", kernel="edge")
    assert response.status_code == 422
    assert "PNG, JPEG or WebP" in response.json()["detail"]
    empty = post(client, b"", kernel="edge")
    assert empty.status_code == 422
    assert "empty" in empty.json()["detail"]


def test_too_many_pixels_is_422_before_decoding(client: TestClient) -> None:
    buffer = io.BytesIO()
    Image.new("L", (4097, 4096)).save(buffer, format="PNG")  # compresses to a few KB
    response = post(client, buffer.getvalue(), kernel="edge")
    assert response.status_code == 422
    assert "4097×4096" in response.json()["detail"]


def test_too_many_bytes_is_413(client: TestClient) -> None:
    response = post(client, b"\x89PNG" + bytes(6 * 1024 * 1024), kernel="edge")
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_a_form_upload_is_415(client: TestClient) -> None:
    response = client.post(
        "/api/kernels/photo?kernel=edge", files={"photo": ("a.png", photo_bytes(8, 8))}
    )
    assert response.status_code == 415
    assert "image/png" in response.json()["detail"]


def test_a_1024_colour_photo_keeps_its_size_under_a_7x7_kernel(client: TestClient) -> None:
    """The largest photo the route filters as it is; its speed is measured in
    benchmarks/bench_photo.py."""
    data = photo_bytes(1024, 1024, seed=9, fmt="JPEG")
    values = ";".join([",".join(["1"] * 7)] * 7)
    response = post(client, data, "image/jpeg", values=values, mode="rgb")
    assert response.status_code == 200
    answer = response.json()
    assert answer["size"] == [1024, 1024]
    assert shown(answer).shape[:2] == (1024, 1024)
