"""The drawing preprocessing: every input mode gives the same MNIST-style 28×28 image.

Strokes are rendered by `tests/strokes.py` and composed into each style a browser or a file may
give; the canonical input is the same coverage as white on black ("L"). The MNIST properties
(box of 20, centre of mass at (14, 14), aspect ratio, intensity statistics) are measured here
with plain numpy, not with the module's own helpers. What is refused, and why: test_imagefile.
"""

import functools
import io
import json

import numpy as np
import pytest
from PIL import Image, features
from tests.strokes import compose, coverage, data_url, drawing, encode

from cnnviz.data.drawing import DrawingSteps, preprocess_drawing
from cnnviz.data.imagefile import decode_image_payload

DIGITS = ["0", "1", "4", "7"]
BRUSHES = [4, 12, 30]
RED = (220, 40, 120)
WHITE = (255, 255, 255)
webp = pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")


# ---------------------------------------------------------------------------------------------
# Independent measurements


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """Intensity-weighted (row, column) in pixel indices, as scipy.ndimage.center_of_mass."""
    rows, cols = np.indices(image.shape)
    mass = image.sum(dtype=np.float64)
    return float((rows * image).sum() / mass), float((cols * image).sum() / mass)


def extent(image: np.ndarray, threshold: float = 0.1) -> tuple[int, int]:
    """(height, width) of the box around the pixels above `threshold`."""
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


@functools.cache
def canonical(digit: str, brush: float, supersample: int = 4) -> np.ndarray:
    """The 28×28 result of the white-on-black rendering at 280×280, centred, 200 px tall."""
    cover = coverage(digit, brush=brush, supersample=supersample)
    return preprocess_drawing(encode(compose(cover, "L"))).image


@functools.cache
def cover(digit: str, brush: float, supersample: int = 4) -> np.ndarray:
    return coverage(digit, brush=brush, supersample=supersample)


def assert_close(image: np.ndarray, reference: np.ndarray, max_diff: float, mean_diff: float):
    diff = np.abs(image.astype(np.float64) - reference)
    assert diff.max() <= max_diff, f"max |diff| {diff.max():.4f} > {max_diff}"
    assert diff.mean() <= mean_diff, f"mean |diff| {diff.mean():.4f} > {mean_diff}"


# ---------------------------------------------------------------------------------------------
# Every input mode gives the canonical image

# id -> (style, format, save options, ink, background)
LOSSLESS = {
    "RGBA canvas, black strokes": ("RGBA", "PNG", {}, (0, 0, 0), WHITE),
    "RGBA canvas, coloured strokes": ("RGBA", "PNG", {}, RED, WHITE),
    "RGBA canvas, white strokes": ("RGBA", "PNG", {}, WHITE, WHITE),
    "RGBA opaque, black on white": ("RGBA-opaque", "PNG", {}, (0, 0, 0), WHITE),
    "RGB black on white": ("RGB", "PNG", {}, (0, 0, 0), WHITE),
    "RGB coloured on white": ("RGB", "PNG", {}, RED, WHITE),
    "RGB white on navy": ("RGB", "PNG", {}, WHITE, (20, 30, 70)),
    "L white on black": ("L", "PNG", {}, (0, 0, 0), WHITE),
    "L black on white": ("L-inverted", "PNG", {}, (0, 0, 0), WHITE),
    "LA": ("LA", "PNG", {}, (0, 0, 0), WHITE),
    "P grays, black on white": ("P", "PNG", {}, (0, 0, 0), WHITE),
    "P with alpha per entry": ("P-alpha", "PNG", {}, RED, WHITE),
    "P with a transparent black index": ("P-key", "PNG", {}, (0, 0, 0), WHITE),
    "L with a transparent white": ("L-inverted", "PNG", {"transparency": 255}, (0, 0, 0), WHITE),
    "16-bit white on black": ("I;16", "PNG", {}, (0, 0, 0), WHITE),
    "16-bit black on white": ("I;16-inverted", "PNG", {}, (0, 0, 0), WHITE),
}
LOSSLESS_WEBP = {
    "WebP lossless RGBA canvas": ("RGBA", "WEBP", {"lossless": True}, RED, WHITE),
    "WebP lossless black on white": ("RGB", "WEBP", {"lossless": True}, (0, 0, 0), WHITE),
}
LOSSY = {
    "JPEG q75 black on white": ("RGB", "JPEG", {"quality": 75}, (0, 0, 0), WHITE),
    "JPEG q90 gray white on black": ("L", "JPEG", {"quality": 90}, (0, 0, 0), WHITE),
    "JPEG CMYK black ink": ("CMYK", "JPEG", {"quality": 90}, (0, 0, 0), WHITE),
}
LOSSY_WEBP = {
    "WebP q80 black on white": ("RGB", "WEBP", {"quality": 80}, (0, 0, 0), WHITE),
    "WebP q80 RGBA canvas": ("RGBA", "WEBP", {"quality": 80}, RED, WHITE),
}


def encoded(digit: str, brush: float, case: tuple, supersample: int = 4) -> bytes:
    style, fmt, save, ink, background = case
    image = compose(cover(digit, brush, supersample), style, ink=ink, background=background)
    return encode(image, fmt, **save)


@pytest.mark.parametrize("brush", BRUSHES)
@pytest.mark.parametrize(
    "case",
    [*LOSSLESS.values(), *(pytest.param(c, marks=webp) for c in LOSSLESS_WEBP.values())],
    ids=[*LOSSLESS, *LOSSLESS_WEBP],
)
def test_lossless_modes_give_the_canonical_image(case: tuple, brush: int) -> None:
    for digit in DIGITS:
        steps = preprocess_drawing(encoded(digit, brush, case))
        assert_close(steps.image, canonical(digit, brush), max_diff=0.02, mean_diff=0.002)


@pytest.mark.parametrize("brush", BRUSHES)
@pytest.mark.parametrize(
    "case",
    [*LOSSY.values(), *(pytest.param(c, marks=webp) for c in LOSSY_WEBP.values())],
    ids=[*LOSSY, *LOSSY_WEBP],
)
def test_lossy_modes_give_the_canonical_image_loosely(case: tuple, brush: int) -> None:
    for digit in DIGITS:
        steps = preprocess_drawing(encoded(digit, brush, case))
        assert_close(steps.image, canonical(digit, brush), max_diff=0.15, mean_diff=0.01)


@pytest.mark.parametrize("style", ["P-binary", "1"])
def test_binary_images_give_the_canonical_aliased_image(style: str) -> None:
    """One transparent palette index (GIF-style) or bilevel mode "1": strokes without
    anti-aliasing, compared with the same aliased strokes as white on black."""
    for digit in DIGITS:
        image = compose(cover(digit, 12, supersample=1), style)
        steps = preprocess_drawing(encode(image))
        assert_close(steps.image, canonical(digit, 12, supersample=1), 0.02, 0.002)


def test_a_canvas_data_url_gives_the_same_as_its_bytes() -> None:
    png = encoded("4", 12, LOSSLESS["RGBA canvas, coloured strokes"])
    url = data_url(png)
    from_url = preprocess_drawing(url).image
    np.testing.assert_array_equal(from_url, preprocess_drawing(png).image)
    np.testing.assert_array_equal(preprocess_drawing(decode_image_payload(url)).image, from_url)


@pytest.mark.parametrize(("digit", "brush"), [("0", 30), ("1", 8), ("4", 8), ("7", 30)])
def test_a_huge_canvas_gives_the_canonical_image(digit: str, brush: int) -> None:
    f = 2000 / 280
    data = drawing(digit, "RGBA", size=(2000, 2000), brush=brush * f, height=200 * f, supersample=1)
    assert_close(preprocess_drawing(data).image, canonical(digit, brush), 0.1, 0.006)


@pytest.mark.parametrize("digit", DIGITS)
@pytest.mark.parametrize("brush", [12, 30])
def test_a_tiny_canvas_gives_nearly_the_canonical_image(digit: str, brush: int) -> None:
    """56×56: every source pixel becomes almost half an output pixel, so edges differ more."""
    f = 56 / 280
    data = drawing(digit, "RGB", size=(56, 56), brush=brush * f, height=200 * f)
    assert_close(preprocess_drawing(data).image, canonical(digit, brush), 0.4, 0.03)


@pytest.mark.parametrize("digit", DIGITS)
def test_a_28_pixel_canvas_still_gives_an_mnist_image(digit: str) -> None:
    data = drawing(digit, "RGBA", size=(28, 28), brush=2.5, height=20)
    image = preprocess_drawing(data).image
    assert max(extent(image)) in (20, 21)
    np.testing.assert_allclose(center_of_mass(image), (14, 14), atol=0.5)
    assert_close(image, canonical(digit, 25), 0.95, 0.06)


@pytest.mark.parametrize("digit", DIGITS)
@pytest.mark.parametrize("center", [(100, 125), (181, 163)])
def test_whole_pixel_moves_on_the_canvas_change_nothing(digit: str, center: tuple) -> None:
    data = drawing(digit, "RGBA", brush=12, center=center, height=180)
    moved = preprocess_drawing(data).image
    np.testing.assert_allclose(
        moved, preprocess_drawing(drawing(digit, "RGBA", brush=12, height=180)).image, atol=1e-5
    )


@pytest.mark.parametrize("digit", DIGITS)
@pytest.mark.parametrize(("center", "height"), [((70.3, 80.6), 110), ((205.5, 190.25), 120)])
def test_a_small_digit_off_centre_gives_the_canonical_image(
    digit: str, center: tuple, height: float
) -> None:
    f = height / 200
    data = drawing(digit, "L-inverted", brush=30 * f, center=center, height=height)
    assert_close(preprocess_drawing(data).image, canonical(digit, 30), 0.12, 0.006)


def test_a_wide_canvas_gives_the_canonical_image() -> None:
    data = drawing("4", "RGBA", size=(500, 280), brush=12, center=(390, 140))
    assert_close(preprocess_drawing(data).image, canonical("4", 12), 1e-5, 1e-6)


# ---------------------------------------------------------------------------------------------
# MNIST's properties, measured independently


INPUTS = [
    pytest.param(digit, brush, case, id=f"{digit}-{brush}-{name}")
    for digit in [*DIGITS, "minus"]
    for brush in BRUSHES
    for name, case in [
        ("canvas", LOSSLESS["RGBA canvas, black strokes"]),
        ("jpeg", LOSSY["JPEG q75 black on white"]),
    ]
]


@pytest.mark.parametrize(("digit", "brush", "case"), INPUTS)
def test_the_output_is_an_mnist_image(digit: str, brush: int, case: tuple) -> None:
    steps = preprocess_drawing(encoded(digit, brush, case))
    image = steps.image
    assert image.shape == (28, 28)
    assert image.dtype == np.float32
    assert image.min() >= 0.0
    assert image.max() == 1.0  # ink is high: the strongest stroke is 1, like MNIST's 255
    assert image[:2].max() == image[-2:].max() == 0.0 or digit == "7"  # background stays 0
    # The longer side of the ink's box is 20 (21 when it straddles pixels at a sub-pixel place).
    assert max(extent(image)) in (19, 20, 21)
    # Centre of mass at (14, 14) in pixel indices: exact unless the shift had to stop at the
    # frame's edge (the "7" with thin strokes), and then within MNIST's own ±0.5.
    cy, cx = center_of_mass(image)
    dy, dx = steps.shift
    assert abs(cy - 14) <= (0.5 if abs(dy) >= 3.99 else 0.01)
    assert abs(cx - 14) <= (0.5 if abs(dx) >= 3.99 else 0.01)


def test_the_steps_are_consistent() -> None:
    steps = preprocess_drawing(encoded("7", 12, LOSSLESS["RGB black on white"]))
    assert isinstance(steps, DrawingSteps)
    assert steps.inverted is True
    assert steps.ink.shape == (280, 280) and steps.ink.dtype == np.float32
    assert steps.ink.max() == 1.0 and steps.ink[0, 0] == 0.0  # ink = 1, background = 0
    x0, y0, x1, y1 = steps.bbox
    strong = np.argwhere(steps.ink >= 0.5)
    assert (y0, x0) <= tuple(strong.min(axis=0)) and tuple(strong.max(axis=0)) < (y1, x1)
    assert y1 - y0 == pytest.approx(200 + 12, abs=2)  # the strokes' centre lines plus a brush
    assert steps.scaled.shape == (20, 20) and steps.scaled.dtype == np.float32
    assert steps.scaled[0].max() > 0.5 and steps.scaled[-1].max() > 0.1  # fills 20 rows
    cy, cx = center_of_mass(steps.scaled)
    assert steps.center_of_mass == pytest.approx((cy + 4, cx + 4), abs=1e-6)
    assert steps.shift[0] == pytest.approx(14 - steps.center_of_mass[0], abs=0.35)
    assert steps.shift[1] == pytest.approx(14 - steps.center_of_mass[1], abs=0.35)


def test_a_thin_one_stays_thin() -> None:
    """Aspect ratio kept: a vertical stroke is 20 tall and only as wide as its scaled brush."""
    image = preprocess_drawing(encoded("1", 20, LOSSLESS["RGBA canvas, black strokes"])).image
    height, width = extent(image)
    assert height in (20, 21)
    assert width <= 3  # 20 px brush × 20 / 220 = 1.8 px
    # A brush three times as wide is scaled by the same factor: 60 × 20 / 260 = 4.6 px.
    assert extent(preprocess_drawing(drawing("1", "RGBA", brush=60)).image)[1] in (5, 6)


def test_a_wide_minus_is_not_stretched_vertically() -> None:
    image = preprocess_drawing(encoded("minus", 20, LOSSLESS["L white on black"])).image
    height, width = extent(image)
    assert width in (20, 21)
    assert height <= 3


def test_the_aspect_ratio_of_a_zero_is_kept() -> None:
    # The ring's box is 0.7 × 200 + 20 wide and 200 + 20 tall.
    image = preprocess_drawing(encoded("0", 20, LOSSLESS["L white on black"])).image
    height, width = extent(image, threshold=0.3)
    assert width / height == pytest.approx((140 + 20) / 220, abs=0.07)


def test_a_digit_far_from_its_centre_of_mass_is_not_clipped() -> None:
    """A heavy blob on a stem wants a shift beyond the frame: it stops there, nothing is lost."""
    steps = preprocess_drawing(drawing("lollipop", "RGBA", brush=6))
    assert steps.shift[0] == pytest.approx(4.0)  # the box's top at row 8, its bottom at 28
    assert steps.image.sum() == pytest.approx(steps.scaled.sum(), rel=0.02)
    assert steps.image[-1].max() > 0  # the stem reaches the last row...
    assert center_of_mass(steps.image)[0] < 13.5  # ...and the blob stays off-centre, as documented


def test_mnist_like_statistics() -> None:
    """Intensity statistics of a drawn 0 and 1 fall inside MNIST's own.

    The ranges are the 5th to 95th percentiles per class, measured once on the official MNIST
    test set (10,000 digits) when this test was written; no MNIST file is read here. For scale:
    the well-known mean pixel of MNIST is 0.1307 (the constant in every torchvision example);
    per class, 0s average 0.172 and 1s 0.077, and the share of pixels above 0.5 is about the
    same as the mean. A brush of 1/7 of the digit's height draws MNIST's 2-3 px strokes.
    """
    mnist = {"0": ((0.108, 0.255), (0.110, 0.260)), "1": ((0.046, 0.120), (0.046, 0.122))}
    for digit, (mean_range, share_range) in mnist.items():
        image = preprocess_drawing(drawing(digit, "RGBA", brush=28)).image
        assert mean_range[0] <= image.mean() <= mean_range[1], (digit, image.mean())
        share = (image > 0.5).mean()
        assert share_range[0] <= share <= share_range[1], (digit, share)


# ---------------------------------------------------------------------------------------------
# Polarity and noise


@pytest.mark.parametrize(
    ("ink", "background", "inverted"),
    [
        ((0, 0, 0), WHITE, True),
        (WHITE, (0, 0, 0), False),
        (WHITE, (150, 150, 150), False),  # light ink on a mid-gray background
        ((40, 40, 40), (170, 170, 170), True),  # pencil on gray paper
        ((30, 60, 200), (250, 245, 230), True),  # blue pen on cream paper
    ],
)
def test_polarity_follows_the_minority(ink: tuple, background: tuple, inverted: bool) -> None:
    steps = preprocess_drawing(drawing("4", "RGB", brush=20, ink=ink, background=background))
    assert steps.inverted is inverted
    assert_close(steps.image, canonical("4", 20), 0.03, 0.003)


def test_polarity_of_thick_strokes_on_a_small_canvas() -> None:
    """Ink covering much of the image is still ink: the border decides what is background."""
    data = drawing("0", "L-inverted", size=(60, 60), brush=14, height=44)
    steps = preprocess_drawing(data)
    assert steps.ink.mean() > 0.4
    assert steps.inverted is True


def test_faint_noise_and_jpeg_ringing_do_not_widen_the_box() -> None:
    clean = preprocess_drawing(encoded("7", 12, LOSSLESS["RGB black on white"]))
    gray = 255 - cover("7", 12)
    noisy = gray.copy()
    noisy[np.random.default_rng(0).random(noisy.shape) < 0.02] = 225  # 0.12 of contrast
    for data in (
        encode(Image.fromarray(noisy)),
        encode(Image.fromarray(gray), "JPEG", quality=50),
    ):
        steps = preprocess_drawing(data)
        np.testing.assert_allclose(steps.bbox, clean.bbox, atol=2)
        assert_close(steps.image, clean.image, 0.2, 0.02)


# ---------------------------------------------------------------------------------------------
# to_dict and speed


def test_to_dict_is_json_with_the_documented_sizes() -> None:
    steps = preprocess_drawing(drawing("7", "RGBA", brush=20))
    payload = json.loads(json.dumps(steps.to_dict()))
    assert np.array(payload["image"]).shape == (28, 28)
    assert np.array(payload["scaled"]).shape == (20, 20)
    assert np.array(payload["ink"]).shape == (56, 56)  # the 280×280 canvas, shrunk for preview
    assert payload["ink_size"] == [280, 280] and payload["ink_scale"] == pytest.approx(0.2)
    assert payload["bbox"] == list(steps.bbox)
    assert payload["inverted"] is False
    assert payload["shift"] == pytest.approx(list(steps.shift))
    assert payload["center_of_mass"] == pytest.approx(list(steps.center_of_mass))
    np.testing.assert_allclose(payload["image"], steps.image, atol=1e-4)


def test_to_dict_shrinks_a_big_ink_to_the_preview_size() -> None:
    f = 1000 / 280
    data = drawing("0", "RGB", size=(1000, 700), brush=20 * f, height=180 * f, supersample=1)
    steps = preprocess_drawing(data)
    payload = steps.to_dict()
    ink = np.array(payload["ink"])
    assert ink.shape == (39, 56)
    assert payload["ink_size"] == [700, 1000] and payload["ink_scale"] == pytest.approx(0.056)
    # The preview is an area average: its mean is the full ink's mean.
    assert ink.mean() == pytest.approx(float(steps.ink.mean()), rel=0.01)


def test_exif_orientation_is_applied() -> None:
    """A photo saved sideways with an EXIF Orientation tag is read upright."""
    upright = Image.fromarray(255 - cover("7", 20)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    sideways = upright.transpose(Image.Transpose.ROTATE_90)
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", quality=95, exif=exif)
    steps = preprocess_drawing(buffer.getvalue())
    assert_close(steps.image, canonical("7", 20), 0.1, 0.006)


def test_to_dict_never_enlarges_a_small_ink() -> None:
    steps = preprocess_drawing(drawing("1", "L", size=(40, 30), brush=3, height=24, supersample=1))
    payload = steps.to_dict()
    assert np.array(payload["ink"]).shape == (30, 40)
    assert payload["ink_scale"] == 1.0
