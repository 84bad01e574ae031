"""Bodies of `POST /api/models/{id}/predict` and `POST /api/models/{id}/trace`.

Arrays in a trace are `EncodedArray`s: `{"shape": [...], "dtype": "float32" | "int32", "data":
base64 of the little-endian bytes in C order}`. In the browser:
`new Float32Array(Uint8Array.from(atob(data), c => c.charCodeAt(0)).buffer)`, then index it with
`shape`; in Python, `cnnviz.api.encoding.decode_array`. Shapes keep the batch axis (N = 1).
"""

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from cnnviz.api.encoding import EncodedArray
from cnnviz.api.inputs import ClassIndex, DigitInput
from cnnviz.data import digitcode

#: A 40×40 transparent PNG of a "7" drawn in black, as `canvas.toDataURL()` sends it.
EXAMPLE_IMAGE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACgAAAAoCAYAAACM/rhtAAAA9UlEQVR42u2X0QnCMBiE"
    "z+IA2cCM0BHiBh2hI3SEbmBGqBOoE3SEukFH0A30JcJRUIpN4FpyEOhDmnz8P8ldgKyNazdjjgHQALgDeEbc2wG4hnUX"
    "aQDwSjQeAOyvzYsZgDZhB00YX7WfscgRwCkiVElQ5xgtjl0xbrFVO5QtwXVqcCYcig+gUwNsCK5XvHNHAqzU4GqCGxWr"
    "x5d9rQbn1KvXE2CrBldOfNeoAXYE6NXgrLqt+TXZmnQokLQ16VDAtjaohwI5W6vWZGvSoUDS1i7KoWBqa9KhQNLW8lt3"
    "s29dnzoUFAv/P9D3TdE5TLj/PLKy/tMbqlh6AxXt7UkAAAAASUVORK5CYII="
)
#: A vertical bar: a "1" as 28×28 pixels.
EXAMPLE_PIXELS = [
    [1.0 if 12 <= col <= 15 and 4 <= row <= 23 else 0.0 for col in range(28)] for row in range(28)
]
#: The same "1" as the code an answer gives for it.
EXAMPLE_CODE = digitcode.encode(np.array(EXAMPLE_PIXELS))
#: What a `code` field is, said once for every answer that has one.
CODE_DESCRIPTION = (
    "`input` as 784 bytes in base64url after 'v1.': send it back as {\"code\": ...} (a link "
    "carries it) to give any route exactly this input"
)


class PredictRequest(DigitInput):
    """A drawing (`image`), 28×28 `pixels` or an input `code`: exactly one of them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"image": EXAMPLE_IMAGE},
                {"pixels": EXAMPLE_PIXELS},
                {"code": EXAMPLE_CODE},
            ]
        }
    )


class TraceRequest(DigitInput):
    """The digit, and optionally the class whose logit the backward pass starts from."""

    target: ClassIndex | None = Field(
        None,
        description="class index for the backward pass (0 .. classes - 1); "
        "default: the predicted one",
        examples=[7],
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"image": EXAMPLE_IMAGE}, {"image": EXAMPLE_IMAGE, "target": 1}]
        }
    )


class PredictResponse(BaseModel):
    label: str = Field(description="the predicted class's name")
    index: int = Field(description="the predicted class's index")
    probabilities: list[float] = Field(description="one per class, in class order; they sum to 1")
    classes: list[str] = Field(description="the class names, in index order")
    input: list[list[float]] = Field(
        description="the 28×28 image the network saw (ink = 1): 8-bit levels k / 255, rounded "
        "to 4 decimals"
    )
    code: str = Field(description=CODE_DESCRIPTION)
    preprocessing: dict | None = Field(
        description="each step from the drawing to `input` (see cnnviz.data.drawing."
        "DrawingSteps.to_dict); null for `pixels` input"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "label": "7",
                    "index": 7,
                    "probabilities": [0.0] * 7 + [0.9999, 0.0001, 0.0],
                    "classes": [str(i) for i in range(10)],
                    "input": [[0.0] * 28] * 28,
                    "code": digitcode.encode(np.zeros((28, 28))),
                    "preprocessing": None,
                }
            ]
        }
    )


class LayerTraceOut(BaseModel):
    name: str = Field(examples=["conv1"])
    type: str = Field(examples=["Conv2D"])
    input_shape: list[int] = Field(description="with the batch axis", examples=[[1, 1, 28, 28]])
    output_shape: list[int] = Field(description="with the batch axis", examples=[[1, 6, 28, 28]])
    output: EncodedArray = Field(description="the layer's output (feature maps), float32")
    gradient: EncodedArray = Field(
        description="d logit[target] / d output, float32, the shape of `output`"
    )
    pre_activation: EncodedArray | None = Field(
        None, description="activation layers only: their input, float32"
    )
    indices: EncodedArray | None = Field(
        None,
        description="max-pool layers only: int32 flat offsets (row * W + col) of each window's "
        "winner in its input plane, torch's return_indices convention",
    )
    weight: EncodedArray | None = Field(
        None,
        description="Conv2D layers (out, in, kh, kw), and Dense layers (out, in) with at most "
        "1,024 weights; otherwise null",
    )
    bias: EncodedArray | None = Field(None, description="with `weight`, when the layer has one")


class TraceResponse(BaseModel):
    """Everything one image does in the network, and one backward pass from logit `target`.

    A LeNet-5 trace is about 230 KB. Each array is `{"shape", "dtype", "data"}`: base64 of
    little-endian float32 (or int32) bytes in C order.
    """

    model: str = Field(description="the model id", examples=["lenet5-mnist"])
    classes: list[str]
    label: str = Field(description="the predicted class's name")
    index: int = Field(description="the predicted class's index")
    target: int = Field(description="the class whose logit the gradients are of")
    target_label: str
    logits: list[float]
    probabilities: list[float] = Field(description="softmax of `logits`; they sum to 1")
    input: EncodedArray = Field(
        description="the network's input, (1, 1, 28, 28), ink = 1, 8-bit levels k / 255"
    )
    code: str = Field(description=CODE_DESCRIPTION)
    saliency: EncodedArray = Field(
        description="d logit[target] / d input, (1, 1, 28, 28): the saliency map"
    )
    layers: list[LayerTraceOut] = Field(description="one record per layer, in order")
