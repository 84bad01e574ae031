"""Request and response bodies of the `/api/models` routes."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cnnviz.api.schemas.geometry import Geometry, ReceptiveField
from cnnviz.api.schemas.spec import SpecRequest
from cnnviz.models.names import MAX_NAME_CHARS, NAME_PATTERN, NAME_RULE, check_name
from cnnviz.nn import PRESETS

PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]

LENET5_SPEC_EXAMPLE: dict[str, Any] = {
    "input_shape": [1, 28, 28],
    "layers": [
        {"type": "Conv2D", "in_channels": 1, "out_channels": 6, "kernel_size": 5, "padding": 2},
        {"type": "ReLU"},
        {"type": "MaxPool2D", "kernel_size": 2},
        {"type": "Conv2D", "in_channels": 6, "out_channels": 16, "kernel_size": 5},
        {"type": "ReLU"},
        {"type": "MaxPool2D", "kernel_size": 2},
        {"type": "Flatten"},
        {"type": "Dense", "in_features": 400, "out_features": 84},
        {"type": "ReLU"},
        {"type": "Dense", "in_features": 84, "out_features": 10, "init": "simple"},
    ],
}


class ErrorMessage(BaseModel):
    """A refusal. `detail` is one sentence saying what to fix, or, for a request that does not
    match the schema, FastAPI's list of the fields at fault."""

    detail: str | list[dict[str, Any]] = Field(
        examples=["no model 'my-net'; GET /api/models lists them"]
    )


class ModelSummary(BaseModel):
    """One row of the model list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "lenet5-mnist",
                    "name": "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026",
                    "label": "LeNet-5 · digits 0-9 · MNIST · 23 Nov 2026",
                    "preset": "lenet5",
                    "dataset": "mnist",
                    "classes": [str(digit) for digit in range(10)],
                    "accuracy": 0.9884,
                    "accuracy_text": "98.84% on 0-9",
                    "classes_warning": None,
                    "default": True,
                    "builtin": True,
                    "trained": True,
                }
            ]
        }
    )

    id: str = Field(description="the model's id, used in every /api/models/{id} route")
    name: str = Field(
        description="the name to show: one a user gave it (creating, importing or renaming), "
        "else its label"
    )
    label: str = Field(
        description="what it is, composed from its metadata: network · classes · dataset it was "
        "trained on · when it was trained or made (in the server's time zone)"
    )
    preset: str | None = Field(description="the preset it was built from; null for a spec")
    dataset: str | None = Field(description="what it was trained on; null if untrained")
    classes: list[str] | None = Field(
        description="the class name of each output, in order (what /predict's `label` can "
        "be); null for a model file saved without them"
    )
    accuracy: float | None = Field(description="test accuracy in [0, 1]; null if not evaluated")
    accuracy_text: str = Field(
        description="the accuracy with the classes it was measured on ('99.05% on 0-1'), or "
        "'untrained' / 'not evaluated'"
    )
    classes_warning: str | None = Field(
        description="for a model that knows only some digits (or some of its dataset's "
        "classes): what anything else will be read as; null when it knows them all"
    )
    default: bool = Field(description="true for the model the app opens with")
    builtin: bool = Field(description="bundled with cnnviz (cannot be deleted or renamed)")
    trained: bool = Field(description="has been trained and evaluated")


class LayerRow(BaseModel):
    """One layer as the engine resolves it (`Sequential.layer_geometry`)."""

    name: str = Field(examples=["conv1"])
    type: str = Field(examples=["Conv2D"])
    input_shape: list[int] = Field(
        description="one sample's input shape (no batch axis)", examples=[[1, 28, 28]]
    )
    output_shape: list[int] = Field(
        description="one sample's output shape (no batch axis)", examples=[[6, 28, 28]]
    )
    parameters: int = Field(description="learned numbers in this layer", examples=[156])
    geometry: Geometry | None = Field(
        description="Conv2D, MaxPool2D and AvgPool2D: the window the layer slides; null for "
        "layers that keep positions (activations) or see everything (Flatten, Dense)"
    )
    receptive_fields: list[ReceptiveField] = Field(
        description="which cells of the input image, then of each earlier map, each cell of "
        "this layer reads; empty from Flatten on (a cell there reads everything)"
    )
    note: str | None = Field(
        default=None,
        description="what the layer does in a few words, where its name does not say it: "
        "Dropout's p (the identity whenever the network reads an input), Rescale's formula",
        examples=["p 0.5; off when reading"],
    )


class ModelDetail(ModelSummary):
    """Everything a model page shows: architecture, shapes, sizes and the model card."""

    model_config = ConfigDict(json_schema_extra=None)

    spec: dict[str, Any] = Field(
        description="the architecture as data (POST /api/models takes it back)",
        examples=[LENET5_SPEC_EXAMPLE],
    )
    layers: list[LayerRow]
    parameters: int = Field(description="total learned numbers", examples=[61706])
    input_shape: list[int] = Field(
        description="one sample's shape (C, H, W)", examples=[[1, 28, 28]]
    )
    metadata: dict[str, Any] = Field(
        description="the facts the model card is made from (how it was built, trained, evaluated)"
    )
    card: str = Field(description="the model card, in Markdown")


class CreateModel(BaseModel):
    """An untrained model: from a preset by name, or from a layer spec. Send exactly one."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"preset": "lenet5", "seed": 0, "name": "my LeNet-5"},
                {"spec": LENET5_SPEC_EXAMPLE, "seed": 0, "name": "small LeNet"},
            ]
        },
    )

    preset: PresetName | None = Field(None, description="a preset name")
    spec: SpecRequest | None = Field(
        None,
        description=(
            "layers in order, each {'type': ..., arguments}; types: Conv2D, MaxPool2D, "
            "AvgPool2D, Flatten, Dense, ReLU, LeakyReLU, Sigmoid, Tanh, Dropout (p), Rescale "
            "(scale, offset: y = x·scale + offset). input_shape must be [1, 28, 28] (the default "
            "when absent); the last layer gives 2 to 10 class scores, or 1: the logit of the "
            "second of two classes (a sigmoid head)"
        ),
    )
    seed: int = Field(0, ge=0, le=2**32 - 1, description="seeds the initial weights")
    name: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_NAME_CHARS,
        description=f"a display name, {NAME_RULE}; also starts the id",
        # stated for clients; `_named` checks it, with a message that says what a name may be
        json_schema_extra={"pattern": NAME_PATTERN},
    )

    @field_validator("name")
    @classmethod
    def _named(cls, name: str | None) -> str | None:
        return None if name is None else check_name(name, "'name'")

    @model_validator(mode="after")
    def _one_source(self) -> "CreateModel":
        if (self.preset is None) == (self.spec is None):
            raise ValueError("send exactly one of 'preset' (a preset name) or 'spec' (layers)")
        return self


class RenameModel(BaseModel):
    """A user model's new display name."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"examples": [{"name": "LeNet-5, 0 vs 1"}]}
    )

    name: str = Field(
        min_length=1,
        max_length=MAX_NAME_CHARS,
        description=f"the name to show, {NAME_RULE}; spaces around it are dropped",
        json_schema_extra={"pattern": NAME_PATTERN},
    )

    @field_validator("name")
    @classmethod
    def _named(cls, name: str) -> str:
        return check_name(name, "'name'")


SMALL_SPEC_EXAMPLE: dict[str, Any] = {
    "layers": [
        {"type": "Conv2D", "out_channels": 8, "kernel_size": 3},
        {"type": "ReLU"},
        {"type": "MaxPool2D", "kernel_size": 2},
        {"type": "Flatten"},
        {"type": "Dense", "out_features": 2},
    ]
}


class CheckSpec(BaseModel):
    """A layer spec to check, as the layer builder sends it: each Conv2D's `in_channels` and
    each Dense's `in_features` may be left out (they are filled in from the shape before)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"spec": SMALL_SPEC_EXAMPLE, "classes": 2}]},
    )

    spec: SpecRequest = Field(description="layers in order, as in POST /api/models")
    classes: int | None = Field(
        None,
        ge=2,
        le=10,
        description="when given, the number of classes the last layer must tell apart (one "
        "output each, or a single output for 2 classes)",
    )


class SpecFault(BaseModel):
    """Why a spec does not fit, and where."""

    message: str = Field(
        description="the engine's or the limits' message: what does not fit and what to change",
        examples=["MaxPool2D input 1×1 is smaller than its 4×4 window"],
    )
    layer: int | None = Field(
        description="the layer at fault, counted from 1; null for the network as a whole",
        examples=[3],
    )
    shapes: list[list[int]] = Field(
        description="the output shapes of the layers before it",
        examples=[[[1, 7, 7], [1, 1, 1]]],
    )


class SpecCheck(BaseModel):
    """The verdict on a spec. When it fits: every layer's shapes (as `GET /api/models/{id}`
    gives them), its parameter count, and the spec with `in_channels` and `in_features` filled
    in (what POST /api/models and /api/train take). When it does not: `fault`."""

    fits: bool = Field(description="true when the layers fit together and within the limits")
    spec: dict[str, Any] | None = Field(
        description="the spec checked, in_channels and in_features filled in; null unless fits",
        examples=[LENET5_SPEC_EXAMPLE],
    )
    layers: list[LayerRow] = Field(description="one row per layer; empty unless fits")
    parameters: int | None = Field(
        description="total learned numbers; null unless fits", examples=[13610]
    )
    fault: SpecFault | None = Field(description="why it does not fit; null when it fits")
