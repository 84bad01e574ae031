"""`GET /api/models/{id}/arithmetic` and `GET /api/architectures/{preset}/arithmetic`: each
layer's parameters with their formula, multiply-adds per digit and output memory, then the
totals, for a model or for a preset's architecture before any training.

`cnnviz.models.arithmetic` does the counting; here it becomes JSON.
"""

from dataclasses import asdict
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Path

from cnnviz.api.deps import ModelId, StoreDep
from cnnviz.api.schemas.arithmetic import ArithmeticResponse
from cnnviz.api.schemas.models import ErrorMessage, PresetName
from cnnviz.models.arithmetic import model_arithmetic
from cnnviz.nn import Sequential, build_model

router = APIRouter(tags=["arithmetic"])

Preset = Annotated[
    PresetName,
    Path(
        description="a preset's name (GET /api/catalogue lists them)",
        openapi_examples={"LeNet-5": {"value": "lenet5"}},
    ),
]


def _answer(source: str, model: Sequential) -> dict:
    return {"source": source, **asdict(model_arithmetic(model))}


@router.get(
    "/models/{model_id}/arithmetic",
    response_model=ArithmeticResponse,
    responses={
        404: {"model": ErrorMessage, "description": "no model with this id"},
        422: {"model": ErrorMessage, "description": "not a model id"},
    },
    summary="A model's parameters, multiply-adds and memory",
)
def model_arithmetic_route(model_id: ModelId, store: StoreDep) -> dict:
    """Per layer: its output shape, its parameters and the formula they come from
    ("(5·5·1 + 1)·6 = 156"; a layer without weights says why it has none), its multiply-adds for
    one digit (weights × positions) and the memory its output takes (numbers × bytes of the
    model's number type); then the totals."""
    return _answer(model_id, store.get(model_id).model)


@router.get(
    "/architectures/{preset}/arithmetic",
    response_model=ArithmeticResponse,
    responses={422: {"model": ErrorMessage, "description": "not a preset's name"}},
    summary="A preset architecture's parameters, multiply-adds and memory",
)
def architecture_arithmetic(preset: Preset) -> dict:
    """As `GET /api/models/{id}/arithmetic`, for a preset's architecture without a trained
    model: its numbers depend on its shapes alone."""
    return _preset_answer(preset)


@cache
def _preset_answer(preset: str) -> dict:
    return _answer(preset, build_model(preset))
