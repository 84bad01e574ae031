"""Schemas of the training routes: what `POST /api/train` takes and what a job looks like.

`TrainRequest` mirrors `cnnviz.train.TrainConfig` field for field; pydantic checks the types, then
`TrainConfig` checks the values and names every problem at once (a 422 with `problems`).
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cnnviz.tasks.job import JobState


class TrainRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "model": "simple",
                    "dataset": "mnist",
                    "classes": [0, 1, 2],
                    "train_size": 3000,
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

    model: str = Field("simple", description="a preset (see GET /api/models), used without spec")
    spec: dict[str, Any] | None = Field(None, description="a layer spec instead of a preset")
    dataset: str = Field("mnist", description="a name from GET /api/datasets")
    classes: list[int] | None = Field(None, description="a subset of labels, e.g. [0, 1]")
    train_size: int | None = Field(None, description="training images (default: all the rest)")
    validation_size: int | None = Field(None, description="held out (default: a tenth; 0: none)")
    optimizer: str = Field("adam", description="sgd, momentum, rmsprop, adam, ...")
    lr: float = Field(1e-3, description="learning rate")
    optimizer_kwargs: dict[str, float] = Field(
        default_factory=dict, description="e.g. {'momentum': 0.9, 'weight_decay': 1e-4}"
    )
    batch_size: int = Field(64, description="1-512")
    epochs: int = Field(5, description="1-1000")
    seed: int = Field(0, description="same seed and data: same weights and events")
    augmentation: dict[str, Any] | None = Field(
        None, description="random affine transforms: rotation, scale, shear, shift"
    )
    lr_schedule: str = Field("constant", description="constant, cosine or step")
    warmup_steps: int = 0
    step_size: int = Field(1, description="epochs between decays of the step schedule")
    gamma: float = Field(0.1, description="decay factor of the step schedule")
    label_smoothing: float = 0.0
    emit_filters: bool = Field(True, description="stream the first conv layer's filters")
    step_every: int = Field(1, description="a step event every this many updates")


class JobCreated(BaseModel):
    id: str = Field(examples=["simple-mnist-1a2b3c4d"])
    state: JobState
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
        description="running, paused, done (stopped early when `stopped`), failed (see error), "
        "interrupted (the server restarted or shut down while it ran)"
    )
    config: dict[str, Any]
    created: float = Field(description="seconds since the epoch")
    finished: float | None
    error: str | None
    model_id: str | None = Field(description="the trained model in GET /api/models, once done")
    stopped: bool
    progress: Progress
    metrics: dict[str, float | None] = Field(
        description="last step's loss/accuracy/lr, last epoch's train/val scores, test scores"
    )


class CommandResult(BaseModel):
    id: str
    state: JobState
    changed: bool = Field(description="false when it changed nothing (e.g. already paused)")
