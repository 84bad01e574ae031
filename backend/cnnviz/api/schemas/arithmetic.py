"""Response bodies of the arithmetic routes: a model's parameters, multiply-adds and memory, layer
by layer."""

from pydantic import BaseModel, Field


class LayerArithmeticRow(BaseModel):
    """One layer: its output, where its parameters come from, what it costs per digit."""

    name: str = Field(examples=["conv1"])
    type: str = Field(examples=["Conv2D"])
    output_shape: list[int] = Field(
        description="one digit's output, without the batch axis", examples=[[6, 28, 28]]
    )
    parameters: int = Field(examples=[156])
    formula: str = Field(
        description="how the parameters add up, with the numbers (weights of one output, + 1 "
        "for its bias, times the outputs); for a layer without weights, 0 and why",
        examples=["(5·5·1 + 1)·6 = 156"],
    )
    multiply_adds: int = Field(
        description="multiply-adds of one digit's forward pass (each weight once per output "
        "position; the limits and the training budget count the same)",
        examples=[117600],
    )
    multiply_adds_formula: str | None = Field(
        description="weights × positions; null for a layer without weights",
        examples=["150 weights × 784 positions"],
    )
    outputs: int = Field(description="numbers in one digit's output", examples=[4704])
    memory_bytes: int = Field(
        description="those numbers × bytes per value: the output of one digit", examples=[18816]
    )


class ArithmeticResponse(BaseModel):
    """Every layer's row and the totals."""

    source: str = Field(
        description="what was counted: a model id, or an architecture (a preset) without weights",
        examples=["lenet5-mnist"],
    )
    layers: list[LayerArithmeticRow]
    parameters: int = Field(examples=[61706])
    multiply_adds: int = Field(examples=[416520])
    outputs: int = Field(examples=[15002])
    memory_bytes: int = Field(
        description="all layers' outputs for one digit (what a training step keeps per sample "
        "for the backward pass)",
        examples=[60008],
    )
    parameter_bytes: int = Field(examples=[246824])
    dtype: str = Field(description="the number type the model computes in", examples=["float32"])
    bytes_per_value: int = Field(examples=[4])
