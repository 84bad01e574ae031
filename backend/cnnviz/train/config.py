"""What to train, on what, and how: a configuration that round-trips through JSON and names
every mistake in one error (the CLI and the API both hand it user input)."""

import copy
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from ..data.augment import Augmentation
from ..data.registry import get_dataset
from ..nn import Dense, Sequential, build_model, make_optimizer
from ..nn.presets import MNIST_SHAPE, PRESETS
from .ranges import (
    MAX_CLASSES,
    MAX_NAME_LENGTH,
    OPTIMIZER_RANGES,
    OPTIONAL,
    RANGES,
    REAL,
    in_range,
    is_int,
    optimizer_kwargs_problem,
    range_problem,
    range_words,
)
from .schedule import SCHEDULES

__all__ = ["MAX_CLASSES", "OPTIMIZER_RANGES", "RANGES", "ConfigError", "TrainConfig", "class_words"]


class ConfigError(ValueError):
    """A training configuration that cannot run; `problems` lists each thing to fix, in the API's
    words (naming the fields). `fields` says the same about the fields a person sets in a form,
    field by field and in words that do not name the field ("at most 540 for classes 0 and 1"),
    so a form can show each message next to its own input."""

    def __init__(self, problems: list[str], fields: dict[str, str] | None = None) -> None:
        self.problems = list(problems)
        self.fields = dict(fields or {})
        super().__init__("; ".join(self.problems))


def class_words(names: list[str], every: bool) -> str:
    """The classes a run learns, as a sentence says them: "classes 0 and 1", "all 10 classes"."""
    if every:
        return f"all {len(names)} classes"
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    return f"classes {listed}"


@dataclass
class TrainConfig:
    """What to train, on what, and how. Checked on creation: a ConfigError lists every problem.
    Every numeric field lies in its range of RANGES (optimizer arguments: OPTIMIZER_RANGES).

    model: a preset name (`cnnviz.nn.PRESETS`), used when `spec` is None.
    spec: a model architecture (`Sequential.to_spec()`); its output size must match the classes.
    dataset: a name from `cnnviz.data.DATASETS`; it fixes the class count and names.
    classes: None for every class, or 2+ distinct dataset labels, e.g. [0, 1]; the model then
        gets that many outputs (a preset's last Dense layer is resized).
    train_size: None for every sample left after validation, else that many (stratified).
    validation_size: held out of the training data; None: a tenth of it; 0: no validation.
    optimizer, lr, optimizer_kwargs: `make_optimizer(optimizer, model, lr=lr, **optimizer_kwargs)`.
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
    optimizer: str = "adam"
    lr: float = 1e-3
    optimizer_kwargs: dict[str, Any] = field(default_factory=dict)
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
        problems: list[str] = []
        by_field: dict[str, str] = {}

        def need(ok: bool, message: str, field: str | None = None, words: str = "") -> None:
            if not ok:
                problems.append(message)
                if field:
                    by_field[field] = words

        n_dataset_classes = None
        try:
            info = get_dataset(self.dataset) if isinstance(self.dataset, str) else None
            need(info is not None, f"dataset must be a name, got {self.dataset!r}")
            n_dataset_classes = len(info.classes) if info else None
        except ValueError as exc:
            problems.append(str(exc))

        num_classes = n_dataset_classes
        if self.classes is not None:
            classes = self.classes
            if not isinstance(classes, list | tuple) or not all(is_int(c) for c in classes):
                problems.append(f"classes must be a list of class labels, got {classes!r}")
            else:
                num_classes = len(classes)
                duplicates = sorted(c for c, n in Counter(classes).items() if n > 1)
                need(
                    len(classes) >= 2,
                    f"classes needs at least 2 labels, got {list(classes)}",
                    "classes",
                    "choose at least 2",
                )
                need(not duplicates, f"classes has duplicates: {duplicates}")
                if n_dataset_classes is not None and len(classes) > n_dataset_classes:
                    problems.append(
                        f"classes has {len(classes):,} labels, but {self.dataset} has "
                        f"{n_dataset_classes}; list each of 0..{n_dataset_classes - 1} at most once"
                    )
                elif n_dataset_classes is not None:
                    bad = [c for c in classes if not 0 <= c < n_dataset_classes]
                    need(
                        not bad,
                        f"classes {bad} are not labels of {self.dataset}; "
                        f"use 0..{n_dataset_classes - 1}",
                    )

        if self.spec is None:
            need(
                self.model in PRESETS,
                f"unknown model {self.model!r}; choose one of {', '.join(PRESETS)} or give a spec",
            )
        else:
            try:
                # Building draws the weights: a client's spec passes the size limits
                # (`cnnviz.models.limits.check_spec`) before it gets here.
                net = Sequential.from_spec(self.spec)
                outputs = net.output_shapes(net.input_shape or MNIST_SHAPE)[-1]
                if num_classes is not None and outputs != (num_classes,):
                    problems.append(
                        f"spec: the model outputs shape {outputs}, but {num_classes} classes "
                        f"need ({num_classes},); change the last layer's out_features"
                    )
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(f"spec: {exc}")

        for name, bounds in RANGES.items():
            value = getattr(self, name)
            if value is None and name in OPTIONAL:
                continue
            integer = name not in REAL
            if problem := range_problem(name, value, bounds, integer):
                problems.append(problem)
                by_field[name] = range_words(name)

        lr_ok = in_range(self.lr, RANGES["lr"])
        if not isinstance(self.optimizer_kwargs, dict):
            problems.append(f"optimizer_kwargs must be an object, got {self.optimizer_kwargs!r}")
        elif problem := optimizer_kwargs_problem(self.optimizer_kwargs):
            problems.append(problem)
        elif not isinstance(self.optimizer, str):
            problems.append(f"optimizer must be a name, got {self.optimizer!r}")
        elif "lr" in self.optimizer_kwargs:
            problems.append("optimizer_kwargs must not hold lr; set the lr field")
        else:
            try:
                make_optimizer(
                    self.optimizer, [], lr=self.lr if lr_ok else 1.0, **self.optimizer_kwargs
                )
            except (ValueError, TypeError) as exc:
                problems.append(f"optimizer: {exc}")

        need(
            self.lr_schedule in SCHEDULES,
            f"unknown lr_schedule {self.lr_schedule!r}; choose one of {', '.join(SCHEDULES)}",
        )
        need(
            isinstance(self.emit_filters, bool),
            f"emit_filters must be true or false, got {self.emit_filters!r}",
        )
        need(
            self.probe_layer is None
            or (isinstance(self.probe_layer, str) and 0 < len(self.probe_layer) <= MAX_NAME_LENGTH),
            f"probe_layer must be a layer name of at most {MAX_NAME_LENGTH} characters or None, "
            f"got {self.probe_layer!r}",
        )
        need(
            self.augmentation is None or isinstance(self.augmentation, Augmentation),
            f"augmentation must be None or an Augmentation, got {self.augmentation!r}",
        )
        if problems:
            raise ConfigError(problems, by_field)

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
        """A fresh model drawn from `seed`, with one output per class."""
        k = len(self.dataset_classes()[0])
        if self.spec is not None:
            return Sequential.from_spec(self.spec, seed=self.seed)
        model = build_model(self.model, seed=self.seed)
        head = model[len(model) - 1]
        if isinstance(head, Dense) and head.out_features == k:
            return model
        # Same preset, last Dense resized: the spec rebuilt from the same seed draws the same
        # weights for every earlier layer.
        spec = model.to_spec()
        last = max(i for i, entry in enumerate(spec["layers"]) if entry["type"] == "Dense")
        spec["layers"][last]["out_features"] = k
        return Sequential.from_spec(spec, seed=self.seed)
