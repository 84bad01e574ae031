"""An uploaded image's bytes, read safely: the text a client sends (a data URL or base64) made
into bytes, the header checked before a single pixel is decoded, then the decode.

A drawing comes from anyone who can reach the server, so every size is checked before memory is
spent on it: the text's length before base64 decoding, the byte count before Pillow sees them,
width × height from the header before decoding (Pillow's own decompression-bomb guard stops
headers beyond its limit). Every refusal is an `ImageError` (a ValueError) whose message says
what to send instead; the app answers it with 422 or 413, the CLI with a one-line message.
"""

import base64
import binascii
import contextlib
import io
import re

from PIL import Image, ImageOps, UnidentifiedImageError

#: An image file's largest size: a 12 MP phone JPEG (3 to 8 MB) fits. Over HTTP, a data URL is
#: held to the smaller body limit first (`Settings.max_body_bytes`).
MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
FORMATS = ("PNG", "JPEG", "WEBP")
MEDIA_TYPES = {"image/png", "image/jpeg", "image/jpg", "image/webp"}


class ImageError(ValueError):
    """The drawing cannot be used; the message says what to fix."""


def decode_image_payload(text: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of an image sent as text: a `data:image/png;base64,...` URL or plain base64.

    Data URLs must be base64 and of a PNG, JPEG or WebP media type. Whitespace and missing `=`
    padding are forgiven; anything else that is not base64 is an `ImageError`.
    """
    text = text.strip()
    if text.startswith("data:"):
        header, comma, text = text.partition(",")
        if not comma:
            raise ImageError(
                "the data URL has no ',' before its data: send 'data:image/png;base64,...'"
            )
        media_type, *params = header[len("data:") :].split(";")
        media_type = media_type.strip().lower()
        if media_type not in MEDIA_TYPES:
            raise ImageError(
                f"unsupported media type {media_type or '(none)'!r} in the data URL: "
                "send a PNG, JPEG or WebP image (image/png, image/jpeg or image/webp)"
            )
        if "base64" not in (param.strip().lower() for param in params):
            raise ImageError("the data URL is not base64-encoded: send 'data:image/png;base64,...'")
    text = re.sub(r"\s+", "", text)
    if len(text) > 4 * (max_bytes // 3 + 1):
        raise ImageError(f"the image is too large: at most {max_bytes:,} bytes")
    if not text:
        raise ImageError("the image payload is empty: send the image's bytes as base64")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImageError(f"the image payload is not valid base64 ({error})") from None


def image_size(
    data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> tuple[int, int]:
    """(width, height) of a PNG, JPEG or WebP from its header alone: what preparing it will cost,
    known before a pixel is decoded. Raises `ImageError` for what `preprocess_drawing` refuses
    without decoding (too large, unreadable)."""
    return _header(data, max_bytes, max_pixels).size


def _header(data: bytes, max_bytes: int, max_pixels: int) -> Image.Image:
    """The image opened from its header only, refused if it is too large."""
    if len(data) > max_bytes:
        raise ImageError(f"the image is too large: {len(data):,} bytes, at most {max_bytes:,}")
    if not data:
        raise ImageError("the image is empty (0 bytes): send a PNG, JPEG or WebP image")
    too_many = "the image has too many pixels: {}, at most {:,} (send a smaller canvas)"
    try:
        # Image.open reads only the header; Pillow itself refuses sizes beyond its own bomb limit.
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise ImageError(
            "the image cannot be read: send a PNG, JPEG or WebP image (the bytes are neither, "
            "or are damaged)"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        claim = f"its header claims over {Image.MAX_IMAGE_PIXELS:,}"
        raise ImageError(too_many.format(claim, max_pixels)) from None
    except Exception as error:
        raise ImageError(f"the image cannot be read ({error}): send a PNG, JPEG or WebP") from None
    width, height = image.size
    if width * height > max_pixels:
        raise ImageError(too_many.format(f"{width}×{height}", max_pixels))
    if width == 0 or height == 0:
        raise ImageError(f"the image has no pixels ({width}×{height})")
    return image


def open_image(
    data: bytes,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    at_least: tuple[int, int] | None = None,
) -> Image.Image:
    """Decode `data`, refusing what is too large before decoding a single pixel.

    `at_least` (width, height): the caller shrinks the image to about this size anyway, so a
    JPEG may be decoded at the smallest 1/2, 1/4 or 1/8 scale still that large (libjpeg's own
    scaling, Pillow's `draft`): a 12-megapixel photo then decodes several times faster.
    """
    image = _header(data, max_bytes, max_pixels)
    if at_least is not None:
        image.draft(None, at_least)
    try:
        image.load()
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, ValueError, ...
        raise ImageError(
            f"the image cannot be decoded ({error}): it is truncated or damaged, send it again"
        ) from None
    with contextlib.suppress(Exception):  # a broken EXIF block leaves the pixels good
        ImageOps.exif_transpose(image, in_place=True)  # photos taken sideways
    return image
