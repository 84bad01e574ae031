"""Stroke width: a drawing's strokes brought toward MNIST's before the digit is scaled to 20×20.

Why: the brush does not shrink with the digit. A 7 about 60 px tall drawn with a 30 px brush has
strokes a third of its size; scaled to MNIST's 20-pixel box they are 7 px wide and the 7 is a
blob that LeNet-5 reads as an 8. MNIST's strokes are 2-3 px in that box.

How wide: `stroke_width` counts the ink's area A (pixels >= 0.5) and its perimeter P (Crofton's
formula over eight directions, so a slanted edge counts its true length, not its staircase) and
solves A and P for a stroke with round ends (a stadium of length L and width w: A = L·w + π·w²/4,
P = 2·L + π·w), which gives w = (P - sqrt(P² - 4·π·A)) / π. On Pillow-drawn strokes of known
width it is within ~7% (tests/data/test_strokes.py); a ring (a 0) comes out right too.

Relative to the digit: the width over the longer side of the ink's box, the side that becomes 20
pixels. Measured the same way on the 10,000 MNIST test digits (each enlarged 8× first), that
ratio has a median of 0.13 and a 95th percentile of 0.21 (per class, medians 0.12-0.14). A
drawing whose ratio is at most MAX_RELATIVE (0.20; 6% of MNIST's digits are thicker) is left
exactly as it is. A thicker one is eroded until its ratio is MAX_RELATIVE: continuous in the
brush (one more pixel of brush never makes the input jump), and still the width of a bold MNIST
digit. It is never thickened: a thin stroke is what the scaling to 20×20 expects.

Thinning is a grey-level erosion (a minimum filter over an octagon of radius r), which keeps the
anti-aliased edges soft; r follows from the measured width w and the box's longer side s, as
erosion narrows the strokes and the box alike by 2·r: (w - 2·r) / (s - 2·r) = MAX_RELATIVE.
One width is measured for the whole drawing, so a stroke added with a brush under half the
others' would vanish in the erosion; with one brush none does (r is at most 0.35·w, so a dot, as
wide as it is long, shrinks instead of vanishing).
(Keeping thin parts as an opening's residue was tried: an octagon is not a disk, so the round
ends' rims came back as arcs.) A digit whose holes the brush filled stays without holes, but
LeNet-5 reads the eroded blob far better than the blob (tests/data/test_strokes.py). The erosion
runs on the crop area-averaged down so its longer side is at most WORK pixels (4× the 20-pixel
box: one pixel of radius is a quarter of a pixel in the end), which bounds its cost whatever the
canvas size.
"""

import math
from dataclasses import dataclass

import numpy as np

from cnnviz.data.resample import shrink

#: The largest stroke width, relative to the longer side of the digit's box, left untouched.
MAX_RELATIVE = 0.20
#: MNIST's median of the same ratio, shown to the user beside the drawing's.
MNIST_RELATIVE = 0.13
#: The share of its width that thinning always leaves a stroke (a dot, whose width is its size).
KEEP = 0.3
#: Thinning works on the crop shrunk so that its longer side is at most this many pixels.
WORK = 80
#: Ink at or above this counts for the area and the perimeter (anti-aliased edges are halves).
SOLID = 0.5
#: Crofton's formula, P = 1/2 · Σ (angle each direction stands for) · (edge crossings along its
#: lines) · (the lines' spacing), over the 8 directions between neighbours and knight's moves:
#: (dy, dx) and the angle in radians halfway to the directions beside it. Within ~2% of the true
#: length of a straight edge at any angle (4 directions are off by up to 5%).
CROFTON_DIRECTIONS = [
    ((dy, dx), math.radians(degrees))
    for (dy, dx), degrees in [
        ((0, 1), 26.565),
        ((1, 2), 22.5),
        ((1, 1), 18.435),
        ((2, 1), 22.5),
        ((1, 0), 26.565),
        ((2, -1), 22.5),
        ((1, -1), 18.435),
        ((1, -2), 22.5),
    ]
]
#: What counts for the box of the thinned ink (the drawing's own box uses the same threshold).
BOX_THRESHOLD = 0.2


@dataclass
class StrokeStep:
    """The stroke-width step: what was measured and what the scaling goes on with.

    Attributes
    ----------
    width : float
        The strokes' width in the drawing's pixels, as measured.
    size : int
        The longer side of the ink's box, in the same pixels.
    relative : float
        width / size: the width the strokes will have in the 20-pixel box, over 20.
    thinned : bool
        Whether the strokes were thinned (relative > MAX_RELATIVE).
    relative_after : float
        The ratio of the result, measured again (equal to `relative` when not thinned).
    image : ndarray, shape (h, w), float32 in [0, 1]
        The ink to scale to 20×20: the crop itself when not thinned, else the thinned crop at
        the working resolution, cut to its own box.
    """

    width: float
    size: int
    relative: float
    thinned: bool
    relative_after: float
    image: np.ndarray


def stroke_width(ink: np.ndarray) -> float:
    """The width of the strokes in `ink` (H, W), in pixels (0 for an empty image).

    See the module docstring: area and Crofton perimeter of the pixels >= SOLID, solved for a
    stroke with round ends.
    """
    solid = np.pad(ink >= SOLID, 2)
    area = int(np.count_nonzero(solid))
    if area == 0:
        return 0.0
    perimeter = 0.0
    height, width = solid.shape
    for (dy, dx), angle in CROFTON_DIRECTIONS:
        # pixel pairs (p, p + (dy, dx)) on either side of an edge; dy >= 0 in every direction
        left, right = (0, width - dx), (dx, width)
        if dx < 0:
            left, right = (-dx, width), (0, width + dx)
        changes = solid[: height - dy, left[0] : left[1]] != solid[dy:, right[0] : right[1]]
        perimeter += angle * np.count_nonzero(changes) / math.hypot(dy, dx)
    perimeter /= 2
    return (perimeter - math.sqrt(max(perimeter**2 - 4 * math.pi * area, 0.0))) / math.pi


def normalise_strokes(crop: np.ndarray) -> StrokeStep:
    """Measure the strokes of `crop` (the ink cut to its box) and thin them when they are
    thicker than MAX_RELATIVE of the box's longer side. A normal drawing's crop is returned as
    it is (the same array)."""
    width = stroke_width(crop)
    size = max(crop.shape)
    relative = width / size
    if relative <= MAX_RELATIVE:
        return StrokeStep(width, size, relative, False, relative, crop)
    work = shrink(crop, WORK)
    factor = max(work.shape) / size
    to_limit = (width - MAX_RELATIVE * size) / (2 * (1 - MAX_RELATIVE))
    # A dot or a dab (its width near its size) would be eroded away: it keeps KEEP of its width.
    radius = round(factor * min(to_limit, width * (1 - KEEP) / 2))
    thinned = _thin(work, radius) if radius > 0 else work
    if not (thinned >= BOX_THRESHOLD).any():  # an anti-aliased sliver, rounded away
        thinned = work
    thinned = _cut_to_ink(thinned)
    after = stroke_width(thinned) / max(thinned.shape)
    return StrokeStep(width, size, relative, True, after, thinned)


def _thin(image: np.ndarray, radius: int) -> np.ndarray:
    """`image` eroded by an octagon of `radius`: 3×3 minimum filters, squares and crosses in
    turn (outside the image is background)."""
    for step in range(radius):
        image = _filter3(image, np.minimum, square=step % 2 == 0)
    return image


def _filter3(image: np.ndarray, op: np.ufunc, square: bool) -> np.ndarray:
    """`op` (minimum or maximum) over each pixel's 3×3 square or 3×3 cross; outside is 0.
    Alternating the two grows an octagon, the closest a few passes get to a disk."""
    p = np.pad(image, 1)
    if square:
        rows = op(op(p[:-2], p[1:-1]), p[2:])
        return op(op(rows[:, :-2], rows[:, 1:-1]), rows[:, 2:])
    vertical = op(p[:-2, 1:-1], p[2:, 1:-1])
    return op(op(vertical, image), op(p[1:-1, :-2], p[1:-1, 2:]))


def _cut_to_ink(image: np.ndarray) -> np.ndarray:
    """`image` cut to the box of its pixels >= BOX_THRESHOLD."""
    strong = image >= BOX_THRESHOLD
    rows = np.flatnonzero(strong.any(axis=1))
    cols = np.flatnonzero(strong.any(axis=0))
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
