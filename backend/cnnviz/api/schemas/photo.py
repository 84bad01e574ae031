"""The answer of `POST /api/kernels/photo`: a photo through one kernel, as a PNG and its numbers."""

from typing import Literal

from pydantic import BaseModel, Field


class PhotoKernelResponse(BaseModel):
    source_size: list[int] = Field(description="[width, height] of the photo as sent (upright)")
    size: list[int] = Field(description="[width, height] filtered: the photo shrunk to fit")
    resized: bool = Field(description="whether the photo was shrunk to fit `max_side`")
    max_side: int = Field(description="the longest side a photo is filtered at")
    mode: Literal["grey", "rgb"] = Field(description="one grey channel or red, green and blue")
    kernel: list[list[float]] = Field(description="the kernel slid, as named or given (rows)")
    padding: Literal["replicate"] = Field(
        description="the border is extended by repeating the edge pixels; the output has the "
        "photo's size"
    )
    value_range: list[float] = Field(
        description="[lowest, highest] output value before rounding and clipping to 0…255"
    )
    clipped: float = Field(description="the share of output values outside 0…255, 0 to 1")
    note: str = Field(description="what was done, in a sentence for the page to show")
    png: str = Field(description="the filtered photo, a base64 PNG (grey or RGB, 8-bit)")
