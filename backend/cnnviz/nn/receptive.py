"""Receptive fields composed from the windows of a stack of layers, as numbers a page can use.

Along one axis, the cells of a map see a regular pattern of an earlier map: cell i reads
positions `start + i·jump` to `start + i·jump + size − 1` of it (before clipping to that map; a
negative `start` reaches into the padding). A window (kernel k, stride s, padding p before,
dilation d) after a field (size, jump, start) gives (size + d·(k − 1)·jump, jump·s, start −
p·jump); activations keep positions; Flatten and Dense see everything, so a field stops there.

Every layer gets its field in the input image and in each earlier map, so whoever draws them
only maps a cell to a rectangle and never composes windows itself.
"""

from dataclasses import dataclass

from .geometry import ConvGeometry

#: The name of the input image among the maps a field can be expressed in.
INPUT = "input"


@dataclass(frozen=True)
class AxisField:
    """Along one axis: cell i reads positions [start + i·jump, start + i·jump + size − 1]."""

    size: int
    jump: int
    start: int

    def through(self, kernel: int, stride: int, before: int, dilation: int) -> "AxisField":
        """This field seen from the output of a window slid over the map it lives on."""
        return AxisField(
            self.size + dilation * (kernel - 1) * self.jump,
            self.jump * stride,
            self.start - before * self.jump,
        )


#: A cell of a map seen from the map itself: one position, moving one position per cell.
IDENTITY = AxisField(1, 1, 0)


@dataclass(frozen=True)
class ReceptiveField:
    """A layer's cells in one earlier map (`layer`: its name, or "input" for the image)."""

    layer: str
    rows: AxisField
    cols: AxisField

    def through(self, window: ConvGeometry) -> "ReceptiveField":
        (kh, kw), (sh, sw), (dh, dw) = window.kernel, window.stride, window.dilation
        top, _, left, _ = window.padding
        return ReceptiveField(
            self.layer, self.rows.through(kh, sh, top, dh), self.cols.through(kw, sw, left, dw)
        )


def compose_fields(
    names: list[str],
    windows: list[ConvGeometry | None],
    spatial: list[bool],
) -> list[tuple[ReceptiveField, ...]]:
    """Each layer's receptive fields, in the input and then in every earlier map, in order.

    `windows[i]` is layer i's window (None for a layer that keeps positions); `spatial[i]` says
    whether its output is a stack of maps (C, H, W). From the first layer whose output is not,
    fields are empty: a Flatten or Dense cell sees everything before it.
    """
    fields = [ReceptiveField(INPUT, IDENTITY, IDENTITY)]
    rows = []
    for name, window, maps in zip(names, windows, spatial, strict=True):
        if not maps:
            fields = []
        elif window is not None:
            fields = [field.through(window) for field in fields]
        rows.append(tuple(fields))
        if fields:
            fields = [*fields, ReceptiveField(name, IDENTITY, IDENTITY)]
    return rows
