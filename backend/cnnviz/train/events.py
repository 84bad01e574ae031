"""The events a training run emits, in order: one `start` (and a `filters` when asked), then
`step`s, a `validation` every `validate_every` steps and after the last (with a `filters` after
it when asked: at most MAX_SNAPSHOTS a run, see `snapshot.py`), an `epoch` after each epoch's
last step, and one `done` at the end.

Every event is a plain dict with a "type", JSON-able as it is (json.dumps, no NaN: a non-finite
loss becomes None). Counters are 1-based: epoch 1 is the first, `global_step` counts the updates
made so far. Fields measuring wall-clock time (TIME_FIELDS) are the only ones that differ between
two runs of one configuration on the same data.

- start:   what is about to run, for progress bars and labels.
- step:    one optimizer update (every `step_every`-th, and every single step taken while paused).
- validation: the validation scores every few steps, and the training batches' mean since the
           previous point: the points of the Train view's learning curves.
- epoch:   the epoch's running training loss and accuracy, and the validation scores after it.
- filters: the first convolution's weights and one layer's output for a fixed probe digit,
           before training (step 0), with validation points, after each single step taken
           while paused and when a run is stopped: what the Train view redraws live.
- lr:      a new base learning rate asked for while the run goes (`POST /api/train/{id}/lr`),
           applied from the next update on; the schedule scales from it.
- done:    the final evaluation (on the test set when given, else the validation set, else none:
           then its metric fields are None), in words which samples it used, whether the run
           was stopped early, and with keep_best the epoch whose weights it kept.
"""

from typing import Any, Literal, TypedDict

TIME_FIELDS = frozenset({"samples_per_second", "seconds"})


class StartEvent(TypedDict):
    type: Literal["start"]
    config: dict[str, Any]  # TrainConfig.to_dict()
    model: dict[str, Any]  # the architecture, Sequential.to_spec()
    classes: list[int]  # dataset labels the model's outputs 0..K-1 stand for
    class_names: list[str]  # their names in the dataset ("0".."9", "Trouser", ...)
    train_size: int
    validation_size: int
    test_size: int | None  # None without a test set
    epochs: int
    steps_per_epoch: int
    total_steps: int
    validate_every: int  # updates between validation points
    validation_points: int  # how many the run will have


class StepEvent(TypedDict):
    type: Literal["step"]
    epoch: int  # 1-based
    step: int  # 1-based within the epoch
    steps_per_epoch: int
    global_step: int  # updates made so far, this one included
    total_steps: int
    loss: float | None  # this batch's mean loss, before the update
    accuracy: float  # this batch's accuracy, before the update
    lr: float  # the learning rate this update used
    samples_per_second: float  # training throughput since the previous step event (pauses excluded)
    single_step: bool  # taken with control.step() while paused


class EpochEvent(TypedDict):
    type: Literal["epoch"]
    epoch: int
    epochs: int
    global_step: int
    train_loss: float | None  # mean over the epoch's batches, as they were trained
    train_accuracy: float
    val_loss: float | None  # None without a validation set
    val_accuracy: float | None
    lr: float  # the last update's learning rate
    seconds: float  # the epoch's wall-clock time, validation and pauses included


class ValidationEvent(TypedDict):
    type: Literal["validation"]
    epoch: int  # the epoch in progress (1-based)
    global_step: int
    total_steps: int
    train_loss: float | None  # mean over the batches since the previous point, as trained
    train_accuracy: float
    val_loss: float | None  # None without a validation set
    val_accuracy: float | None


class LrEvent(TypedDict):
    type: Literal["lr"]
    global_step: int  # updates made so far; the next one uses the new rate
    lr: float  # the new base learning rate
    previous: float  # the base it replaces


class Probe(TypedDict):
    split: Literal["validation", "training"]  # where the probe digit comes from
    index: int  # its position in the training arrays the trainer was given
    label: int  # its class id (0..K-1)
    class_name: str
    image: list[list[int]]  # its 28×28 grey levels, 0-255
    layer: str  # the layer whose output follows
    shape: list[int]  # that output's shape for one image, e.g. (6, 28, 28)
    values: list  # the output, its first MAX_PROBE_CHANNELS channels, 4 decimals


class FiltersEvent(TypedDict):
    type: Literal["filters"]
    epoch: int  # the epoch in progress; 0 before the first update
    global_step: int  # updates made so far
    layer: str | None  # the first Conv2D's name, e.g. "conv1" (None: the model has none)
    shape: list[int] | None  # (out_channels, in_channels, KH, KW)
    weights: list | None  # nested lists of that shape
    probe: Probe | None  # None when the model has no layer to probe


class DoneEvent(TypedDict):
    type: Literal["done"]
    stopped: bool  # True when control.stop() ended the run early
    epochs_completed: int
    global_step: int
    seconds: float  # the whole run
    evaluated_on: Literal["test", "validation"] | None
    count: int | None  # samples evaluated
    accuracy: float | None
    loss: float | None
    confusion_matrix: list[list[int]] | None  # rows true, columns predicted (K × K)
    per_class_accuracy: list[float | None] | None
    misclassified: list[dict[str, Any]] | None  # {index, true, pred, confidence}; index into
    # the arrays the trainer was given (test arrays, or training arrays for validation)
    classes: list[int]
    class_names: list[str]
    evaluated_words: str | None  # e.g. "the first 100 test digits"; None without an evaluation
    best_epoch: int | None  # keep_best: the epoch whose weights the model holds (else None)
    best_accuracy: float | None  # that epoch's validation accuracy


EVENT_TYPES: dict[str, type] = {
    "start": StartEvent,
    "step": StepEvent,
    "validation": ValidationEvent,
    "epoch": EpochEvent,
    "filters": FiltersEvent,
    "lr": LrEvent,
    "done": DoneEvent,
}


def fields_of(event_type: str) -> tuple[str, ...]:
    """The keys an event of this type has, in order."""
    return tuple(EVENT_TYPES[event_type].__annotations__)


def without_times(event: dict[str, Any]) -> dict[str, Any]:
    """The event minus its wall-clock fields: equal for equal runs."""
    return {k: v for k, v in event.items() if k not in TIME_FIELDS}
