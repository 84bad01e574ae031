"""A user's drawing made into the 28×28 image a network trained on MNIST expects.

MNIST's digits were made this way (LeCun, Cortes and Burges): the digit's bounding box was
size-normalised to fit a 20×20 box, keeping its aspect ratio, anti-aliased, and the result was
centred in a 28×28 frame by its centre of mass. `preprocess_drawing` does the same to a drawing:

1. decode PNG, JPEG or WebP bytes (`cnnviz.data.imagefile`: sizes checked from the header before
   any pixel is decoded);
2. `ink`: one float channel, ink = 1, background = 0. A canvas from `canvas.toDataURL()` is
   strokes on transparent pixels, so when the image has meaningful transparency its alpha is the
   ink; otherwise the luminance is. The background is the median of the border pixels; whichever
   side of it (lighter or darker) holds more contrast is the ink, so black on white is inverted;
3. `bbox`: the box of pixels with ink >= `INK_THRESHOLD`, so faint noise and JPEG ringing do not
   widen it;
4. `strokes`: the crop's stroke width measured, and strokes thicker than a fifth of the box's
   longer side thinned to that (`cnnviz.data.strokes`: why, and how);
5. `scaled`: the crop area-averaged (every output pixel is the mean of the ink it covers, which is
   the anti-aliasing MNIST has) into a 20×20 box: the longer side fills 20 pixels exactly, the
   shorter side is scaled by the same factor and centred, so a thin "1" stays thin;
6. `image`: the digit placed in the 28×28 frame so that its centre of mass lands at (14, 14),
   then quantized to 8 bits as MNIST's digits are (`cnnviz.data.digitcode`: one set of levels
   for drawings, pixels and links alike).

Coordinates are pixel indices: pixel (row i, column j) sits at (i, j), its centre, as numpy and
`scipy.ndimage.center_of_mass` count. That is MNIST's convention: measured that way, MNIST's own
digits have their centre of mass within [13.5, 14.5] on both axes (mean 14.0), because they were
moved by whole pixels.

The centring here is sub-pixel instead, and exact (within 0.001 px when shrinking): the shift
that puts the centre of mass on (14, 14) is solved for, then the crop is area-averaged once more,
straight into the 28×28 frame at that fractional place. Why not MNIST's whole-pixel rounding: the
input then jumps by a pixel when a stroke changes a little, which a student watching the network
while drawing would see as flicker, and comparisons between renderings become discontinuous.
Why not a bilinear shift of `scaled`: interpolating a second time softens the strokes, while
resampling the crop at the shifted place costs no more and blurs no more than the scaling
itself. The price: the digit's 20 pixels usually straddle 21, partly covered at both ends,
where MNIST's fill exactly 20. The shift is limited so the digit's box stays inside the frame,
so nothing is clipped; only a digit whose centre of mass lies more than 4 pixels from its box's
centre (along the longer side) is then left off-centre, as a thin-stroked "7" can be.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image

from cnnviz.data import resample
from cnnviz.data.digitcode import quantize
from cnnviz.data.imagefile import (
    MAX_BYTES,
    MAX_PIXELS,
    ImageError,
    decode_image_payload,
    open_image,
)
from cnnviz.data.strokes import MAX_RELATIVE, MNIST_RELATIVE, StrokeStep, normalise_strokes
from cnnviz.nn.presets import MNIST_SHAPE

SIZE = MNIST_SHAPE[-1]  # the MNIST frame, 28×28
BOX = 20  # the box the digit is normalised to fit
CENTER = 14.0  # where the centre of mass goes, in pixel indices (see the module docstring)
INK_THRESHOLD = 0.2  # ink below this (after normalising the peak to 1) does not count for the box
MIN_CONTRAST = 0.1  # an image whose ink stands out by less than this from the background is empty
CENTRING_STEPS = 8  # fixed-point steps for the sub-pixel shift (2 or 3 suffice in practice)
#: `to_dict` shrinks `ink` so that its longer side is at most this: twice the 28×28 it becomes, as
#: sharp as the other steps on screen. The client has the full-size drawing already, and a whole
#: canvas in every live prediction's answer would cost more to send than to compute.
PREVIEW = 56
#: The stroke-width step's image is shrunk to at most this: as sharp as the 28×28 it becomes
#: (its strokes' width is what it shows), a quarter of a full preview's numbers per answer.
STROKES_PREVIEW = SIZE

Pair = tuple[float, float]
EMPTY = "the drawing is empty: draw a digit first"


@dataclass
class DrawingSteps:
    """Every step from the drawing to the network's input, for the UI to show one by one.

    Attributes
    ----------
    ink : ndarray, shape (H, W), float32 in [0, 1]
        The whole drawing as one channel, ink = 1, background = 0 (after the polarity fix),
        at the drawing's own size.
    inverted : bool
        Whether the ink was darker than the background (black on white) and was turned around.
    bbox : (x0, y0, x1, y1)
        The ink's bounding box in `ink`, `x1` and `y1` exclusive (like Pillow's `getbbox`).
    strokes : StrokeStep
        The stroke width measured in the box, and the ink the scaling goes on with (the crop
        itself, or its thinned strokes).
    scaled : ndarray, shape (20, 20), float32 in [0, 1]
        `strokes.image` area-averaged to fit 20×20 with its aspect ratio kept, centred in it.
    center_of_mass : (y, x)
        The intensity-weighted centre of `scaled` placed in the middle of the 28×28 frame (rows
        and columns 4..23), in pixel indices, before the shift.
    shift : (dy, dx)
        The sub-pixel move from that middle position that puts the centre of mass on (14, 14).
    image : ndarray, shape (28, 28), float32 in [0, 1]
        The network's input: ink = 1.0, background = 0.0, peak exactly 1, every value one of
        the 256 levels k / 255.
    """

    ink: np.ndarray
    inverted: bool
    bbox: tuple[int, int, int, int]
    strokes: StrokeStep
    scaled: np.ndarray
    center_of_mass: tuple[float, float]
    shift: tuple[float, float]
    image: np.ndarray

    def to_dict(self, decimals: int = 4) -> dict:
        """The steps as JSON-able values; arrays become nested lists rounded to `decimals`.

        `ink` is area-averaged down so that its longer side is at most PREVIEW pixels (never
        enlarged); `ink_size` is its true (height, width) and `ink_scale` the factor applied, so
        `bbox` times `ink_scale` draws the box on the smaller `ink`.
        """
        height, width = self.ink.shape
        factor = min(1.0, PREVIEW / max(height, width))
        ink = resample.shrink(self.ink, PREVIEW)

        def rounded(array: np.ndarray) -> list:
            return np.round(array.astype(np.float64), decimals).tolist()

        return {
            "ink": rounded(ink),
            "ink_size": [height, width],
            "ink_scale": factor,
            "inverted": self.inverted,
            "bbox": list(self.bbox),
            "strokes": {
                "width": self.strokes.width,
                "size": self.strokes.size,
                "relative": self.strokes.relative,
                "thinned": self.strokes.thinned,
                "relative_after": self.strokes.relative_after,
                "limit": MAX_RELATIVE,
                "mnist": MNIST_RELATIVE,
                "image": rounded(resample.shrink(self.strokes.image, STROKES_PREVIEW)),
            },
            "scaled": rounded(self.scaled),
            "center_of_mass": list(self.center_of_mass),
            "shift": list(self.shift),
            "image": rounded(self.image),
        }


def preprocess_drawing(
    data: bytes | str, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> DrawingSteps:
    """Turn a drawing into the 28×28 MNIST-style image, keeping every step.

    Parameters
    ----------
    data : bytes of a PNG, JPEG or WebP image, any mode (RGBA with a transparent background,
        black on white, white on black, grayscale, palette, LA, 16-bit, CMYK); a str is read as a
        data URL or base64 by `decode_image_payload`.
    max_bytes : the largest encoded size accepted.
    max_pixels : the largest width × height accepted, checked from the header before decoding.

    Returns
    -------
    DrawingSteps, whose `image` is a (28, 28) float32 array in [0, 1], ink = 1.0.

    Raises
    ------
    ImageError
        When the drawing is empty or one colour, or the image is unreadable, unsupported, or too
        large in bytes or pixels.
    """
    if isinstance(data, str):
        data = decode_image_payload(data, max_bytes=max_bytes)
    ink, inverted = _ink(open_image(bytes(data), max_bytes, max_pixels))
    bbox = _bbox(ink)
    x0, y0, x1, y1 = bbox
    strokes = normalise_strokes(ink[y0:y1, x0:x1])
    crop, scale, (pad_y, pad_x) = _fit(strokes.image)
    scaled = _normalized(resample.resample(crop, BOX, BOX, scale, scale, pad_y, pad_x))
    margin = (SIZE - BOX) / 2
    cy, cx = _center_of_mass(scaled)
    (dy, dx), rows, cols = _centring(crop, scale, (pad_y, pad_x))
    # The final image is rendered from the crop at its shifted place, not by moving `scaled`:
    # one resampling, so the shift adds no blur.
    image = quantize(_normalized((rows @ crop) @ cols.T))
    return DrawingSteps(
        ink=ink,
        inverted=inverted,
        bbox=bbox,
        strokes=strokes,
        scaled=scaled,
        center_of_mass=(margin + cy, margin + cx),
        shift=(dy, dx),
        image=image,
    )


def _ink(image: Image.Image) -> tuple[np.ndarray, bool]:
    """The ink channel, float32 (H, W) in [0, 1] with its peak at 1, and whether it was inverted.

    Every live prediction runs this on a full canvas, so it makes few passes over the pixels:
    the extremes are found once, and the polarity and peak follow from them where they can
    (float32 subtraction is monotonic, so the largest deviation is the extreme's deviation).
    """
    try:
        channel = _alpha(image)
        transparent = channel is not None
        if channel is None:
            channel = _luminance(image)
    except ImageError:
        raise
    except (ValueError, OSError) as error:  # a conversion Pillow does not offer
        raise ImageError(f"the image's mode {image.mode} cannot be read ({error})") from None
    low, high = channel.min(), channel.max()
    if transparent and high < MIN_CONTRAST:
        raise ImageError(f"{EMPTY} (the image is fully transparent)")
    if float(high) - float(low) < 1e-6:
        raise ImageError(f"{EMPTY} (the image is all one colour)")
    border = np.concatenate([channel[0], channel[-1], channel[1:-1, 0], channel[1:-1, -1]])
    background = np.median(border)
    inverted = _ink_is_darker(channel, background, low, high)
    ink = channel  # in place from here: a 4096×4096 drawing is 64 MB per float copy
    if inverted:
        np.subtract(background, ink, out=ink)
        peak, below = background - low, high > background
    else:
        if background:
            ink -= background
        peak, below = high - background, low < background
    if below:
        np.maximum(ink, 0.0, out=ink)
    if peak < MIN_CONTRAST:
        raise ImageError(f"{EMPTY} (nothing stands out from the background)")
    ink *= 1.0 / float(peak)
    return ink, inverted


def _ink_is_darker(
    channel: np.ndarray, background: np.floating, low: np.floating, high: np.floating
) -> bool:
    """Whether the ink is darker than the background: the side of it that holds more contrast
    beyond the noise (MIN_CONTRAST). When only one side has such pixels it is that side;
    otherwise the deviations are summed, over at most about a million pixels."""
    lighter_exists = high - background >= MIN_CONTRAST
    darker_exists = background - low >= MIN_CONTRAST
    if not (lighter_exists and darker_exists):
        return bool(darker_exists)
    step = max(1, int(np.ceil(np.sqrt(channel.size / 1e6))))
    # Masked sums, not boolean indexing, which would copy the selection.
    deviation = channel[::step, ::step] - background
    lighter = float(deviation.sum(where=deviation >= MIN_CONTRAST, dtype=np.float64))
    darker = -float(deviation.sum(where=deviation <= -MIN_CONTRAST, dtype=np.float64))
    return darker > lighter


def _alpha(image: Image.Image) -> np.ndarray | None:
    """The alpha channel as float32 (H, W) if it carries the drawing, else None.

    It does when the image has an alpha channel (RGBA, LA, PA: a canvas's strokes on transparent
    pixels) or a palette with one alpha per entry (a PNG8 from pngquant), and is not opaque
    everywhere. Fully transparent images count too (they are empty drawings). A single
    transparent colour (GIF-style) is not an alpha channel: see `_luminance`.
    """
    bands = image.getbands()
    if bands[-1] in ("A", "a"):  # RGBA, LA, PA and their premultiplied forms
        alpha = image.getchannel(len(bands) - 1)
    elif image.mode == "P" and isinstance(image.info.get("transparency"), bytes):
        alpha = image.convert("RGBA").getchannel("A")
    else:
        return None
    alpha = np.asarray(alpha)
    if _float(alpha.min(), 255) >= 1.0 - MIN_CONTRAST:  # (the minimum of bytes is cheaper)
        return None  # opaque everywhere: the colours carry the drawing
    return _float(alpha, 255)


def _luminance(image: Image.Image) -> np.ndarray:
    """Luminance (ITU-R 601-2, Pillow's "L") as float32 (H, W) in [0, 1], 16-bit kept exact.

    A palette image with one transparent index is composited over white when its visible
    pixels are dark, over black when they are light, so the transparent part is background
    whatever colour its palette entry has. Other single transparent colours (tRNS in L, RGB,
    16-bit) are the background's own colour already and are left as they are.
    """
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):  # 16-bit PNG
        return _float(np.asarray(image), 65535)
    if image.mode == "P" and "transparency" in image.info:
        rgba = image.convert("RGBA")
        alpha = _float(np.asarray(rgba.getchannel("A")), 255)
        gray = _float(np.asarray(rgba.convert("L")), 255)
        visible = float(alpha.sum())
        behind = 1.0 if visible and float((alpha * gray).sum()) / visible < 0.5 else 0.0
        return alpha * gray + (1.0 - alpha) * behind
    if image.mode not in ("L", "RGB", "1", "P"):
        image = image.convert("RGB")  # CMYK, YCbCr, ... and alpha modes that are opaque
    return _float(np.asarray(image.convert("L")), 255)


def _float(values: np.ndarray, full: int) -> np.ndarray:
    """Integer pixel values as float32 in [0, 1] (`full` is white), in one pass."""
    return np.multiply(values, np.float32(1.0 / full), dtype=np.float32)


def _bbox(ink: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the pixels with ink >= INK_THRESHOLD, ends exclusive."""
    strong = ink >= INK_THRESHOLD
    rows = np.flatnonzero(strong.any(axis=1))
    cols = np.flatnonzero(strong.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _fit(crop: np.ndarray) -> tuple[np.ndarray, float, Pair]:
    """The crop, the one factor that makes its longer side 20, and the padding (top, left)
    that centres it in the 20×20 box."""
    height, width = crop.shape
    scale = BOX / max(height, width)
    return crop, scale, ((BOX - scale * height) / 2, (BOX - scale * width) / 2)


def _center_of_mass(image: np.ndarray) -> Pair:
    """Intensity-weighted (y, x) of a 2-D image, in pixel indices."""
    mass = float(image.sum(dtype=np.float64))
    rows = image.sum(axis=1, dtype=np.float64) @ np.arange(image.shape[0])
    cols = image.sum(axis=0, dtype=np.float64) @ np.arange(image.shape[1])
    return float(rows) / mass, float(cols) / mass


def _centring(crop: np.ndarray, scale: float, padding: Pair) -> tuple[Pair, np.ndarray, np.ndarray]:
    """((dy, dx), rows, cols): the move from the middle of the frame that puts the rendered
    digit's centre of mass on (14, 14), limited so that the digit's box stays inside the 28×28
    frame, and the resampling weights that render the crop there (`rows @ crop @ cols.T`).

    Each axis is one small 1-D problem: the rendered image's row sums are the crop's row sums
    resampled (area weights give every source column the same total weight), so the offset is
    found by a fixed-point iteration on a profile, without rendering the image. It starts where
    the profile's continuous centroid lands on 14.5, the centre of pixel 14's area [14, 15),
    which is usually within 1e-4 already.
    """
    margin = (SIZE - BOX) / 2
    shift, matrices = [], []
    for axis, pad in ((0, padding[0]), (1, padding[1])):
        profile = crop.sum(axis=1 - axis, dtype=np.float64)
        start = margin + pad
        lowest, highest = -start, SIZE - start - scale * profile.size
        centroid = float(profile @ (np.arange(profile.size) + 0.5)) / float(profile.sum())
        offset = min(max(CENTER + 0.5 - start - scale * centroid, lowest), highest)
        for _ in range(CENTRING_STEPS):
            matrix = resample.weights(SIZE, profile.size, scale, start + offset)
            rendered = matrix @ profile
            error = CENTER - float(rendered @ np.arange(SIZE)) / float(rendered.sum())
            moved = min(max(offset + error, lowest), highest)
            if abs(error) < 1e-4 or moved == offset:
                break
            offset = moved
        else:
            matrix = resample.weights(SIZE, profile.size, scale, start + offset)
        shift.append(offset)
        matrices.append(matrix)
    return (shift[0], shift[1]), matrices[0], matrices[1]


def _normalized(image: np.ndarray) -> np.ndarray:
    """float32 with its peak scaled to exactly 1 (MNIST's digits all peak at 255)."""
    return np.clip(image / image.max(), 0.0, 1.0).astype(np.float32)
