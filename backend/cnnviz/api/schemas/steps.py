"""Schemas of the step-by-step views: one convolution or pooling position spelled out, and the
convolution playground (any kernel on any small image).

Arrays here are small (a LeNet-5 conv2 patch is 6×5×5 = 150 numbers), so they are plain nested
JSON lists in the order [channel][row][col], which a teaching view can show number by number.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cnnviz.api.inputs import ClassIndex, DigitInput
from cnnviz.api.schemas.geometry import Box, Geometry
from cnnviz.api.schemas.inference import EXAMPLE_PIXELS
from cnnviz.explain.kernels import KERNEL_NAMES
from cnnviz.nn.geometry import PaddingMode

KernelName = Literal[KERNEL_NAMES]  # type: ignore[valid-type]

MAX_IMAGE_SIDE = 64
MAX_KERNEL_SIDE = 7
MAX_ABS_VALUE = 1e6
DIGIT = EXAMPLE_PIXELS  # the examples' digit: a "1" that LeNet-5 reads as 1

Finite = Field(allow_inf_nan=False)
Value = Annotated[float, Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)]
Matrix = Annotated[
    list[Annotated[list[Value], Field(min_length=1, max_length=MAX_IMAGE_SIDE)]],
    Field(min_length=1, max_length=MAX_IMAGE_SIDE),
]
KernelMatrix = Annotated[
    list[Annotated[list[Value], Field(min_length=1, max_length=MAX_KERNEL_SIDE)]],
    Field(min_length=1, max_length=MAX_KERNEL_SIDE),
]


def _size(low: int, high: int) -> object:
    """One whole number from `low` to `high`, or a pair [rows, cols] of them."""
    one = Annotated[int, Field(ge=low, le=high)]
    return one | Annotated[list[one], Field(min_length=2, max_length=2)]


Stride = _size(1, 64)
Dilation = _size(1, 8)
PaddingAmount = _size(0, 32)
Tensor3 = list[list[list[float]]]


def _kernel_side_check(kernel):
    """A kernel over 7×7 named in the words of the page ("8 rows", "at most 7") before the
    schema's own list-length message, which names neither."""
    if isinstance(kernel, list):
        cols = max((len(row) for row in kernel if isinstance(row, list)), default=0)
        if len(kernel) > MAX_KERNEL_SIDE or cols > MAX_KERNEL_SIDE:
            raise ValueError(
                f"the kernel is {len(kernel)}×{cols}: a kernel has 1 to {MAX_KERNEL_SIDE} rows "
                f"and 1 to {MAX_KERNEL_SIDE} columns ({MAX_KERNEL_SIDE**2} numbers at most)"
            )
    return kernel


def _check_rectangular(rows: list[list[float]], what: str) -> list[list[float]]:
    """The sizes and values are the schema's; what it cannot say is that rows match."""
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        lengths = sorted({len(row) for row in rows})
        raise ValueError(f"{what} must be rectangular: every row the same length, got {lengths}")
    return rows


# -- requests ----------------------------------------------------------------------------------


class StepPosition(DigitInput):
    layer: str = Field(description="the layer's name, as GET /api/models/{id} lists it")
    channel: int = Field(ge=0, description="the output channel (a conv layer's filter number)")
    row: int | None = Field(
        None, ge=0, description="the output row, from 0; with col omitted too: the most active"
    )
    col: int | None = Field(
        None,
        ge=0,
        description="the output column, from 0; row and col both omitted: the channel's most "
        "active position (largest |output|, the first in row-major order on a tie)",
    )

    @model_validator(mode="after")
    def _both_or_neither(self):
        if (self.row is None) != (self.col is None):
            raise ValueError(
                "give both 'row' and 'col', or neither to start at the most active position"
            )
        return self


class ConvStepRequest(StepPosition):
    direction: Literal["forward", "backward"] = Field(
        "forward", description="'backward' adds this position's contributions to dW, db and dX"
    )
    # allow_inf_nan on the float alone: on the union, pydantic also runs it on "logit" (a 500).
    upstream: Literal["logit"] | Annotated[float, Field(allow_inf_nan=False)] = Field(
        "logit",
        description=(
            "backward only: the gradient arriving at this output. 'logit' (default): the "
            "gradient of one class's logit (target_class, default the predicted class) with "
            "respect to this output, from the model's backward pass; a number: that value"
        ),
    )
    target_class: ClassIndex | None = Field(
        None, description="backward with upstream 'logit': the class (default: the predicted one)"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"layer": "conv2", "channel": 3, "row": 4, "col": 5, "pixels": DIGIT},
                {
                    "layer": "conv1",
                    "channel": 0,
                    "row": 0,
                    "col": 0,
                    "pixels": DIGIT,
                    "direction": "backward",
                    "upstream": 1.0,
                },
            ]
        }
    )


class PoolStepRequest(StepPosition):
    upstream: Literal["logit"] | Annotated[float, Field(allow_inf_nan=False)] = Field(
        1.0,
        description=(
            "the gradient g arriving at this output: a number (default 1), or 'logit': the "
            "gradient of one class's logit (target_class, default the predicted class) with "
            "respect to this output, from the model's backward pass"
        ),
    )
    target_class: ClassIndex | None = Field(
        None, description="with upstream 'logit': the class (default: the predicted one)"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"layer": "pool1", "channel": 0, "row": 7, "col": 7, "pixels": DIGIT},
                {"layer": "pool2", "channel": 3, "pixels": DIGIT, "upstream": "logit"},
            ]
        }
    )


class ConvApplyRequest(BaseModel):
    pixels: Matrix | None = Field(
        None,
        description=f"the image: up to {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} finite numbers (rows)",
    )
    image: str | None = Field(
        None, description="or a drawing (data URL or base64), preprocessed to 28×28 like /predict"
    )
    size: int | None = Field(
        None,
        ge=3,
        le=MAX_IMAGE_SIDE,
        description="resize the image to size×size first (each pixel the mean of the area it "
        "covers), e.g. 8 to follow every number by hand; omitted: the image as it is",
    )
    kernel: KernelName | KernelMatrix = Field(
        description=(
            f"a named kernel ({', '.join(KERNEL_NAMES)}) or 1×1 up to "
            f"{MAX_KERNEL_SIDE}×{MAX_KERNEL_SIDE} finite numbers (rows), square or not"
        )
    )
    stride: Stride = Field(1, description="an int or [rows, cols], 1 to 64")
    padding: PaddingAmount | PaddingMode = Field(
        0, description="an int, [rows, cols] (0 to 32), or 'valid', 'same' (stride 1), 'full'"
    )
    dilation: Dilation = Field(1, description="an int or [rows, cols], 1 to 8")
    flip: bool = Field(
        False, description="true convolution: flip the kernel in both axes before sliding it"
    )

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {"pixels": DIGIT, "kernel": "sobel_x", "padding": "same"},
                {
                    "pixels": DIGIT,
                    "size": 12,
                    "kernel": [[1, 0, -1, 0, 1], [0, 1, 0, -1, 0], [1, 0, 2, 0, 1]],
                    "stride": 2,
                    "padding": 1,
                },
                {
                    "pixels": [[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]],
                    "kernel": [[1, 0], [0, -1]],
                    "stride": 1,
                    "padding": 1,
                    "dilation": 1,
                    "flip": True,
                },
            ]
        },
    )

    @field_validator("pixels")
    @classmethod
    def _pixels(cls, rows):
        return None if rows is None else _check_rectangular(rows, "'pixels'")

    @field_validator("kernel", mode="before")
    @classmethod
    def _kernel_side(cls, kernel):
        return _kernel_side_check(kernel)

    @field_validator("kernel")
    @classmethod
    def _kernel(cls, kernel):
        return kernel if isinstance(kernel, str) else _check_rectangular(kernel, "'kernel'")

    @model_validator(mode="after")
    def _one_input(self):
        if (self.image is None) == (self.pixels is None):
            raise ValueError("send exactly one of 'pixels' (a 2-D list) or 'image' (a drawing)")
        return self


# -- responses ---------------------------------------------------------------------------------


class Activation(BaseModel):
    layer: str
    type: str
    value: float


class Winner(BaseModel):
    index: int = Field(description="flat offset row·W + col in the input plane (torch's indices)")
    row: int
    col: int
    window_row: int
    window_col: int


class MostActive(BaseModel):
    row: int
    col: int
    value: float = Field(description="the output there: the largest |value| of the channel")


class Windows(BaseModel):
    """Every window of a layer, by axis: the window of output (i, j) reads input rows
    `rows[i]` and columns `cols[j]` (values outside the input are padding)."""

    rows: list[list[int]] = Field(description="[OH][KH]: the input rows of each output row")
    cols: list[list[int]] = Field(description="[OW][KW]: the input columns of each output column")


class _Step(BaseModel):
    layer: str
    type: str
    index: int = Field(description="the layer's position in the model")
    geometry: Geometry
    input_shape: list[int] = Field(description="the layer's input [C, H, W]")
    output_shape: list[int] = Field(description="the layer's output [C, OH, OW]")
    channel: int
    row: int = Field(description="the output row answered (the most active one if none asked)")
    col: int = Field(description="the output column answered")
    most_active: MostActive = Field(description="the cell of this channel with largest |output|")
    windows: Windows
    rows: list[int] = Field(description="the window's rows in the layer's input (<0 or >=H: pad)")
    cols: list[int] = Field(description="the window's columns in the layer's input")
    padding_mask: list[list[bool]] = Field(description="[KH][KW]: true where the window is padding")
    traced_output: float = Field(description="the value in the layer's traced output map")
    receptive_field: Box = Field(description="the input-image pixels this output depends on")
    receptive_field_unclipped: Box = Field(description="the same box before clipping to the image")


class ConvBackward(BaseModel):
    upstream: float = Field(description="g, the gradient arriving at this output")
    upstream_source: Literal["logit", "given"]
    target_class: int | None
    dweight: Tensor3 = Field(description="this position's share of dW[channel]: g · patch")
    dbias: float = Field(description="this position's share of db[channel]: g")
    dinput: Tensor3 = Field(
        description="this position's share of dX at (c, rows[u], cols[v]): g · kernel; 0 where "
        "the window lies in padding (that share reaches no pixel)"
    )


class ConvStepResponse(_Step):
    patch: Tensor3 = Field(description="[C][KH][KW] padded input under the kernel; padding is 0")
    kernel: Tensor3 = Field(description="[C][KH][KW] the filter's weights")
    products: Tensor3 = Field(description="patch × kernel, element by element")
    sum: float = Field(description="the sum of the products")
    bias: float
    pre_activation: float = Field(description="sum + bias: the conv layer's output here")
    activation: Activation | None = Field(description="the next layer's value, if an activation")
    predicted_class: int
    backward: ConvBackward | None = None


class PoolStepResponse(_Step):
    window: Matrix = Field(description="[KH][KW] the window's values (padding shown as 0)")
    winner: Winner | None = Field(description="max pooling: the input that won (null for avg)")
    output: float
    upstream: float = Field(description="g, the gradient arriving at this output")
    target_class: int | None = Field(description="upstream 'logit': the class it is of")
    routed: Matrix = Field(
        description="[KH][KW] the share of g each window cell receives: max: g to the winner, 0 "
        "elsewhere; avg: g / (KH·KW) each (padding cells get none)"
    )
    average: list[list[float]] = Field(
        description="[OH][OW] the whole channel average-pooled over the same windows (padded "
        "zeros count, as in torch): what a max pool is compared with"
    )
    winner_ties: list[list[int]] | None = Field(
        description="max pooling, [OH][OW]: how many cells of each window equal its maximum "
        "(1: a clear winner; more: a tie, won by the first in row-major order); null for avg"
    )


class AxisFormula(BaseModel):
    """One axis of ⌊(size + padding − dilation·(kernel − 1) − 1) / stride⌋ + 1."""

    size: int
    kernel: int
    stride: int
    dilation: int
    padding: list[int] = Field(description="[before, after]")
    span: int = Field(description="the input cells one dilated window covers: d·(k − 1) + 1")
    output: int
    text: str = Field(examples=["⌊(28 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 28"])


class ConvApplyResponse(BaseModel):
    """The kernel slid over the image, or (`fits` false) why it cannot be: a verdict the
    playground asks for while the user types, so it is a 200, not a 422."""

    fits: bool = Field(description="false: this geometry cannot be slid; `message` says why")
    message: str | None = Field(description="when it does not fit: what to change")
    input_size: list[int] = Field(description="[H, W] of the image the kernel slid over")
    input: list[list[float]] = Field(description="that image (resized when `size` was given)")
    kernel: Matrix = Field(description="the kernel as given or named (before any flip)")
    applied_kernel: Matrix = Field(description="the kernel actually slid (flipped when flip)")
    geometry: Geometry | None = Field(description="null when the padding cannot be resolved")
    flip: bool
    output: list[list[float]] | None = Field(description="[OH][OW]; null when it does not fit")
    output_size: list[int] | None = Field(description="[OH, OW]")
    formula: dict[Literal["rows", "cols"], AxisFormula] | None = Field(
        description="per axis: ⌊(size + padding − dilation·(k − 1) − 1) / stride⌋ + 1, its "
        "terms and the text with the numbers filled in (also when it does not fit: an output "
        "below 1 says why); null when the padding cannot be resolved"
    )
    windows: Windows | None = Field(description="every window the kernel took, by axis")


class NamedKernel(BaseModel):
    name: str
    description: str
    values: Matrix
