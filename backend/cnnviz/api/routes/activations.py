"""`GET /api/activations` and `GET /api/activations/{name}`: the activation functions the engine
has, and one of them with its derivative sampled by the engine's own layer
(`cnnviz.explain.activations`)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from cnnviz.api.schemas.activations import ActivationCurve, ActivationSummary
from cnnviz.api.schemas.models import ErrorMessage
from cnnviz.explain.activations import (
    ACTIVATIONS,
    DEFAULT_POINTS,
    DEFAULT_SLOPE,
    MAX_POINTS,
    MAX_SLOPE,
    MIN_POINTS,
    MIN_SLOPE,
    VANISHING,
    ActivationInfo,
    notes,
    sample,
)
from cnnviz.nn.layers import LeakyReLU

router = APIRouter(prefix="/activations", tags=["activations"])

ActivationName = Annotated[
    Literal[tuple(ACTIVATIONS)],  # type: ignore[valid-type]
    Path(
        description="an activation's name (GET /api/activations lists them)",
        openapi_examples={"sigmoid": {"value": "sigmoid"}},
    ),
]


def _summary(info: ActivationInfo) -> dict:
    return {
        "name": info.name,
        "title": info.title,
        "formula": info.formula,
        "derivative": info.derivative,
        "slope_limits": (
            {"default": DEFAULT_SLOPE, "min": MIN_SLOPE, "max": MAX_SLOPE}
            if info.layer is LeakyReLU
            else None
        ),
    }


@router.get("", response_model=list[ActivationSummary], summary="The activation functions")
def list_activations() -> list[dict]:
    """Each activation function the engine has, with its formula and its derivative's."""
    return [_summary(info) for info in ACTIVATIONS.values()]


@router.get(
    "/{name}",
    response_model=ActivationCurve,
    responses={
        422: {
            "model": ErrorMessage,
            "description": "an unknown name, points or slope out of range, or a slope for an "
            "activation other than leakyrelu",
        }
    },
    summary="An activation function and its derivative, sampled",
)
def activation_curve(
    name: ActivationName,
    points: Annotated[
        int, Query(ge=MIN_POINTS, le=MAX_POINTS, description="how many x, evenly from -6 to 6")
    ] = DEFAULT_POINTS,
    slope: Annotated[
        float | None,
        Query(
            ge=MIN_SLOPE,
            le=MAX_SLOPE,
            description="LeakyReLU's slope for x ≤ 0 (default 0.01); only for leakyrelu",
        ),
    ] = None,
) -> dict:
    """f(x) and f'(x) at `points` evenly spaced x from -6 to 6, computed by the engine's layer
    (forward, then backward of ones, in float64), with where f' is largest, where it vanishes
    (under 0.01) and those facts in sentences."""
    curve = sample(name, points, slope)
    return {
        **_summary(curve.info),
        "slope": curve.slope,
        "x": curve.x.tolist(),
        "y": curve.y.tolist(),
        "dy": curve.dy.tolist(),
        "derivative_max": curve.peak,
        "derivative_max_from": curve.peak_from,
        "derivative_max_to": curve.peak_to,
        "vanishing_below": VANISHING,
        "vanishing": [{"start": a, "end": b} for a, b in curve.vanishing],
        "notes": notes(curve),
    }
