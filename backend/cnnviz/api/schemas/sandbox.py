"""Schemas of `POST /api/sandbox`: a small signal or matrix typed by hand through a convolution
or a pooling window, forward and backward. Matrices are rows of numbers; one row is a 1-D signal.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cnnviz.api.schemas.geometry import Geometry
from cnnviz.api.schemas.steps import AxisFormula, KernelMatrix, Matrix, Value, Windows
from cnnviz.explain.sandbox import (
    MAX_DILATION,
    MAX_INPUT_SIDE,
    MAX_PADDING,
    MAX_POOL_SIZE,
    MAX_PRODUCTS,
    MAX_STRIDE,
)
from cnnviz.explain.sandbox_examples import EXAMPLES
from cnnviz.explain.sandbox_ops import OPS
from cnnviz.nn.geometry import PaddingMode

InputMatrix = Annotated[
    list[Annotated[list[Value], Field(min_length=1, max_length=MAX_INPUT_SIDE)]],
    Field(min_length=1, max_length=MAX_INPUT_SIDE),
]
Op = Literal[OPS]  # type: ignore[valid-type]


class SandboxRequest(BaseModel):
    op: Op = Field("conv", description="conv, maxpool or avgpool")
    input: InputMatrix = Field(
        description=f"rows of numbers, up to {MAX_INPUT_SIDE}×{MAX_INPUT_SIDE}; one row is a 1-D "
        "signal, whose kernel or pooling window is one row too and whose stride, padding and "
        "dilation act along it"
    )
    kernel: KernelMatrix | None = Field(
        None, description="conv only (and needed): rows of numbers, 1×1 to 7×7"
    )
    pool: int | None = Field(
        None, ge=1, le=MAX_POOL_SIZE, description="maxpool/avgpool: the window's size (default 2)"
    )
    stride: int | None = Field(
        None,
        ge=1,
        le=MAX_STRIDE,
        description="default: 1 for conv, the pool size for a pool",
    )
    padding: Annotated[int, Field(ge=0, le=MAX_PADDING)] | PaddingMode = Field(
        0,
        description="zeros on each side, or 'valid' (none), 'same' (conv, stride 1: the output "
        "as long as the input), 'full' (conv: every input cell meets every kernel tap); a pool "
        "takes at most half its size",
    )
    dilation: int = Field(1, ge=1, le=MAX_DILATION, description="conv only: gaps between taps")
    flip: bool = Field(
        False,
        description="conv only: flip the kernel in both axes before it slides (a true "
        "convolution); false slides it as typed (cross-correlation, what a conv layer computes)",
    )
    grad: Matrix | None = Field(
        None,
        description="the upstream gradient, one number per output cell (the output's shape); "
        "omitted: all ones",
    )

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={"examples": [example["request"] for example in EXAMPLES]},
    )


class SandboxExample(BaseModel):
    """One of the course's examples, as the page's example buttons show it."""

    name: str = Field(description="its id, e.g. conv1d")
    title: str
    note: str = Field(description="what to look at in it")
    request: SandboxRequest = Field(description="the POST /api/sandbox body that shows it")


class SandboxFormula(AxisFormula):
    axis: Literal["length", "rows", "columns"] = Field(
        description="'length' for a 1-D signal, else 'rows' and 'columns'"
    )


class SandboxResponse(BaseModel):
    """Every number the sandbox shows. Positions in the padded input (`windows`, `winners`)
    count from its top-left cell, padding included; `indices` count in the input itself."""

    op: Op
    dims: Literal[1, 2] = Field(description="1: the input is one row, a signal")
    input: list[list[float]]
    input_size: list[int] = Field(description="[H, W]")
    padded: list[list[float]] = Field(description="the input with its padding (shown as 0)")
    padded_mask: list[list[bool]] = Field(description="true on the padding")
    geometry: Geometry = Field(description="the window with every number resolved")
    formulas: list[SandboxFormula] = Field(
        description="⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 for each axis the window moves along"
    )
    output: list[list[float]] = Field(description="[OH][OW]")
    output_size: list[int] = Field(description="[OH, OW]")
    windows: Windows = Field(
        description="output (i, j) reads padded rows rows[i] and padded columns cols[j]"
    )
    grad: list[list[float]] = Field(description="the upstream gradient used ([OH][OW])")
    grad_given: bool = Field(description="false: the default, all ones")
    grad_input: list[list[float]] = Field(description="∂(Σ output · grad)/∂input, [H][W]")
    kernel: list[list[float]] | None = Field(None, description="conv: the kernel as typed")
    applied_kernel: list[list[float]] | None = Field(
        None, description="conv: the kernel slid (flipped when flip)"
    )
    flip: bool | None = None
    products: list[list[list[list[float]]]] | None = Field(
        None,
        description=f"conv: [OH][OW][KH][KW], each window's cells × the slid kernel; their sum "
        f"is the output (at most {MAX_PRODUCTS:,} numbers)",
    )
    grad_kernel: list[list[float]] | None = Field(
        None, description="conv: ∂(Σ output · grad)/∂kernel, for the kernel as typed"
    )
    pool_size: int | None = None
    divisor: int | None = Field(
        None, description="avgpool: cells per window, padding included (torch's default)"
    )
    indices: list[list[int]] | None = Field(
        None, description="maxpool: each winner as row · W + column of the input (torch's)"
    )
    winners: list[list[list[int]]] | None = Field(
        None, description="maxpool: each winner's [row, column] in the padded input"
    )
    ties: list[list[int]] | None = Field(
        None, description="maxpool: how many cells of each window hold its maximum"
    )
    tie_rule: str | None = Field(None, description="maxpool: which of tied maxima wins")
