"""Resampling by matrices: an image (H, W) becomes `rows @ image @ cols.T`, where each matrix
says how much of every source pixel goes into every output pixel along its axis.

Shared by the drawing's preprocessing (`cnnviz.data.drawing`: the crop scaled into the 20×20 box
and placed in the 28×28 frame, the previews) and the stroke-width step (`cnnviz.data.strokes`:
the crop shrunk to its working size). One resampling, never two in a row, so nothing is blurred
twice.
"""

import functools

import numpy as np


def weights(n_out: int, n_in: int, scale: float, offset: float) -> np.ndarray:
    """Resampling matrix (n_out, n_in) for source coordinate t going to `offset + scale * t`.

    Coordinates are continuous here: pixel k covers [k, k + 1). Shrinking (scale <= 1), the
    weight is the fraction of output pixel o that source pixel i covers (area averaging, exact
    anti-aliasing, no ringing). Enlarging (a tiny canvas), it is linear interpolation between
    pixel centres with zero outside the source.
    """
    o = np.arange(n_out, dtype=np.float64)[:, None]
    i = np.arange(n_in, dtype=np.float64)[None, :]
    if scale <= 1.0:
        overlap = np.minimum(o + 1, offset + scale * (i + 1)) - np.maximum(o, offset + scale * i)
        return np.clip(overlap, 0.0, None).astype(np.float32)
    source = (o + 0.5 - offset) / scale - 0.5
    return np.clip(1.0 - np.abs(source - i), 0.0, None).astype(np.float32)


@functools.lru_cache(maxsize=4)
def shrink_weights(n_out: int, n_in: int) -> np.ndarray:
    """`weights` that shrink n_in pixels to n_out by area averaging, cached (read-only): a live
    drawing sends a canvas of the same size every time."""
    matrix = weights(n_out, n_in, n_out / n_in, 0.0)
    matrix.flags.writeable = False
    return matrix


def shrink(image: np.ndarray, longest: int) -> np.ndarray:
    """`image` (H, W) area-averaged so that its longer side is at most `longest` pixels (never
    enlarged: a smaller image is returned as it is)."""
    height, width = image.shape
    factor = min(1.0, longest / max(height, width))
    if factor == 1.0:
        return image
    out_h, out_w = max(1, round(height * factor)), max(1, round(width * factor))
    return (shrink_weights(out_h, height) @ image) @ shrink_weights(out_w, width).T


def resample(
    array: np.ndarray,
    out_h: int,
    out_w: int,
    scale_y: float,
    scale_x: float,
    offset_y: float,
    offset_x: float,
) -> np.ndarray:
    """`array` (H, W) mapped by y -> offset_y + scale_y * y (same in x) onto (out_h, out_w)."""
    rows = weights(out_h, array.shape[0], scale_y, offset_y)
    cols = weights(out_w, array.shape[1], scale_x, offset_x)
    return (rows @ array.astype(np.float32, copy=False)) @ cols.T
