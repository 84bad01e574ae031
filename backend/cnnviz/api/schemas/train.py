"""Schemas of the training routes: what `POST /api/train` takes and what a job looks like.

`TrainRequest` mirrors `cnnviz.train.TrainConfig` field for field. Every list and object has a
maximum length and every number its range (`cnnviz.train.ranges.RANGES`, the table TrainConfig
checks), all stated here so /docs shows them; pydantic checks them strictly (numbers are numbers,
finite) before any code loops over a value. Then `TrainConfig` and `cnnviz.models.limits` check
what a schema cannot say (labels of the dataset, the model's sizes, the job's cost) and name every
problem at once (a 422 with `problems`).
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from typing_extensions import TypedDict

from cnnviz.api.schemas.spec import STRICT, SpecRequest
from cnnviz.tasks.job import JobState
from cnnviz.train.loss import LOSSES
from cnnviz.train.ranges import (
    MAX_CLASSES,
    MAX_GROUP_LAYERS,
    MAX_NAME_LENGTH,
    MAX_PARAM_GROUPS,
    OPTIMIZER_RANGES,
    RANGES,
)
from cnnviz.train.subsets import SUBSETS


def _ranged(name: str) -> Any:
    """A number in its optimizer range (OPTIMIZER_RANGES)."""
    return Annotated[float, Field(**OPTIMIZER_RANGES[name])]


class OptimizerArguments(TypedDict, total=False):
    """Arguments of the optimizer beyond lr, each in its range; one that the chosen optimizer
    does not take is refused with its name."""

    __pydantic_config__ = STRICT  # type: ignore[misc]
    momentum: _ranged("momentum")
    dampening: _ranged("dampening")
    nesterov: StrictBool
    weight_decay: _ranged("weight_decay")
    lr_decay: _ranged("lr_decay")
    initial_accumulator_value: _ranged("initial_accumulator_value")
    eps: _ranged("eps")
    alpha: _ranged("alpha")
    centered: StrictBool
    betas: Annotated[list[_ranged("betas")], Field(min_length=2, max_length=2)]
    amsgrad: StrictBool


LayerName = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]


class ParamGroupRequest(BaseModel):
    """Layers with their own optimizer (torch's parameter groups); the schedule scales its lr
    as it scales the main one."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    layers: list[LayerName] = Field(
        min_length=1, max_length=MAX_GROUP_LAYERS, description="layer names, e.g. ['fc1', 'fc2']"
    )
    optimizer: str = Field(max_length=32, description="sgd, adagrad, rmsprop or adam")
    lr: float = Field(**RANGES["lr"], description="this group's learning rate")
    optimizer_kwargs: OptimizerArguments = Field(default_factory=dict)


class AugmentationRequest(TypedDict, total=False):
    """Random affine transforms of each training batch (`cnnviz.data.augment.Augmentation`,
    which checks the ranges); a parameter left out takes its default."""

    __pydantic_config__ = STRICT  # type: ignore[misc]
    shift: float
    rotation: float
    scale: Annotated[list[float], Field(min_length=2, max_length=2)]
    shear: float
    elastic_alpha: float
    elastic_sigma: float


def _field(name: str, default: Any, description: str) -> Any:
    """A field of TrainRequest with its range from RANGES."""
    return Field(default, **RANGES[name], description=description)


class TrainRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "model": "simple",
                    "dataset": "mnist",
                    "classes": [0, 1, 2],
                    "train_size": 2000,
                    "optimizer": "adam",
                    "lr": 0.001,
                    "batch_size": 64,
                    "epochs": 2,
                    "seed": 0,
                    "augmentation": {"rotation": 10, "shift": 2},
                    "lr_schedule": "cosine",
                }
            ]
        },
    )

    model: str = Field(
        "simple", max_length=64, description="a preset (see GET /api/models), used without spec"
    )
    spec: SpecRequest | None = Field(None, description="a layer spec instead of a preset")
    dataset: str = Field("mnist", max_length=64, description="a name from GET /api/datasets")
    classes: (
        Annotated[
            list[Annotated[int, Field(ge=0, lt=MAX_CLASSES)]],
            Field(min_length=2, max_length=MAX_CLASSES),
        ]
        | None
    ) = Field(None, description="a subset of the dataset's labels, e.g. [0, 1]")
    train_size: int | None = _field(
        "train_size",
        None,
        "training images (default: all the rest); at most what the dataset "
        "holds for the classes minus the validation images",
    )
    validation_size: int | None = _field(
        "validation_size", None, "held out (default: a tenth; 0: none)"
    )
    train_subset: Literal[SUBSETS] = Field(  # type: ignore[valid-type]
        "stratified",
        description="stratified: a seeded draw keeping the class proportions; first: the first "
        "train_size images of the chosen classes in file order, validation the ones after them",
    )
    test_size: int | None = _field(
        "test_size", None, "test images the final evaluation uses (default: all of the classes)"
    )
    test_subset: Literal[SUBSETS] = Field(  # type: ignore[valid-type]
        "stratified", description="which test images: a stratified draw, or the first ones"
    )
    loss: Literal[LOSSES] = Field(  # type: ignore[valid-type]
        "cross_entropy",
        description="cross_entropy (binary for a one-output sigmoid network) or mse (squared "
        "error between the probabilities and the one-hot targets)",
    )
    keep_best: bool = Field(
        False, description="keep the weights of the epoch with the best validation accuracy"
    )
    optimizer: str = Field("adam", max_length=32, description="sgd, momentum, rmsprop, adam, ...")
    lr: float = _field("lr", 1e-3, "learning rate")
    optimizer_kwargs: OptimizerArguments = Field(
        default_factory=dict, description="e.g. {'momentum': 0.9, 'weight_decay': 1e-4}"
    )
    param_groups: list[ParamGroupRequest] = Field(
        default_factory=list,
        max_length=MAX_PARAM_GROUPS,
        description="layers with their own optimizer and lr; the others use the main one",
    )
    batch_size: int = _field("batch_size", 64, "images per update")
    epochs: int = _field("epochs", 5, "passes over the training images")
    seed: int = _field("seed", 0, "same seed and data: same weights and events")
    augmentation: AugmentationRequest | None = Field(
        None, description="random affine transforms: rotation, scale, shear, shift"
    )
    lr_schedule: str = Field("constant", max_length=32, description="constant, cosine or step")
    warmup_steps: int = _field("warmup_steps", 0, "updates of linear warmup (any schedule)")
    step_size: int = _field("step_size", 1, "epochs between decays of the step schedule")
    gamma: float = _field("gamma", 0.1, "decay factor of the step schedule")
    label_smoothing: float = _field("label_smoothing", 0.0, "ε of the smoothed targets")
    emit_filters: bool = Field(True, description="stream the first conv layer's filters")
    step_every: int = _field("step_every", 1, "a step event every this many updates")
    steps_per_second: float | None = _field(
        "steps_per_second",
        None,
        "a watch pace: at most this many updates a second, so a class can follow the charts "
        "(pause, step and stop still act within one batch); null: as fast as possible",
    )
    validate_every: int | None = _field(
        "validate_every",
        None,
        "a validation point (a `validation` event) every this many updates and after the "
        "last; null: about 30 over the run",
    )
    probe_layer: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        description="the layer whose output for a fixed probe digit the `filters` events carry; "
        "null: the first Conv2D",
    )


class JobCreated(BaseModel):
    id: str = Field(examples=["simple-mnist-1a2b3c4d"])
    state: JobState = Field(description="running, or queued when as many jobs as allowed run")
    queue_position: int | None = Field(
        None, description="while queued: 1 for the next job to start, 2 after it, ...; else null"
    )
    status_url: str
    events_url: str


class Progress(BaseModel):
    global_step: int
    total_steps: int | None
    epoch: int
    epochs: int | None
    fraction: float


class TrainJob(BaseModel):
    id: str
    state: JobState = Field(
        description="queued (waiting for a worker: see `queue_position`), running, paused, done "
        "(stopped early when `stopped`), failed (see error), interrupted (the server restarted "
        "or shut down while it ran), cancelled (stopped while queued)"
    )
    config: dict[str, Any]
    created: float = Field(description="seconds since the epoch")
    started: float | None = Field(
        None, description="when a worker took it (seconds since the epoch); null while queued"
    )
    finished: float | None
    error: str | None
    model_id: str | None = Field(description="the trained model in GET /api/models, once done")
    stopped: bool
    queue_position: int | None = Field(
        None, description="while queued: 1 for the next job to start, 2 after it, ...; else null"
    )
    progress: Progress
    metrics: dict[str, float | None] = Field(
        description="last step's loss/accuracy/lr, last epoch's train/val scores, test scores"
    )
    evaluated: str | None = Field(
        None, description="the images the final evaluation used, e.g. 'the first 100 test digits'"
    )
    best_epoch: int | None = Field(
        None, description="with keep_best: the epoch whose weights the model holds"
    )


class LrRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        json_schema_extra={"examples": [{"lr": 0.0005}]},
    )
    lr: float = Field(**RANGES["lr"], description="the new base learning rate")


class LrResult(BaseModel):
    id: str
    state: JobState
    lr: float = Field(description="the base rate sent; the job applies it before its next batch")


class CommandResult(BaseModel):
    id: str
    state: JobState
    changed: bool = Field(description="false when it changed nothing (e.g. already paused)")


class LayerOutput(BaseModel):
    name: str
    type: str
    shape: list[int] = Field(description="the layer's output for one image")


class TrainPlan(BaseModel):
    """What a run will be, or why it cannot run (`cnnviz.train.plan`)."""

    fits: bool = Field(description="true when POST /api/train would start this run")
    problems: list[str] = Field(description="every reason it cannot run, naming the fields")
    fields: dict[str, str] = Field(
        description="the same, by request field, in words that do not name the field (a form "
        "shows each beside its input, after its own label)"
    )
    dataset: str | None = None
    classes: list[int] | None = None
    class_names: list[str] | None = None
    class_counts: list[int] | None = Field(
        None, description="training images on the server of each chosen class"
    )
    available: int | None = Field(None, description="their sum")
    validation_size: int | None = Field(None, description="held out of them for validation")
    train_size: int | None = Field(None, description="trained on")
    max_train_size: int | None = Field(None, description="the most train_size may be")
    batch_size: int | None = None
    epochs: int | None = None
    steps_per_epoch: int | None = None
    total_steps: int | None = None
    steps_per_second: float | None = Field(None, description="the watch pace (null: full speed)")
    validate_every: int | None = None
    validation_points: int | None = None
    multiply_adds: int | None = Field(None, description="the run's compute")
    budget: int | None = Field(None, description="the compute one run may use")
    seconds: float | None = Field(
        None, description="expected duration: at the pace, or estimated from the compute"
    )
    probe_layer: str | None = Field(None, description="the layer the probe digit is shown at")
    test_available: int | None = Field(
        None, description="test images on the server of the chosen classes"
    )
    test_size: int | None = Field(None, description="how many of them the final evaluation uses")
    layers: list[LayerOutput] = Field(default_factory=list)


class Recipe(BaseModel):
    """A course notebook's training set-up (`cnnviz.train.recipes`)."""

    name: str = Field(examples=["sigmoid-0-vs-1"])
    title: str
    notebook: str = Field(description="the course notebook it reproduces, e.g. '001'")
    config: dict[str, Any] = Field(description="a body for POST /api/train")
    note: str = Field(description="what it does, and what differs from the notebook here")
