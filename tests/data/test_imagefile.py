"""Reading an image or a text payload (`cnnviz.data.imagefile`) and what the drawing
preprocessing refuses: empty drawings, unreadable or unsupported bytes, truncated files, too many
bytes or pixels (checked from the header, before decoding), and bad data URLs or base64; each an
ImageError with a message that says what to send instead.
"""

import base64
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from tests.strokes import drawing, encode

from cnnviz.data.drawing import preprocess_drawing
from cnnviz.data.imagefile import MAX_BYTES, ImageError, decode_image_payload, image_size

WHITE = (255, 255, 255)


# ---------------------------------------------------------------------------------------------
# Errors


def png_with_size(width: int, height: int) -> bytes:
    """A small real PNG whose header claims `width` × `height` (CRC fixed, pixels absent)."""
    data = bytearray(encode(Image.new("L", (8, 8))))
    ihdr = 8  # after the signature: length (4), "IHDR" (4), data (13), crc (4)
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 21]))
    data[ihdr + 21 : ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


EMPTY_IMAGES = {
    "fully transparent canvas": encode(Image.new("RGBA", (280, 280), (0, 0, 0, 0))),
    "all white": encode(Image.new("RGB", (280, 280), WHITE)),
    "all black": encode(Image.new("L", (280, 280), 0)),
    "all one colour, JPEG": encode(Image.new("RGB", (280, 280), (200, 30, 30)), "JPEG"),
    "white with faint specks": encode(
        Image.fromarray(
            np.where(np.random.default_rng(1).random((280, 280)) < 0.01, 240, 255).astype(np.uint8)
        )
    ),
}


@pytest.mark.parametrize("data", EMPTY_IMAGES.values(), ids=EMPTY_IMAGES)
def test_an_empty_drawing_is_refused(data: bytes) -> None:
    with pytest.raises(ImageError, match="the drawing is empty: draw a digit first"):
        preprocess_drawing(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello, this is not an image", "cannot be read: send a PNG, JPEG or WebP"),
        (encode(Image.new("L", (28, 28)), "GIF"), "cannot be read: send a PNG, JPEG or WebP"),
        (encode(Image.new("L", (28, 28)), "BMP"), "cannot be read: send a PNG, JPEG or WebP"),
    ],
    ids=["no bytes", "text", "GIF", "BMP"],
)
def test_unreadable_or_unsupported_bytes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        preprocess_drawing(data)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused(fmt: str) -> None:
    data = drawing("4", "RGB", fmt=fmt, brush=20)
    with pytest.raises(ImageError, match="truncated or damaged"):
        preprocess_drawing(data[: len(data) // 2])


def test_too_many_bytes_are_refused() -> None:
    data = drawing("4", "RGBA", brush=20)
    with pytest.raises(ImageError, match=f"too large: {len(data):,} bytes, at most 1,000"):
        preprocess_drawing(data, max_bytes=1000)
    with pytest.raises(ImageError, match="too large"):
        preprocess_drawing(b"\x89PNG" + bytes(MAX_BYTES))
    with pytest.raises(ImageError, match="too large"):
        decode_image_payload("A" * 2000, max_bytes=1000)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_with_size(5000, 5000), "too many pixels: 5000×5000"),
        (png_with_size(20000, 20000), "too many pixels"),  # beyond Pillow's own bomb limit
        (encode(Image.new("1", (4100, 4100))), "too many pixels: 4100×4100"),  # a real bomb
    ],
    ids=["header 5000x5000", "header 20000x20000", "real 4100x4100 bilevel"],
)
def test_too_many_pixels_are_refused_before_decoding(data: bytes, message: str) -> None:
    # The two forged headers have 64 pixels of data: decoding them would fail as truncated,
    # so this message proves that the size was checked from the header first.
    assert len(data) < 10_000
    with pytest.raises(ImageError, match=message):
        preprocess_drawing(data)


def test_max_pixels_is_a_parameter() -> None:
    data = drawing("4", "RGBA", brush=20)
    with pytest.raises(ImageError, match="too many pixels: 280×280, at most 10,000"):
        preprocess_drawing(data, max_pixels=100 * 100)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_image_size_reads_the_header(fmt: str) -> None:
    assert image_size(encode(Image.new("RGB", (300, 120), WHITE), fmt)) == (300, 120)


def test_image_size_decodes_nothing_and_refuses_what_preprocessing_refuses() -> None:
    # 64 pixels of data behind a 3000×2000 header: decoding would fail as truncated.
    assert image_size(png_with_size(3000, 2000)) == (3000, 2000)
    with pytest.raises(ImageError, match="too many pixels: 5000×5000"):
        image_size(png_with_size(5000, 5000))
    with pytest.raises(ImageError, match="cannot be read"):
        image_size(b"not an image")
    with pytest.raises(ImageError, match="empty"):
        image_size(b"")


# ---------------------------------------------------------------------------------------------
# Text payloads


def test_decode_image_payload_reads_data_urls_and_base64() -> None:
    png = encode(Image.new("L", (3, 3)))
    b64 = base64.b64encode(png).decode()
    assert decode_image_payload(f"data:image/png;base64,{b64}") == png
    assert decode_image_payload(f"  data:image/webp;base64,{b64}\n") == png
    assert decode_image_payload(f"data:image/jpeg;charset=x;base64,{b64}") == png
    assert decode_image_payload(b64) == png
    wrapped = "\n".join(b64[i : i + 20] for i in range(0, len(b64), 20))
    assert decode_image_payload(wrapped) == png
    assert decode_image_payload(b64.rstrip("=")) == png


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not base64 at all!", "not valid base64"),
        ("data:image/png;base64,%%%%", "not valid base64"),
        ("data:image/png;base64,QUJD$", "not valid base64"),
        ("data:text/plain;base64,QUJD", "unsupported media type 'text/plain'"),
        ("data:image/gif;base64,QUJD", "unsupported media type 'image/gif'"),
        ("data:;base64,QUJD", "unsupported media type"),
        ("data:image/png,QUJD", "not base64-encoded"),
        ("data:image/png;base64", "no ','"),
        ("", "empty"),
        ("data:image/png;base64,", "empty"),
    ],
)
def test_bad_payloads_are_refused(text: str, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        decode_image_payload(text)


def test_image_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid base64"):
        preprocess_drawing("data:image/png;base64,@@@@")
