"""The digit every model route takes: a drawing (image bytes as a data URL or base64) or 28×28
pixel values, validated here so that routes receive a clean (28, 28) float32 image."""

import math

import numpy as np
from pydantic import BaseModel, Field, model_validator

from cnnviz.data.drawing import preprocess_drawing

SIDE = 28


class DigitInput(BaseModel):
    image: str | None = Field(
        None,
        description="a PNG, JPEG or WebP drawing: a data URL (canvas.toDataURL()) or base64",
        examples=["data:image/png;base64,iVBORw0KGgo..."],
    )
    pixels: list[list[float]] | None = Field(
        None, description="28 rows of 28 values in [0, 1], ink = 1 (MNIST convention)"
    )

    @model_validator(mode="after")
    def _one_input(self) -> "DigitInput":
        if (self.image is None) == (self.pixels is None):
            raise ValueError("send exactly one of 'image' (a drawing) or 'pixels' (28×28 values)")
        if self.pixels is not None:
            rows = self.pixels
            if len(rows) != SIDE or any(len(row) != SIDE for row in rows):
                shape = f"{len(rows)}×{len(rows[0]) if rows else 0}"
                raise ValueError(f"'pixels' must be 28 rows of 28 values, got {shape}")
            flat = [v for row in rows for v in row]
            if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in flat):
                raise ValueError("'pixels' must be finite numbers between 0 and 1")
        return self

    def digit(self) -> tuple[np.ndarray, dict | None]:
        """(the (28, 28) float32 image the network sees, the preprocessing steps or None).

        A drawing that cannot be read raises `ImageError`, a ValueError: the app answers 422.
        """
        if self.pixels is not None:
            return np.asarray(self.pixels, np.float32), None
        steps = preprocess_drawing(self.image)
        return steps.image, steps.to_dict()
