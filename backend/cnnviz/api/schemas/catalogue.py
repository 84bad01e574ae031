"""The body of `GET /api/catalogue`: everything the page may offer, as the engine defines it."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cnnviz.api.schemas.models import LayerRow
from cnnviz.api.schemas.steps import NamedKernel


class Argument(BaseModel):
    """One keyword a layer, optimizer or schedule takes."""

    name: str = Field(examples=["padding"])
    type: dict[str, Any] = Field(
        description="the JSON Schema of the values it takes",
        examples=[{"anyOf": [{"type": "integer"}, {"enum": ["valid", "same", "full"]}]}],
    )
    required: bool = Field(description="true when it has no default")
    default: Any = Field(None, description="the value when left out (null when required)")


class PresetEntry(BaseModel):
    name: str = Field(description="what POST /api/models and POST /api/train take as a preset")
    description: str
    parameters: int = Field(description="learned numbers in the whole model")
    spec: dict[str, Any] = Field(description="the preset's layer spec, every default filled in")
    layers: list[LayerRow] = Field(description="each layer's shapes and window, as for a model")


class LayerTypeEntry(BaseModel):
    name: str = Field(description="the spec's 'type'")
    description: str
    arguments: list[Argument] = Field(description="the keys a spec entry of this type may hold")


class OptimizerEntry(BaseModel):
    name: str = Field(description="what POST /api/train takes as 'optimizer'")
    description: str
    arguments: list[Argument] = Field(
        description="lr, then what POST /api/train takes in 'optimizer_kwargs'"
    )


class ScheduleEntry(BaseModel):
    name: str = Field(description="what POST /api/train takes as 'lr_schedule'")
    arguments: list[Argument] = Field(description="the POST /api/train fields this schedule reads")


class Catalogue(BaseModel):
    """What a client may build and train, read from the engine's own registries."""

    input_shape: list[int] = Field(description="every model's input: one sample (C, H, W)")
    presets: list[PresetEntry]
    layer_types: list[LayerTypeEntry]
    optimizers: list[OptimizerEntry]
    schedules: list[ScheduleEntry]
    kernels: list[NamedKernel] = Field(description="the named kernels of POST /api/conv/apply")
    limits: dict[str, int] = Field(
        description="every size limit a model obeys (cnnviz.models.limits), by name"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "input_shape": [1, 28, 28],
                    "presets": [
                        {
                            "name": "simple",
                            "description": "The seed notebooks' network: 8 filters of 3×3, a "
                            "2×2 max-pool, one dense layer to 10 classes. Few enough maps to "
                            "explain every one of them in class.",
                            "parameters": 13610,
                            "spec": {
                                "format": "cnnviz.sequential/1",
                                "input_shape": [1, 28, 28],
                                "dtype": "float32",
                                "layers": [
                                    {
                                        "type": "Conv2D",
                                        "name": "conv1",
                                        "in_channels": 1,
                                        "out_channels": 8,
                                        "kernel_size": 3,
                                        "stride": 1,
                                        "padding": 0,
                                        "dilation": 1,
                                        "bias": True,
                                        "init": "he_normal",
                                    },
                                    {
                                        "type": "MaxPool2D",
                                        "name": "pool1",
                                        "kernel_size": 2,
                                        "stride": None,
                                        "padding": 0,
                                    },
                                    {"type": "Flatten", "name": "flatten1"},
                                    {
                                        "type": "Dense",
                                        "name": "fc1",
                                        "in_features": 1352,
                                        "out_features": 10,
                                        "bias": True,
                                        "init": "simple",
                                    },
                                ],
                            },
                            "layers": [
                                {
                                    "name": "conv1",
                                    "type": "Conv2D",
                                    "input_shape": [1, 28, 28],
                                    "output_shape": [8, 26, 26],
                                    "parameters": 80,
                                    "geometry": {
                                        "kernel": [3, 3],
                                        "stride": [1, 1],
                                        "padding": [0, 0, 0, 0],
                                        "dilation": [1, 1],
                                    },
                                    "receptive_fields": [
                                        {
                                            "layer": "input",
                                            "rows": {"size": 3, "jump": 1, "start": 0},
                                            "cols": {"size": 3, "jump": 1, "start": 0},
                                        }
                                    ],
                                    "note": None,
                                },
                                {
                                    "name": "pool1",
                                    "type": "MaxPool2D",
                                    "input_shape": [8, 26, 26],
                                    "output_shape": [8, 13, 13],
                                    "parameters": 0,
                                    "geometry": {
                                        "kernel": [2, 2],
                                        "stride": [2, 2],
                                        "padding": [0, 0, 0, 0],
                                        "dilation": [1, 1],
                                    },
                                    "receptive_fields": [
                                        {
                                            "layer": "input",
                                            "rows": {"size": 4, "jump": 2, "start": 0},
                                            "cols": {"size": 4, "jump": 2, "start": 0},
                                        },
                                        {
                                            "layer": "conv1",
                                            "rows": {"size": 2, "jump": 2, "start": 0},
                                            "cols": {"size": 2, "jump": 2, "start": 0},
                                        },
                                    ],
                                    "note": None,
                                },
                                {
                                    "name": "flatten1",
                                    "type": "Flatten",
                                    "input_shape": [8, 13, 13],
                                    "output_shape": [1352],
                                    "parameters": 0,
                                    "geometry": None,
                                    "receptive_fields": [],
                                    "note": None,
                                },
                                {
                                    "name": "fc1",
                                    "type": "Dense",
                                    "input_shape": [1352],
                                    "output_shape": [10],
                                    "parameters": 13530,
                                    "geometry": None,
                                    "receptive_fields": [],
                                    "note": None,
                                },
                            ],
                        }
                    ],
                    "layer_types": [
                        {
                            "name": "LeakyReLU",
                            "description": "x where x > 0, else negative_slope * x.",
                            "arguments": [
                                {
                                    "name": "negative_slope",
                                    "type": {"type": "number"},
                                    "required": False,
                                    "default": 0.01,
                                },
                                {
                                    "name": "name",
                                    "type": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                    "required": False,
                                    "default": None,
                                },
                            ],
                        }
                    ],
                    "optimizers": [
                        {
                            "name": "sgd",
                            "description": "Stochastic gradient descent with optional "
                            "(Nesterov) momentum and L2 weight decay.",
                            "arguments": [
                                {
                                    "name": "lr",
                                    "type": {"type": "number"},
                                    "required": True,
                                    "default": None,
                                },
                                {
                                    "name": "momentum",
                                    "type": {"type": "number"},
                                    "required": False,
                                    "default": 0.0,
                                },
                            ],
                        }
                    ],
                    "schedules": [
                        {
                            "name": "step",
                            "arguments": [
                                {
                                    "name": "warmup_steps",
                                    "type": {"type": "integer"},
                                    "required": False,
                                    "default": 0,
                                },
                                {
                                    "name": "step_size",
                                    "type": {"type": "integer"},
                                    "required": False,
                                    "default": 1,
                                },
                                {
                                    "name": "gamma",
                                    "type": {"type": "number"},
                                    "required": False,
                                    "default": 0.1,
                                },
                            ],
                        }
                    ],
                    "kernels": [
                        {
                            "name": "sobel_x",
                            "description": "horizontal gradient: bright to the right is positive",
                            "values": [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]],
                        }
                    ],
                    "limits": {"max_layers": 64, "max_parameters": 5000000},
                }
            ]
        }
    )
