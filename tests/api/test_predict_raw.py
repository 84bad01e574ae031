"""POST /api/models/{id}/predict with a photo as the body's own bytes (Content-Type image/jpeg,
image/png, image/webp): the same answer as the same file sent as a data URL in JSON, a body limit
of 12 MB for it (a phone photo) while JSON and every other route keep 5 MB, 413 over it with a
message, 422 for bytes that are not an image."""

import base64

import pytest
from tests.strokes import drawing

MODEL = "lenet5-mnist"
PREDICT = f"/api/models/{MODEL}/predict"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def photo() -> bytes:
    """A JPEG of a 7 written in dark grey on off-white paper, 600 px wide."""
    return drawing(
        "7",
        style="RGB",
        fmt="JPEG",
        ink=(40, 40, 60),
        background=(235, 230, 220),
        size=(600, 600),
        height=420,
        brush=36,
    )


def as_data_url(data: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def test_raw_bytes_read_as_the_data_url_of_the_same_file(client, photo):
    by_json = client.post(PREDICT, json={"image": as_data_url(photo)})
    raw = client.post(PREDICT, content=photo, headers={"Content-Type": "image/jpeg"})
    assert by_json.status_code == raw.status_code == 200, raw.text
    assert raw.json() == by_json.json()
    assert raw.json()["label"] == "7"


def test_a_photo_between_the_two_limits_is_read_as_raw_bytes_only(client, photo):
    # JPEG readers stop at the end-of-image marker: 6 MB of padding after it leave the picture
    padded = photo + b"\0" * (6 * MB)
    raw = client.post(PREDICT, content=padded, headers={"Content-Type": "image/jpeg"})
    assert raw.status_code == 200, raw.text
    plain = client.post(PREDICT, content=photo, headers={"Content-Type": "image/jpeg"})
    assert raw.json()["probabilities"] == plain.json()["probabilities"]
    # the same bytes as a data URL are over the JSON limit, and the refusal says what to do
    refused = client.post(PREDICT, json={"image": as_data_url(padded)})
    assert refused.status_code == 413
    assert "5,242,880-byte limit" in refused.json()["detail"]
    assert "image/jpeg" in refused.json()["detail"] and "12,582,912" in refused.json()["detail"]


def test_over_twelve_megabytes_is_refused_with_the_limit(client):
    body = b"\xff\xd8" + b"\0" * (12 * MB)
    refused = client.post(PREDICT, content=body, headers={"Content-Type": "image/jpeg"})
    assert refused.status_code == 413
    assert refused.json()["detail"].startswith("the request body is over the 12,582,912-byte")


def test_every_other_route_keeps_its_limit(client, photo):
    padded = photo + b"\0" * (6 * MB)
    for path in (f"/api/models/{MODEL}/trace", "/api/kernels/photo?kernel=sobel_x"):
        refused = client.post(path, content=padded, headers={"Content-Type": "image/jpeg"})
        assert refused.status_code == 413, path
        assert "5,242,880-byte limit" in refused.json()["detail"]


@pytest.mark.parametrize("kind", ["image/png", "image/jpeg", "application/octet-stream"])
def test_bytes_that_are_not_an_image_are_a_422(client, kind):
    refused = client.post(PREDICT, content=b"not a picture at all", headers={"Content-Type": kind})
    assert refused.status_code == 422
    assert "image" in refused.json()["detail"].lower()


def test_json_keeps_its_validation_messages(client):
    refused = client.post(PREDICT, json={"pixels": [[0.5] * 28] * 27})
    assert refused.status_code == 422
    assert "pixels" in str(refused.json()["detail"])
    broken = client.post(
        PREDICT, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422


@pytest.mark.parametrize("kind", ["image/heic", "text/plain"])
def test_a_body_that_is_neither_json_nor_a_readable_photo_is_a_415(client, photo, kind):
    refused = client.post(PREDICT, content=photo, headers={"Content-Type": kind})
    assert refused.status_code == 415
    assert kind in refused.json()["detail"] and "PNG, JPEG or WebP" in refused.json()["detail"]
