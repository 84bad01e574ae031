"""The geometry every route reports the same way: a layer's window and a box of pixels."""

from pydantic import BaseModel, Field


class Geometry(BaseModel):
    """A window with every number resolved: what the engine slides, padding modes ("same",
    "full", ...) already turned into pixels on each side."""

    kernel: list[int] = Field(description="[KH, KW]", examples=[[5, 5]])
    stride: list[int] = Field(description="[rows, cols]", examples=[[1, 1]])
    padding: list[int] = Field(
        description="[top, bottom, left, right]; 'same' with an even kernel pads one more after",
        examples=[[2, 2, 2, 2]],
    )
    dilation: list[int] = Field(description="[rows, cols]", examples=[[1, 1]])


class Box(BaseModel):
    """Inclusive pixel box in the input image (28×28 coordinates)."""

    top: int
    left: int
    bottom: int
    right: int
    height: int
    width: int


class AxisField(BaseModel):
    """Along one axis, output cell i reads positions `start + i·jump` to
    `start + i·jump + size − 1` of the map (clip them to it; a negative start is padding)."""

    size: int = Field(description="positions one cell reads", examples=[5])
    jump: int = Field(description="how far the next cell's positions move", examples=[1])
    start: int = Field(description="cell 0's first position (negative: padding)", examples=[-2])


class ReceptiveField(BaseModel):
    """A layer's cells in one earlier map: the span of every window in between, composed
    (padding included), to be clipped to that map. Near a border, a cell whose windows reach
    into an intermediate layer's padding reads a little less than its span."""

    layer: str = Field(description='the earlier layer\'s name, or "input" for the image')
    rows: AxisField
    cols: AxisField
