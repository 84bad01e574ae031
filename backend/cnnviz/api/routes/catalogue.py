"""`GET /api/catalogue`: what the page may offer (presets, layer types, optimizers, learning-rate
schedules, named kernels, limits), read from the engine's own registries and signatures, so the
page never keeps a second copy of any of them.
"""

import dataclasses
import inspect
from functools import cache
from typing import Any

from fastapi import APIRouter
from pydantic import TypeAdapter

from cnnviz.api.layerrows import layer_rows
from cnnviz.api.schemas.catalogue import Catalogue
from cnnviz.explain.kernels import named_kernels
from cnnviz.models import limits
from cnnviz.nn import OPTIMIZERS, PRESETS, build_model
from cnnviz.nn.layers import LAYER_TYPES
from cnnviz.nn.presets import MNIST_SHAPE
from cnnviz.train.schedule import SCHEDULES, LRSchedule

router = APIRouter(tags=["catalogue"])

#: Layer constructor arguments a spec never holds: the model draws the weights and sets the dtype.
NOT_IN_SPECS = ("rng", "dtype")
#: The `LRSchedule` fields a request sets, by the schedules that read them; the trainer fills in
#: the rest (base rate, total steps, steps per epoch).
SCHEDULE_ARGUMENTS = {
    "constant": ("warmup_steps",),
    "cosine": ("warmup_steps",),
    "step": ("warmup_steps", "step_size", "gamma"),
}


@router.get("/catalogue", response_model=Catalogue, summary="What models can be built from")
def catalogue() -> Catalogue:
    """The presets (with their spec, parameter count and each layer's shapes and window), the
    layer types a spec may use and the arguments each takes (JSON Schema and default), the
    optimizers and learning-rate schedules `POST /api/train` takes with their arguments, the
    convolution playground's named kernels, and the size limits every model obeys."""
    return _catalogue()


@cache
def _catalogue() -> Catalogue:
    return Catalogue(
        input_shape=list(MNIST_SHAPE),
        presets=[_preset(name) for name in PRESETS],
        layer_types=[
            {"name": name, "description": _summary(cls), "arguments": _arguments(cls, NOT_IN_SPECS)}
            for name, cls in LAYER_TYPES.items()
        ],
        optimizers=[
            {"name": name, "description": _summary(cls), "arguments": _arguments(cls, ("layers",))}
            for name, cls in OPTIMIZERS.items()
        ],
        schedules=[
            {"name": name, "arguments": _schedule_arguments(SCHEDULE_ARGUMENTS[name])}
            for name in SCHEDULES
        ],
        kernels=named_kernels(),
        limits={
            name.lower(): value
            for name, value in vars(limits).items()
            if name.isupper() and type(value) is int
        },
    )


def _preset(name: str) -> dict:
    model = build_model(name)
    return {
        "name": name,
        "description": _summary(PRESETS[name]),
        "parameters": model.parameter_count,
        "spec": model.to_spec(),
        "layers": layer_rows(model),
    }


def _summary(documented: Any) -> str:
    """The first paragraph of a docstring, on one line."""
    return " ".join((inspect.getdoc(documented) or "").split("\n\n")[0].split())


def _argument(name: str, annotation: Any, default: Any) -> dict:
    required = default is inspect.Parameter.empty or default is dataclasses.MISSING
    return {
        "name": name,
        "type": TypeAdapter(annotation).json_schema(),
        "required": required,
        "default": None if required else default,
    }


def _arguments(cls: type, skipped: tuple[str, ...]) -> list[dict]:
    parameters = inspect.signature(cls).parameters.values()
    return [_argument(p.name, p.annotation, p.default) for p in parameters if p.name not in skipped]


def _schedule_arguments(names: tuple[str, ...]) -> list[dict]:
    fields = {field.name: field for field in dataclasses.fields(LRSchedule)}
    return [_argument(name, fields[name].type, fields[name].default) for name in names]
