"""The digit every model route takes: a drawing (image bytes as a data URL or base64), 28×28
pixel values, or the code of a link's input, validated here so that routes receive a clean
(28, 28) float32 image.

Whatever the form, the network sees 8-bit pixels (`cnnviz.data.digitcode`): a drawing's prepared
image is quantized where it is prepared (so the steps shown, `cnnviz predict` and the API agree),
pixels are quantized here, and a code holds bytes already. So a digit, its code and its pixels
as an answer reports them give every route the same numbers.

The pixel constraints are types, not Python loops: pydantic's core checks the 784 values faster
than a loop on every live prediction, the 422 names the row and column at fault, and the OpenAPI
schema states the exact shape and range for clients and schema-driven tests.
"""

from functools import cached_property
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from cnnviz.data import digitcode
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
        None,
        description=f"{HEIGHT} rows of {WIDTH} values in [0, 1], ink = 1 (MNIST convention); "
        "each is rounded to the nearest k / 255",
    )
    code: str | None = Field(
        None,
        description="the `code` an answer gave for its input (a link carries it): "
        f"{digitcode.VERSION!r} and {digitcode.BODY:,} base64url characters, the 784 bytes",
        min_length=digitcode.LENGTH,
        max_length=digitcode.LENGTH,
        pattern=digitcode.PATTERN,
    )

    @field_validator("code", mode="before")
    @classmethod
    def _readable_code(cls, code: object) -> object:
        """A code that is not one the server writes, refused in words (which part is wrong)
        before the schema's length and pattern messages, which say neither."""
        if isinstance(code, str):
            digitcode.decode(code)
        return code

    @model_validator(mode="after")
    def _one_input(self) -> "DigitInput":
        given = [self.image, self.pixels, self.code]
        if sum(form is not None for form in given) != 1:
            raise ValueError(
                "send exactly one of 'image' (a drawing), 'pixels' (28×28 values) or 'code' "
                "(an input code from an answer or a link)"
            )
        return self

    #: an image sent as the request body's own bytes (`from_image_bytes`), not in JSON
    _body: bytes | None = PrivateAttr(default=None)

    @classmethod
    def from_image_bytes(cls, data: bytes) -> "DigitInput":
        """A drawing or photo sent as the request's raw body (Content-Type image/png, ...):
        no base64 to decode, and a phone photo of several MB fits the body limit."""
        digit = cls.model_construct(image=None, pixels=None, code=None)
        digit._body = data
        return digit

    @cached_property
    def drawing(self) -> bytes | None:
        """The drawing's image bytes (decoded once), None for pixels."""
        if self._body is not None:
            return self._body
        return None if self.image is None else decode_image_payload(self.image)

    def pixel_count(self) -> int:
        """How many pixels preparing this digit reads: a drawing's width × height (from its
        header, nothing decoded), or 28 × 28 (pixels, a code)."""
        if self.drawing is None:
            return HEIGHT * WIDTH
        width, height = image_size(self.drawing)
        return width * height

    def digit(self) -> tuple[np.ndarray, dict | None]:
        """(the (28, 28) float32 image the network sees, 8-bit levels; the preprocessing steps
        of a drawing, or None).

        A drawing that cannot be read raises `ImageError`, a ValueError: the app answers 422.
        """
        if self.code is not None:
            return digitcode.decode(self.code), None
        if self.drawing is None:
            return digitcode.quantize(np.asarray(self.pixels, np.float64)), None
        steps = preprocess_drawing(self.drawing)
        return steps.image, steps.to_dict()
