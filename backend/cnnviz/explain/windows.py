"""Windows, knowing nothing of HTTP: where a convolution or pooling window lies in a layer's
input, every window of a layer, the most active cell of a map, and receptive fields.

All of it is built on one pure function, `reference.conv_window(xp, row, col, geometry)`, the
slice of padded input that output (row, col) reads: coordinates are that same slice taken from a
grid of coordinates, so the step views, the playground and the page's drawings never disagree
about a window.
"""

import numpy as np

from cnnviz.nn.geometry import ConvGeometry
from cnnviz.nn.receptive import IDENTITY, INPUT, ReceptiveField
from cnnviz.nn.reference import conv_window


def pad_chw(x: np.ndarray, padding: tuple[int, int, int, int], fill: float = 0.0) -> np.ndarray:
    """(C, H, W) -> (C, top + H + bottom, left + W + right), the border filled with `fill`."""
    top, bottom, left, right = padding
    return np.pad(x, ((0, 0), (top, bottom), (left, right)), constant_values=fill)


def window_coords(row: int, col: int, geometry: ConvGeometry, hw: tuple[int, int]):
    """(rows (KH,), cols (KW,), padding_mask (KH, KW)): where the window of output (row, col)
    lies in the unpadded input of size `hw` (negative or >= size inside the padding)."""
    h, w = hw
    top, bottom, left, right = geometry.padding
    grid = np.stack(
        np.meshgrid(np.arange(-top, h + bottom), np.arange(-left, w + right), indexing="ij")
    )  # (2, Hp, Wp): each padded cell's own (row, col) in input coordinates
    coords = conv_window(grid, row, col, geometry)
    rows, cols = coords[0][:, 0], coords[1][0, :]
    mask = ~(
        (rows[:, None] >= 0) & (rows[:, None] < h) & (cols[None, :] >= 0) & (cols[None, :] < w)
    )
    return rows, cols, mask


def layer_windows(geometry: ConvGeometry, hw: tuple[int, int], out_hw: tuple[int, int]) -> dict:
    """Every window of a layer over an input of size `hw`, by axis (a window is the product of
    its rows and its columns): `rows` (OH, KH), the input rows of each output row's windows, and
    `cols` (OW, KW), the input columns of each output column's; outside the input: padding.

    The window function slides over each axis's own coordinates, a (Hp, 1) column of row
    numbers and a (1, Wp) row of column numbers, so a layer's windows cost O(OH + OW) slices."""
    (h, w), (oh, ow) = hw, out_hw
    top, bottom, left, right = geometry.padding
    row_numbers = np.arange(-top, h + bottom)[:, None]
    col_numbers = np.arange(-left, w + right)[None, :]
    rows = [conv_window(row_numbers, r, 0, geometry)[:, 0] for r in range(oh)]
    cols = [conv_window(col_numbers, 0, c, geometry)[0, :] for c in range(ow)]
    return {"rows": np.array(rows), "cols": np.array(cols)}


def most_active(plane: np.ndarray) -> dict:
    """The cell of an (OH, OW) map with the largest |value| (the first in row-major order on a
    tie, as np.argmax): where a view opens when no position is asked for."""
    row, col = np.unravel_index(int(np.argmax(np.abs(plane))), plane.shape)
    return {"row": int(row), "col": int(col), "value": float(plane[row, col])}


def receptive_field(geometries: list[ConvGeometry], row: int, col: int, hw: tuple[int, int]):
    """The box of input-image pixels output (row, col) of the last geometry depends on.

    `geometries` are the windowed layers from the input on (activations change nothing); their
    field in the input is composed as every layer row's is (`cnnviz.nn.receptive`). Returns
    (clipped, unclipped) boxes (top, left, bottom, right), inclusive; the unclipped one reaches
    into the padding.
    """
    field = ReceptiveField(INPUT, IDENTITY, IDENTITY)
    for geometry in geometries:
        field = field.through(geometry)
    top = field.rows.start + row * field.rows.jump
    left = field.cols.start + col * field.cols.jump
    bottom, right = top + field.rows.size - 1, left + field.cols.size - 1
    h, w = hw
    clipped = (max(top, 0), max(left, 0), min(bottom, h - 1), min(right, w - 1))
    return clipped, (top, left, bottom, right)
