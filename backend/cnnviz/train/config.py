"""What to train, on what, and how: a configuration that round-trips through JSON and names
every mistake in one error (the CLI and the API both hand it user input)."""

import copy
from dataclasses import dataclass, field, fields
from typing import Any

from ..data.augment import Augmentation
from ..data.registry import get_dataset
from ..nn import Dense, Sequential, build_model, make_optimizer
from ..nn.optim import Optimizer, ParamGroups, make_param_groups
from .checks import check_classes, check_network, check_param_groups, optimizer_problem
from .loss import LOSSES
from .problems import ConfigError, Problems, class_words
from .ranges import (
    MAX_CLASSES,
    MAX_NAME_LENGTH,
    OPTIMIZER_RANGES,
    OPTIONAL,
    RANGES,
    REAL,
    range_problem,
    range_words,
)
from .schedule import SCHEDULES
from .subsets import SUBSETS

__all__ = ["MAX_CLASSES", "OPTIMIZER_RANGES", "RANGES", "ConfigError", "TrainConfig", "class_words"]


@dataclass
class TrainConfig:
    """What to train, on what, and how. Checked on creation: a ConfigError lists every problem.
    Every numeric field lies in its range of RANGES (optimizer arguments: OPTIMIZER_RANGES).

    model: a preset name (`cnnviz.nn.PRESETS`), used when `spec` is None.
    spec: a model architecture (`Sequential.to_spec()`); its output size must match the classes.
    dataset: a name from `cnnviz.data.DATASETS`; it fixes the class count and names.
    classes: None for every class, or 2+ distinct dataset labels, e.g. [0, 1]; the model then
        gets that many outputs (a preset's last Dense layer is resized), or one: a model with a
        single output is a sigmoid head and learns exactly two classes (the second positive).
    train_size: None for every sample left after validation, else that many.
    validation_size: held out of the training data; None: a tenth of it; 0: no validation.
    train_subset: "stratified" (a seeded random order that keeps the class proportions) or
        "first" (the first train_size samples of the chosen classes in file order, validation
        the next validation_size): which training samples, see `subsets.py`.
    test_size, test_subset: the final evaluation on test_size test samples (None: all of the
        chosen classes), the first ones in file order or a stratified random draw.
    loss: "cross_entropy" or "mse" (see `loss.py`).
    keep_best: keep the weights of the epoch with the best validation accuracy (the first of
        equals) instead of the last; needs a validation set.
    optimizer, lr, optimizer_kwargs: `make_optimizer(optimizer, model, lr=lr, **optimizer_kwargs)`.
    param_groups: layers with their own optimizer, as torch's parameter groups: a list of
        {"layers": [layer names], "optimizer", "lr", "optimizer_kwargs"}; the other layers use
        the main optimizer, and the schedule scales every group's rate alike.
    batch_size: the last batch of an epoch may be smaller. epochs, seed.
    augmentation: None, or random transforms of each training batch (`Augmentation`; a dict of
        its parameters in from_dict).
    lr_schedule: "constant", "cosine" or "step" (see `schedule.py`), with warmup_steps (linear
        warmup, any schedule), step_size (epochs between decays) and gamma (decay factor).
    label_smoothing: in [0, 1); targets (1 - ε) one-hot + ε / K, as torch's cross_entropy.
    emit_filters: also emit the first convolution's weights, and one layer's output for a fixed
        probe digit, before training and at each validation point (at most twice a second).
    step_every: emit a step event every this many updates.
    steps_per_second: None trains as fast as possible; a number is a watch pace, at most
        MAX_STEPS_PER_SECOND updates a second (`TrainingControl` holds the loop to it).
    validate_every: a validation point (the validation set scored, a `validation` event) every
        this many updates and after the last; None: about VALIDATION_POINTS points over the run
        (see `plan.validation_interval`).
    probe_layer: the layer whose output for the probe digit `filters` events carry; None: the
        first Conv2D.
    """

    model: str = "simple"
    spec: dict[str, Any] | None = None
    dataset: str = "mnist"
    classes: list[int] | None = None
    train_size: int | None = None
    validation_size: int | None = None
    train_subset: str = "stratified"
    test_size: int | None = None
    test_subset: str = "stratified"
    loss: str = "cross_entropy"
    keep_best: bool = False
    optimizer: str = "adam"
    lr: float = 1e-3
    optimizer_kwargs: dict[str, Any] = field(default_factory=dict)
    param_groups: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int = 64
    epochs: int = 5
    seed: int = 0
    augmentation: Augmentation | None = None
    lr_schedule: str = "constant"
    warmup_steps: int = 0
    step_size: int = 1
    gamma: float = 0.1
    label_smoothing: float = 0.0
    emit_filters: bool = False
    step_every: int = 1
    steps_per_second: float | None = None
    validate_every: int | None = None
    probe_layer: str | None = None

    def __post_init__(self) -> None:
        self.validate()

    # -- validation ------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ConfigError naming every problem, or return."""
        problems = Problems()
        num_classes = check_classes(self.dataset, self.classes, problems)
        layer_names, outputs = check_network(self.model, self.spec, num_classes, problems)
        for name, bounds in RANGES.items():
            value = getattr(self, name)
            if value is None and name in OPTIONAL:
                continue
            if problem := range_problem(name, value, bounds, name not in REAL):
                problems.add(problem, name, range_words(name))
        if problem := optimizer_problem(self.optimizer, self.lr, self.optimizer_kwargs):
            problems.add(problem)
        if self.param_groups:
            check_param_groups(self.param_groups, layer_names, problems)
        for name, choices in (
            ("lr_schedule", SCHEDULES),
            ("loss", LOSSES),
            ("train_subset", SUBSETS),
            ("test_subset", SUBSETS),
        ):
            value = getattr(self, name)
            problems.need(
                value in choices, f"unknown {name} {value!r}; choose one of {', '.join(choices)}"
            )
        for name in ("emit_filters", "keep_best"):
            value = getattr(self, name)
            problems.need(isinstance(value, bool), f"{name} must be true or false, got {value!r}")
        problems.need(
            not (self.keep_best is True and self.validation_size == 0),
            "keep_best picks the epoch with the best validation accuracy, so it needs a "
            "validation set: set validation_size above 0 (or leave it out: a tenth)",
            "keep_best",
            "needs a validation set (validation size above 0)",
        )
        problems.need(
            not self.label_smoothing or (self.loss == "cross_entropy" and outputs != (1,)),
            "label_smoothing applies to the softmax cross_entropy loss only (more than one "
            f"output); set it to 0 for loss {self.loss!r}"
            + (" and a one-output network" if outputs == (1,) else ""),
        )
        problems.need(
            self.probe_layer is None
            or (isinstance(self.probe_layer, str) and 0 < len(self.probe_layer) <= MAX_NAME_LENGTH),
            f"probe_layer must be a layer name of at most {MAX_NAME_LENGTH} characters or None, "
            f"got {self.probe_layer!r}",
        )
        problems.need(
            self.augmentation is None or isinstance(self.augmentation, Augmentation),
            f"augmentation must be None or an Augmentation, got {self.augmentation!r}",
        )
        problems.raise_any()

    # -- JSON ------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out = {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self)}
        out["augmentation"] = self.augmentation.to_dict() if self.augmentation else None
        if self.classes is not None:
            out["classes"] = [int(c) for c in self.classes]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainConfig":
        """Build from `to_dict()`'s output (or a web form's JSON); missing keys take defaults."""
        if not isinstance(data, dict):
            raise ConfigError([f"a training configuration is an object, got {data!r}"])
        known = [f.name for f in fields(cls)]
        problems = [
            f"unknown field {key!r}; fields are {', '.join(known)}"
            for key in data
            if key not in known
        ]
        by_field: dict[str, str] = {}
        kwargs = {key: value for key, value in data.items() if key in known}
        augmentation = kwargs.get("augmentation")
        if isinstance(augmentation, dict):
            try:
                kwargs["augmentation"] = Augmentation.from_dict(augmentation)
            except (ValueError, TypeError) as exc:
                problems.append(f"augmentation: {exc}")
                kwargs["augmentation"] = None
        try:
            config = cls(**kwargs)
        except ConfigError as exc:
            problems.extend(exc.problems)
            by_field.update(exc.fields)
        if problems:
            raise ConfigError(problems, by_field)
        return config

    # -- derived ---------------------------------------------------------------------------------
    def dataset_classes(self) -> tuple[list[int], list[str]]:
        """The dataset labels trained on (in output order) and their names."""
        info = get_dataset(self.dataset)
        labels = list(range(len(info.classes))) if self.classes is None else list(self.classes)
        return [int(c) for c in labels], [info.classes[c] for c in labels]

    def split_sizes(self, available: int) -> tuple[int, int]:
        """(training, validation) sample counts out of the `available` samples of the chosen
        classes: validation_size held out first (default: a tenth), train_size of the rest
        (default: all of it). A ConfigError with the available count when they do not fit."""
        n_val = available // 10 if self.validation_size is None else self.validation_size
        problems, by_field = [], {}
        _, names = self.dataset_classes()
        chosen = class_words(names, self.classes is None)
        if n_val >= available:
            problems.append(
                f"validation_size {n_val:,} leaves no training samples of the {available:,} "
                "available; lower it"
            )
            by_field["validation_size"] = f"at most {max(available - 1, 0):,} for {chosen}"
        if self.keep_best and n_val == 0 and available > 1:
            problems.append(
                f"keep_best needs validation samples, but a tenth of the {available:,} available "
                "is none; set validation_size to at least 1"
            )
            by_field["keep_best"] = "needs at least 1 validation digit: set the validation size"
        rest = max(available - n_val, 0)
        n_train = rest if self.train_size is None else self.train_size
        if n_train > rest:
            problems.append(
                f"train_size {n_train:,} is larger than the {rest:,} training samples available "
                f"({available:,} of the chosen classes minus {n_val:,} held out for "
                "validation); lower it"
            )
            by_field["train_size"] = (
                f"at most {rest:,} for {chosen} ({available:,} on the server, {n_val:,} of "
                "them held out for validation)"
            )
        if problems:
            raise ConfigError(problems, by_field)
        return n_train, n_val

    def build_model(self) -> Sequential:
        """A fresh model drawn from `seed`, with one output per class (or the one output of a
        sigmoid head, for two classes)."""
        k = len(self.dataset_classes()[0])
        if self.spec is not None:
            return Sequential.from_spec(self.spec, seed=self.seed)
        model = build_model(self.model, seed=self.seed)
        head = model[len(model) - 1]
        if isinstance(head, Dense) and head.out_features in (k, 1):
            return model  # a one-output (sigmoid) preset learns two classes, as validated
        # Same preset, last Dense resized: the spec rebuilt from the same seed draws the same
        # weights for every earlier layer.
        spec = model.to_spec()
        last = max(i for i, entry in enumerate(spec["layers"]) if entry["type"] == "Dense")
        spec["layers"][last]["out_features"] = k
        return Sequential.from_spec(spec, seed=self.seed)

    def make_optimizer(self, model: Sequential) -> Optimizer | ParamGroups:
        """The optimizer of `model`'s parameters: one for every layer, or, with param_groups,
        each group's own and the main one for the layers no group names."""
        if not self.param_groups:
            return make_optimizer(self.optimizer, model, lr=self.lr, **self.optimizer_kwargs)
        groups = [
            (g["layers"], g["optimizer"], g["lr"], g.get("optimizer_kwargs", {}))
            for g in self.param_groups
        ]
        return make_param_groups(model, (self.optimizer, self.lr, self.optimizer_kwargs), groups)
