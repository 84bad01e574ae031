"""The digit every model route takes: a drawing (image bytes as a data URL or base64) or 28×28
pixel values, validated here so that routes receive a clean (28, 28) float32 image.

The pixel constraints are types, not Python loops: pydantic's core checks the 784 values faster
than a loop on every live prediction, the 422 names the row and column at fault, and the OpenAPI
schema states the exact shape and range for clients and schema-driven tests.
"""

from functools import cached_property
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cnnviz.data.drawing import preprocess_drawing
from cnnviz.data.imagefile import decode_image_payload, image_size
from cnnviz.nn.presets import MNIST_SHAPE
from cnnviz.train.config import MAX_CLASSES

_, HEIGHT, WIDTH = MNIST_SHAPE

Pixel = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
PixelRow = Annotated[list[Pixel], Field(min_length=WIDTH, max_length=WIDTH)]
Pixels = Annotated[list[PixelRow], Field(min_length=HEIGHT, max_length=HEIGHT)]


#: A class index: a model has 2 to MAX_CLASSES classes.
ClassIndex = Annotated[int, Field(ge=0, le=MAX_CLASSES - 1)]


class DigitInput(BaseModel):
    # Numbers are numbers: "3" or true where an int is declared is refused, not converted.
    model_config = ConfigDict(strict=True)

    image: str | None = Field(
        None,
        description="a PNG, JPEG or WebP drawing: a data URL (canvas.toDataURL()) or base64",
        examples=["data:image/png;base64,iVBORw0KGgo..."],
    )
    pixels: Pixels | None = Field(
        None, description=f"{HEIGHT} rows of {WIDTH} values in [0, 1], ink = 1 (MNIST convention)"
    )

    @model_validator(mode="after")
    def _one_input(self) -> "DigitInput":
        if (self.image is None) == (self.pixels is None):
            raise ValueError("send exactly one of 'image' (a drawing) or 'pixels' (28×28 values)")
        return self

    @cached_property
    def drawing(self) -> bytes | None:
        """The drawing's image bytes (decoded once), None for pixels."""
        return None if self.image is None else decode_image_payload(self.image)

    def pixel_count(self) -> int:
        """How many pixels preparing this digit reads: a drawing's width × height (from its
        header, nothing decoded), or 28 × 28."""
        if self.drawing is None:
            return HEIGHT * WIDTH
        width, height = image_size(self.drawing)
        return width * height

    def digit(self) -> tuple[np.ndarray, dict | None]:
        """(the (28, 28) float32 image the network sees, the preprocessing steps or None).

        A drawing that cannot be read raises `ImageError`, a ValueError: the app answers 422.
        """
        if self.drawing is None:
            return np.asarray(self.pixels, np.float32), None
        steps = preprocess_drawing(self.drawing)
        return steps.image, steps.to_dict()
