"""Synthetic stroke digits for the drawing tests, rendered with Pillow like a browser canvas would.

A digit is a few strokes (polylines and ellipses) in its own unit box, u across and v down, both
in [0, 1]. `coverage` draws it with a round brush at a given canvas size, position and height,
anti-aliased by supersampling, and returns how much of each pixel the ink covers (uint8 0..255).
`compose` turns that coverage into an image of any style (transparent canvas, black on white,
palette, 16-bit, ...) with exactly the same geometry, and `encode` saves it as PNG, JPEG or WebP.
`canvas` is what the Draw view sends: a digit on its transparent canvas, as a PNG data URL.
"""

import base64
import io

import numpy as np
from PIL import Image, ImageDraw

# name -> (width / height of the digit's box, strokes). A stroke is ("line", [(u, v), ...]),
# ("ellipse", (u0, v0, u1, v1)), a ring drawn with the brush, or ("disk", (u0, v0, u1, v1)), filled.
DIGITS: dict[str, tuple[float, list]] = {
    "0": (0.7, [("ellipse", (0.0, 0.0, 1.0, 1.0))]),
    "1": (0.0, [("line", [(0.5, 0.0), (0.5, 1.0)])]),
    "4": (
        0.75,
        [("line", [(0.6, 0.0), (0.0, 0.65), (1.0, 0.65)]), ("line", [(0.7, 0.3), (0.7, 1.0)])],
    ),
    "7": (0.7, [("line", [(0.0, 0.0), (1.0, 0.0), (0.35, 1.0)])]),
    "minus": (1.0, [("line", [(0.0, 0.5), (1.0, 0.5)])]),
    # A heavy blob on a thin stem: its centre of mass lies far above its box's centre.
    "lollipop": (0.5, [("disk", (0.0, 0.0, 1.0, 0.5)), ("line", [(0.5, 0.5), (0.5, 1.0)])]),
}


def coverage(
    digit: str,
    size: tuple[int, int] = (280, 280),
    brush: float = 20,
    center: tuple[float, float] | None = None,
    height: float = 200,
    supersample: int = 4,
) -> np.ndarray:
    """How much ink covers each pixel, uint8 (H, W), for `digit` drawn on a (width, height) canvas.

    The strokes' centre lines span `height` pixels (the brush adds half its width all round);
    `center` is the (x, y) of the digit's box, the canvas centre by default. With
    `supersample=1` the strokes are aliased (every pixel is 0 or 255).
    """
    aspect, strokes = DIGITS[digit]
    width_px, height_px = size
    cx, cy = center if center is not None else (width_px / 2, height_px / 2)
    k = supersample
    box_w, box_h = aspect * height, height

    def point(u: float, v: float) -> tuple[float, float]:
        return (k * (cx + (u - 0.5) * box_w), k * (cy + (v - 0.5) * box_h))

    canvas = Image.new("L", (width_px * k, height_px * k), 0)
    draw = ImageDraw.Draw(canvas)
    pen = max(1, round(k * brush))
    for kind, geometry in strokes:
        if kind == "disk":
            draw.ellipse((*point(*geometry[:2]), *point(*geometry[2:])), fill=255)
        elif kind == "ellipse":
            (x0, y0), (x1, y1) = point(*geometry[:2]), point(*geometry[2:])
            half = pen / 2
            draw.ellipse((x0 - half, y0 - half, x1 + half, y1 + half), fill=255)
            draw.ellipse((x0 + half, y0 + half, x1 - half, y1 - half), fill=0)
        else:
            points = [point(u, v) for u, v in geometry]
            draw.line(points, fill=255, width=pen, joint="curve")
            for x, y in points:  # round caps, like a canvas with lineCap = "round"
                draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    if k > 1:
        canvas = canvas.resize(size, Image.Resampling.BOX)
    return np.asarray(canvas)


def compose(
    cover: np.ndarray,
    style: str,
    ink: tuple[int, int, int] = (0, 0, 0),
    background: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """The coverage as an image in one of the styles a user's drawing may arrive in.

    Styles: "L" white on black (the canonical one), "L-inverted" black on white, "RGB" `ink` on
    `background`, "RGBA" `ink` strokes on a transparent canvas (transparent pixels (0, 0, 0, 0),
    as `canvas.toDataURL()` gives), "LA" the same as gray + alpha, "RGBA-opaque" `ink` on
    `background` with alpha 255 everywhere, "P" a palette of grays, black on white, "P-alpha" a
    palette with one alpha per entry (pngquant-style PNG8), "P-key" grays, black on white, whose
    background index is transparent and black in the palette, "P-binary" one transparent index
    (GIF-style; anti-aliasing is lost, so use it with aliased coverage), "I;16" 16-bit white on
    black, "I;16-inverted" 16-bit black on white, "CMYK" black ink (K) on white paper, "1" bilevel.
    """
    c = cover.astype(np.float64) / 255.0
    h, w = cover.shape

    def blend(fg: tuple[int, int, int], bg: tuple[int, int, int]) -> np.ndarray:
        f, b = np.array(fg, dtype=np.float64), np.array(bg, dtype=np.float64)
        return np.round(c[..., None] * f + (1 - c[..., None]) * b).astype(np.uint8)

    if style == "L":
        return Image.fromarray(cover)
    if style == "L-inverted":
        return Image.fromarray(255 - cover)
    if style == "RGB":
        return Image.fromarray(blend(ink, background))
    if style in ("RGBA", "RGBA-opaque"):
        if style == "RGBA":
            rgb = np.where(cover[..., None] > 0, np.array(ink, dtype=np.uint8), 0).astype(np.uint8)
            alpha = cover
        else:
            rgb, alpha = blend(ink, background), np.full((h, w), 255, np.uint8)
        return Image.fromarray(np.dstack([rgb, alpha]))
    if style == "LA":
        gray = np.full((h, w), ink[0], np.uint8)
        return raw("LA", np.dstack([gray, cover]))
    if style == "P":
        image = raw("P", cover)
        image.putpalette([255 - i for i in range(256) for _ in range(3)])
        return image
    if style == "P-alpha":
        image = raw("P", cover)
        image.putpalette([channel for _ in range(256) for channel in ink])
        image.info["transparency"] = bytes(range(256))
        return image
    if style == "P-key":
        image = raw("P", cover)
        image.putpalette([0, 0, 0] + [255 - i for i in range(1, 256) for _ in range(3)])
        image.info["transparency"] = 0
        return image
    if style == "P-binary":
        image = raw("P", (cover > 0).astype(np.uint8))
        image.putpalette([*background, *ink])
        image.info["transparency"] = 0
        return image
    if style in ("I;16", "I;16-inverted"):
        values = cover.astype(np.uint16) * 257
        if style == "I;16-inverted":
            values = 65535 - values
        return Image.fromarray(values)  # uint16: mode "I;16"
    if style == "CMYK":
        zeros = np.zeros((h, w), np.uint8)
        return raw("CMYK", np.dstack([zeros, zeros, zeros, cover]))
    if style == "1":
        return Image.fromarray(cover > 127).convert("1")
    raise ValueError(f"unknown style {style!r}")


def raw(mode: str, array: np.ndarray) -> Image.Image:
    """An image of `mode` whose bytes are the uint8 `array` (H, W) or (H, W, bands)."""
    return Image.frombytes(mode, (array.shape[1], array.shape[0]), np.ascontiguousarray(array))


def encode(image: Image.Image, fmt: str = "PNG", **params) -> bytes:
    """`image` saved as `fmt` ("PNG", "JPEG", "WEBP") into bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def drawing(
    digit: str, style: str = "L", fmt: str = "PNG", save: dict | None = None, **kwargs
) -> bytes:
    """One call from digit to encoded bytes: `coverage(digit, **kwargs)`, composed, encoded."""
    ink = kwargs.pop("ink", (0, 0, 0))
    background = kwargs.pop("background", (255, 255, 255))
    image = compose(coverage(digit, **kwargs), style, ink=ink, background=background)
    return encode(image, fmt, **(save or {}))


def data_url(png: bytes) -> str:
    """`png` as a data URL, the form a browser canvas's `toDataURL()` gives."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def canvas(digit: str) -> str:
    """A 280×280 transparent canvas with `digit` drawn in black (brush 20, 200 px tall), as a
    PNG data URL."""
    return data_url(drawing(digit, style="RGBA", ink=(0, 0, 0), brush=20, height=200))
