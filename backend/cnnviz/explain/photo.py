"""Image kernels on a whole photo, knowing nothing of HTTP: the photo read (sizes checked before a
pixel is decoded), shrunk to at most MAX_SIDE pixels a side, made grey or kept in its three
colour channels, and one kernel slid over every channel at full resolution.

The playground slides kernels over a 28×28 digit, where every number can be followed by hand; a
photo shows what the same 3×3 numbers do to a picture a student recognises (a Sobel kernel finds
the edges of their own desk). The maths is the playground's cross-correlation (a conv layer's
"convolution": the kernel as written, not flipped), with two choices that suit pictures:

- the output has the photo's size ("same"), and the border is extended by repeating the edge
  pixels (torch's `padding_mode="replicate"`), so a blur does not darken the frame as zeros would;
  an even-sized kernel gets its extra row or column of padding at the bottom or right, as torch's
  padding "same" does;
- values stay 0…255 floats while computing; the picture shown is the result rounded and clipped
  to 0…255 (what image editors do), and `value_range` tells what the clipping cut (a Sobel kernel
  answers from −1020 to 1020: everything below 0 is shown black).

Why not the engine's convolution: its im2col copy of a 1024×1024×3 photo under a 7×7 kernel
would be 49 copies of the photo (600 MB). Here each kernel tap is one multiply-add of a shifted
view, done in strips of rows small enough to stay in the CPU cache: 1024×1024×3 under 7×7 costs
about 0.1 s. The test compares it with torch's `F.conv2d` (one group per channel).
"""

import contextlib
import io
from dataclasses import dataclass

import numpy as np
from PIL import ExifTags, Image

from cnnviz.data.imagefile import MAX_BYTES, MAX_PIXELS, open_image

from .kernels import named_kernel

#: Photos larger than this on either side are shrunk (aspect kept) before filtering: it bounds
#: the work of a request and the size of its answer.
MAX_SIDE = 1024
MAX_KERNEL_SIDE = 7
#: Kernel values beyond this are refused: 255 × 49 × 10^6 still fits float32 with room to spare.
MAX_KERNEL_VALUE = 1e6
MODES = ("grey", "rgb")
#: Rows filtered at a time: three channels of 32 rows of 1024 float32 values stay in the cache.
STRIP_ROWS = 32


@dataclass
class FilteredPhoto:
    """A photo through one kernel.

    Attributes
    ----------
    source_size : (width, height)
        The photo as sent (after its EXIF orientation).
    image : ndarray, shape (C, H, W), float32 in [0, 255]
        What the kernel slid over: the photo shrunk to at most MAX_SIDE a side, one grey
        channel (C = 1) or red, green and blue (C = 3).
    kernel : ndarray, shape (KH, KW), float64
    output : ndarray, shape (C, H, W), float32
        The kernel's answer at every pixel, before rounding and clipping.
    """

    source_size: tuple[int, int]
    image: np.ndarray
    kernel: np.ndarray
    output: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the image filtered, and of the result."""
        return self.image.shape[2], self.image.shape[1]

    @property
    def mode(self) -> str:
        return "grey" if self.image.shape[0] == 1 else "rgb"

    def shown(self) -> np.ndarray:
        """The result as a picture: (H, W) or (H, W, 3) uint8, rounded and clipped to 0…255."""
        pixels = np.clip(np.rint(self.output), 0, 255).astype(np.uint8)
        return pixels[0] if self.mode == "grey" else pixels.transpose(1, 2, 0)

    def png(self) -> bytes:
        """`shown()` as PNG bytes (fastest compression: the answer is for a screen, now)."""
        buffer = io.BytesIO()
        Image.fromarray(self.shown()).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def stats(self) -> dict:
        """What the clipping to 0…255 cut: the output's range and the share of values outside."""
        low, high = float(self.output.min()), float(self.output.max())
        outside = np.count_nonzero((self.output < -0.5) | (self.output >= 255.5))
        return {"value_range": [low, high], "clipped": outside / self.output.size}


def parse_kernel(text: str) -> np.ndarray:
    """Kernel values written as rows separated by ";" and values by "," ("1,0,-1;2,0,-2;1,0,-1"),
    as a (KH, KW) float64 array; ValueError saying what to fix otherwise."""
    rows = [row.split(",") for row in text.strip().split(";")]
    if len(rows) > MAX_KERNEL_SIDE or any(len(row) > MAX_KERNEL_SIDE for row in rows):
        raise ValueError(
            f"the kernel is at most {MAX_KERNEL_SIDE}×{MAX_KERNEL_SIDE}: write up to "
            f"{MAX_KERNEL_SIDE} rows of up to {MAX_KERNEL_SIDE} values"
        )
    if len({len(row) for row in rows}) != 1:
        raise ValueError("every row of the kernel needs as many values: the rows differ in length")
    try:
        kernel = np.array([[float(value) for value in row] for row in rows], np.float64)
    except ValueError:
        raise ValueError(
            "kernel values are numbers, rows separated by ';' and values by ',' "
            "(e.g. '1,0,-1;2,0,-2;1,0,-1')"
        ) from None
    if not np.all(np.isfinite(kernel)) or np.abs(kernel).max() > MAX_KERNEL_VALUE:
        raise ValueError(f"kernel values must be finite numbers within ±{MAX_KERNEL_VALUE:g}")
    return kernel


def choose_kernel(name: str | None, values: str | None) -> np.ndarray:
    """The kernel a request names (`name`, one of explain.kernels) or writes out (`values`, see
    `parse_kernel`): exactly one of the two."""
    if (name is None) == (values is None):
        raise ValueError(
            "give exactly one of 'kernel' (a named kernel, e.g. sobel_x) or 'values' "
            "(your own numbers, e.g. '1,0,-1;2,0,-2;1,0,-1')"
        )
    return named_kernel(name) if name is not None else parse_kernel(values)


def _size_as_sent(data: bytes) -> tuple[int, int]:
    """(width, height) of a photo that has been read: its header's, swapped when its EXIF says it
    was taken sideways (it is shown, and filtered, turned upright). The decoded image cannot
    tell: a JPEG may have been decoded at a smaller scale."""
    with Image.open(io.BytesIO(data)) as header:
        width, height = header.size
        turned = False
        with contextlib.suppress(Exception):  # a broken EXIF block: the photo is read unturned
            turned = header.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8)
    return (height, width) if turned else (width, height)


def read_photo(
    data: bytes, mode: str, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> tuple[tuple[int, int], np.ndarray]:
    """((width, height) as sent, the (C, H, W) float32 image a kernel slides over).

    The photo is decoded (PNG, JPEG or WebP; an `ImageError` says what is wrong; a large JPEG at
    a reduced scale still over MAX_SIDE), turned upright, laid on white where it is transparent,
    shrunk so that neither side exceeds MAX_SIDE, then made grey (ITU-R 601 luma, Pillow's "L")
    or kept as red, green and blue.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    photo = open_image(data, max_bytes, max_pixels, at_least=(MAX_SIDE, MAX_SIDE))
    source_size = _size_as_sent(data)
    if photo.mode in ("RGBA", "LA", "PA", "P") or "transparency" in photo.info:
        rgba = photo.convert("RGBA")
        photo = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    photo = photo.convert("RGB")
    if max(photo.size) > MAX_SIDE:
        # area averaging, each new pixel the mean of the pixels it covers: no aliasing, and a
        # quarter of Lanczos's time on a 12-megapixel photo
        photo.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BOX, reducing_gap=None)
    if mode == "grey":
        channels = np.asarray(photo.convert("L"), np.float32)[None]
    else:
        channels = np.asarray(photo, np.float32).transpose(2, 0, 1)
    return source_size, np.ascontiguousarray(channels)


def filter_channels(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlate every channel of `image` (C, H, W) with `kernel` (KH, KW), edges
    replicated, output the same size (C, H, W) float32: out[c, y, x] = Σ k[i, j] ·
    padded[c, y + i, x + j], padded by (KH − 1) // 2 rows on top and the rest below (columns
    alike)."""
    kh, kw = kernel.shape
    channels, height, width = image.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = np.pad(
        np.asarray(image, np.float32),
        ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left)),
        mode="edge",
    )
    taps = np.asarray(kernel, np.float32)
    output = np.zeros((channels, height, width), np.float32)
    product = np.empty((channels, STRIP_ROWS, width), np.float32)
    for start in range(0, height, STRIP_ROWS):
        stop = min(height, start + STRIP_ROWS)
        strip, scratch = output[:, start:stop], product[:, : stop - start]
        for i in range(kh):
            for j in range(kw):
                if taps[i, j] == 0:
                    continue
                np.multiply(padded[:, start + i : stop + i, j : j + width], taps[i, j], out=scratch)
                strip += scratch
    return output


def filter_photo(data: bytes, kernel: np.ndarray, mode: str = "grey") -> FilteredPhoto:
    """Read the photo in `data` and slide `kernel` over every channel of it."""
    source_size, image = read_photo(data, mode)
    return FilteredPhoto(source_size, image, kernel, filter_channels(image, kernel))
