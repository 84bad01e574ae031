"""Response bodies of `/api/activations`: activation functions and their derivatives, sampled by
the engine's layers."""

from pydantic import BaseModel, Field


class SlopeLimits(BaseModel):
    """The slope LeakyReLU takes for x ≤ 0: its default and the range the server accepts."""

    default: float = Field(examples=[0.01])
    min: float = Field(examples=[0.0])
    max: float = Field(examples=[1.0])


class ActivationSummary(BaseModel):
    """One activation function the engine has, with its formulas."""

    name: str = Field(description="what `/api/activations/{name}` takes", examples=["sigmoid"])
    title: str = Field(examples=["Sigmoid"])
    formula: str = Field(examples=["σ(x) = 1 / (1 + exp(−x))"])
    derivative: str = Field(examples=["σ(x)·(1 − σ(x))"])
    slope_limits: SlopeLimits | None = Field(
        description="the slope for x ≤ 0 it takes (LeakyReLU); null: it takes none"
    )


class Stretch(BaseModel):
    """From one sample's x to another's, both included."""

    start: float
    end: float


class ActivationCurve(ActivationSummary):
    """f and f' at evenly spaced x: f from the layer's forward pass, f' from its backward pass
    of ones (float64)."""

    slope: float | None = Field(description="LeakyReLU's slope for x ≤ 0; null for the others")
    x: list[float]
    y: list[float] = Field(description="f(x)")
    dy: list[float] = Field(description="f'(x)")
    derivative_max: float = Field(description="the largest f' sampled", examples=[0.25])
    derivative_max_from: float = Field(description="first x where f' is that large")
    derivative_max_to: float = Field(description="last x where f' is that large")
    vanishing_below: float = Field(description="the threshold under which f' vanishes")
    vanishing: list[Stretch] = Field(description="where f' is under vanishing_below")
    notes: list[str] = Field(
        description="what the curve shows about the gradient, in sentences",
        examples=[["f' is largest at x = 0: 0.25"]],
    )
