"""What a run will be, before it starts: how many images it trains on (of how many the server
has for its classes), its steps, its validation points, its compute against the budget, how long
it takes at its watch pace, the layers a probe may watch, and every problem in the API's words
and, field by field, in a form's words. `POST /api/train/plan` answers it while a form is filled
in; `POST /api/train` refuses a run whose plan has problems; the trainer takes its validation
interval and probe layer from the same functions.
"""

from dataclasses import dataclass, field
from typing import Any

from ..nn import Conv2D, Sequential
from ..nn.presets import MNIST_SHAPE
from .config import ConfigError, TrainConfig
from .cost import MAX_JOB_MULTIPLY_ADDS, check_job, job_multiply_adds
from .points import check_validation_points, validation_count, validation_interval

#: Multiply-adds per second the duration estimate assumes for a run at full speed. The README's
#: benchmark trains LeNet-5 at about 1.3e10 on the development machine; a worker runs at idle
#: priority beside the server and small batches pay more overhead, so the estimate takes less.
ESTIMATED_MULTIPLY_ADDS_PER_SECOND = 5e9


def probe_layer(model: Sequential, requested: str | None) -> str | None:
    """The layer whose output a run shows for its probe digit: `requested`, else the first
    Conv2D (None for a model without one). A ConfigError for a name the model lacks."""
    if requested is None:
        return next((layer.name for layer in model if isinstance(layer, Conv2D)), None)
    if requested not in model.names:
        raise ConfigError(
            [
                f"probe_layer {requested!r} is not a layer of this model; its layers are "
                f"{', '.join(model.names)}"
            ],
            {"probe_layer": f"choose one of {', '.join(model.names)}"},
        )
    return requested


@dataclass
class Plan:
    """A run as it will be (see the module). Counts are None when they depend on a dataset the
    server does not have; `fits` is False when `problems` lists anything."""

    dataset: str
    classes: list[int]
    class_names: list[str]
    class_counts: list[int] | None = None
    available: int | None = None
    validation_size: int | None = None
    train_size: int | None = None
    max_train_size: int | None = None
    batch_size: int = 0
    epochs: int = 0
    steps_per_epoch: int | None = None
    total_steps: int | None = None
    steps_per_second: float | None = None
    validate_every: int | None = None
    validation_points: int | None = None
    multiply_adds: int | None = None
    budget: int = MAX_JOB_MULTIPLY_ADDS
    seconds: float | None = None
    probe_layer: str | None = None
    test_available: int | None = None
    test_size: int | None = None
    layers: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def fits(self) -> bool:
        return not self.problems

    def add(self, error: ConfigError) -> None:
        self.problems.extend(error.problems)
        for name, words in error.fields.items():
            self.fields.setdefault(name, words)


def plan_job(
    config: TrainConfig,
    model: Sequential,
    counts: list[int] | None,
    test_counts: list[int] | None = None,
) -> Plan:
    """The plan of training `model` (built from `config`) with `counts` training samples and
    `test_counts` test samples per dataset label on disk (None: that split is not there)."""
    classes, names = config.dataset_classes()
    plan = Plan(
        config.dataset,
        classes,
        names,
        batch_size=config.batch_size,
        epochs=config.epochs,
        steps_per_second=config.steps_per_second,
    )
    shapes = model.output_shapes(model.input_shape or MNIST_SHAPE)
    plan.layers = [
        {"name": layer.name, "type": type(layer).__name__, "shape": list(shape)}
        for layer, shape in zip(model, shapes, strict=True)
    ]
    try:
        plan.probe_layer = probe_layer(model, config.probe_layer)
    except ConfigError as exc:
        plan.add(exc)
    if test_counts is not None:
        plan.test_available = sum(test_counts[c] if c < len(test_counts) else 0 for c in classes)
        plan.test_size = config.test_size or plan.test_available
        if config.test_size is not None and config.test_size > plan.test_available:
            plan.problems.append(
                f"test_size {config.test_size:,} is larger than the {plan.test_available:,} test "
                "images of the chosen classes; lower it"
            )
            plan.fields["test_size"] = f"at most {plan.test_available:,} for these classes"
    if counts is None:
        return plan
    plan.class_counts = [counts[c] if c < len(counts) else 0 for c in classes]
    plan.available = sum(plan.class_counts)
    try:
        n_train, n_val = config.split_sizes(plan.available)
    except ConfigError as exc:
        plan.add(exc)
        return plan
    plan.train_size, plan.validation_size, plan.max_train_size = (
        n_train,
        n_val,
        plan.available - n_val,
    )
    plan.steps_per_epoch = -(-n_train // config.batch_size)
    plan.total_steps = plan.steps_per_epoch * config.epochs
    plan.validate_every = validation_interval(config.validate_every, plan.total_steps)
    plan.validation_points = validation_count(plan.validate_every, plan.total_steps)
    try:
        check_validation_points(plan.validate_every, plan.total_steps)
    except ConfigError as exc:
        plan.add(exc)
    evaluations = plan.validation_points + config.epochs if n_val else 0
    try:
        check_job(model, n_train, config.epochs, config.batch_size, evaluations, n_val)
    except ConfigError as exc:
        plan.add(exc)
    plan.multiply_adds = job_multiply_adds(model, n_train, config.epochs, evaluations, n_val)
    computing = plan.multiply_adds / ESTIMATED_MULTIPLY_ADDS_PER_SECOND
    paced = plan.total_steps / config.steps_per_second if config.steps_per_second else 0.0
    plan.seconds = max(computing, paced)
    return plan
