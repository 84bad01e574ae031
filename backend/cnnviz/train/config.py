"""What to train, on what, and how: a configuration that round-trips through JSON and names
every mistake in one error (the CLI and the API both hand it user input)."""

import copy
import math
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..data.augment import Augmentation
from ..data.registry import DATASETS, get_dataset
from ..nn import Dense, Sequential, build_model, make_optimizer
from ..nn.presets import MNIST_SHAPE, PRESETS
from .schedule import SCHEDULES

MAX_BATCH_SIZE = 512
MAX_EPOCHS = 1000
#: The most training samples any known dataset has (MNIST's and Fashion-MNIST's 60,000).
MAX_SAMPLES = max(info.train.count for info in DATASETS.values())
#: The most classes any known dataset has: the longest `classes` list.
MAX_CLASSES = max(len(info.classes) for info in DATASETS.values())
#: Updates one job may run, the bound of warmup_steps and step_every (1,000 epochs of 60,000
#: samples at batch 1 would be 60 million; the job budget of `cost.py` stops far sooner).
MAX_STEPS = 1_000_000

#: The range of every numeric field, in pydantic's keywords (ge, gt, le, lt): checked here, and
#: stated in the API's schema, which is built from this table.
RANGES: dict[str, dict[str, float]] = {
    "train_size": {"ge": 1, "le": MAX_SAMPLES},
    "validation_size": {"ge": 0, "le": MAX_SAMPLES},
    "lr": {"gt": 0, "le": 10},
    "batch_size": {"ge": 1, "le": MAX_BATCH_SIZE},
    "epochs": {"ge": 1, "le": MAX_EPOCHS},
    "seed": {"ge": 0, "le": 2**32 - 1},
    "warmup_steps": {"ge": 0, "le": MAX_STEPS},
    "step_size": {"ge": 1, "le": MAX_EPOCHS},
    "gamma": {"gt": 0, "le": 1},
    "label_smoothing": {"ge": 0, "lt": 1},
    "step_every": {"ge": 1, "le": MAX_STEPS},
}
#: The range of each numeric optimizer argument (which optimizer takes which is the engine's to
#: say: `make_optimizer` names those it does not take). Pairs (Adam's betas) hold two of them.
OPTIMIZER_RANGES: dict[str, dict[str, float]] = {
    "momentum": {"ge": 0, "lt": 1},
    "dampening": {"ge": 0, "le": 1},
    "weight_decay": {"ge": 0, "le": 1},
    "lr_decay": {"ge": 0, "le": 1},
    "initial_accumulator_value": {"ge": 0, "le": 10},
    "eps": {"ge": 0, "le": 1},
    "alpha": {"ge": 0, "le": 1},
    "betas": {"ge": 0, "lt": 1},
}
#: Optimizer arguments that are switches.
OPTIMIZER_FLAGS = ("nesterov", "centered", "amsgrad")


class ConfigError(ValueError):
    """A training configuration that cannot run; `problems` lists each thing to fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _in_range(value: Any, bounds: dict[str, float]) -> bool:
    return (
        _is_number(value)
        and math.isfinite(value)
        and all(
            {"ge": value >= b, "gt": value > b, "le": value <= b, "lt": value < b}[key]
            for key, b in bounds.items()
        )
    )


def _range_problem(name: str, value: Any, bounds: dict[str, float], integer: bool) -> str | None:
    """The message for a value outside `bounds` (None when inside): "an integer between 1 and
    512" for whole numbers, interval notation ("in (0, 10]") for the rest."""
    if _in_range(value, bounds) and (_is_int(value) or not integer):
        return None
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    if integer:
        return f"{name} must be an integer between {low:,} and {high:,}, got {value!r}"
    opening, closing = "[" if "ge" in bounds else "(", "]" if "le" in bounds else ")"
    return f"{name} must be a number in {opening}{low}, {high}{closing}, got {value!r}"


def _optimizer_kwargs_problem(kwargs: dict) -> str | None:
    """The first optimizer argument outside its range (see OPTIMIZER_RANGES), or None."""
    for key, value in kwargs.items():
        if key in OPTIMIZER_FLAGS:
            if not isinstance(value, bool):
                return f"optimizer_kwargs: {key} must be true or false, got {value!r}"
        elif key == "betas":
            if not isinstance(value, list | tuple) or len(value) != 2:
                return f"optimizer_kwargs: betas must be a pair of numbers, got {value!r}"
            for i, beta in enumerate(value):
                if problem := _range_problem(f"betas[{i}]", beta, OPTIMIZER_RANGES[key], False):
                    return f"optimizer_kwargs: {problem}"
        elif key in OPTIMIZER_RANGES and (
            problem := _range_problem(key, value, OPTIMIZER_RANGES[key], False)
        ):
            return f"optimizer_kwargs: {problem}"
    return None


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
    emit_filters: also emit the first convolution's weights before training and after each epoch.
    step_every: emit a step event every this many updates.
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

    def __post_init__(self) -> None:
        self.validate()

    # -- validation ------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ConfigError naming every problem, or return."""
        problems: list[str] = []

        def need(ok: bool, message: str) -> None:
            if not ok:
                problems.append(message)

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
            if not isinstance(classes, list | tuple) or not all(_is_int(c) for c in classes):
                problems.append(f"classes must be a list of class labels, got {classes!r}")
            else:
                num_classes = len(classes)
                duplicates = sorted(c for c, n in Counter(classes).items() if n > 1)
                need(len(classes) >= 2, f"classes needs at least 2 labels, got {list(classes)}")
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
            if value is None and name in ("train_size", "validation_size"):
                continue
            integer = name not in ("lr", "gamma", "label_smoothing")
            if problem := _range_problem(name, value, bounds, integer):
                problems.append(problem)

        lr_ok = _in_range(self.lr, RANGES["lr"])
        if not isinstance(self.optimizer_kwargs, dict):
            problems.append(f"optimizer_kwargs must be an object, got {self.optimizer_kwargs!r}")
        elif problem := _optimizer_kwargs_problem(self.optimizer_kwargs):
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
            self.augmentation is None or isinstance(self.augmentation, Augmentation),
            f"augmentation must be None or an Augmentation, got {self.augmentation!r}",
        )
        if problems:
            raise ConfigError(problems)

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
        if problems:
            raise ConfigError(problems)
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
        problems = []
        if n_val >= available:
            problems.append(
                f"validation_size {n_val:,} leaves no training samples of the {available:,} "
                "available; lower it"
            )
        rest = max(available - n_val, 0)
        n_train = rest if self.train_size is None else self.train_size
        if n_train > rest:
            problems.append(
                f"train_size {n_train:,} is larger than the {rest:,} training samples available "
                f"({available:,} of the chosen classes minus {n_val:,} held out for "
                "validation); lower it"
            )
        if problems:
            raise ConfigError(problems)
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
