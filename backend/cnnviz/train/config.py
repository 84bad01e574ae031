"""What to train, on what, and how: a configuration that round-trips through JSON and names
every mistake in one error (the CLI and the API both hand it user input)."""

import copy
import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..data.augment import Augmentation
from ..data.registry import get_dataset
from ..nn import Dense, Sequential, build_model, make_optimizer
from ..nn.presets import MNIST_SHAPE, PRESETS
from .schedule import SCHEDULES

MAX_BATCH_SIZE = 512
MAX_EPOCHS = 1000


class ConfigError(ValueError):
    """A training configuration that cannot run; `problems` lists each thing to fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


@dataclass
class TrainConfig:
    """What to train, on what, and how. Checked on creation: a ConfigError lists every problem.

    model: a preset name (`cnnviz.nn.PRESETS`), used when `spec` is None.
    spec: a model architecture (`Sequential.to_spec()`); its output size must match the classes.
    dataset: a name from `cnnviz.data.DATASETS`; it fixes the class count and names.
    classes: None for every class, or 2+ distinct dataset labels, e.g. [0, 1]; the model then
        gets that many outputs (a preset's last Dense layer is resized).
    train_size: None for every sample left after validation, else that many (stratified).
    validation_size: held out of the training data; None: a tenth of it; 0: no validation.
    optimizer, lr, optimizer_kwargs: `make_optimizer(optimizer, model, lr=lr, **optimizer_kwargs)`.
    batch_size: 1-512; the last batch of an epoch may be smaller.
    epochs: 1-1000. seed: any integer >= 0.
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

        def check_int(name: str, low: int, high: int | None = None, optional=False) -> None:
            value = getattr(self, name)
            if optional and value is None:
                return
            span = f"between {low} and {high}" if high is not None else f"at least {low}"
            if not _is_int(value) or value < low or (high is not None and value > high):
                problems.append(f"{name} must be an integer {span}, got {value!r}")

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
                duplicates = sorted({c for c in classes if list(classes).count(c) > 1})
                need(len(classes) >= 2, f"classes needs at least 2 labels, got {list(classes)}")
                need(not duplicates, f"classes has duplicates: {duplicates}")
                if n_dataset_classes is not None:
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
                net = Sequential.from_spec(self.spec)
                outputs = net.output_shapes(net.input_shape or MNIST_SHAPE)[-1]
                if num_classes is not None and outputs != (num_classes,):
                    problems.append(
                        f"spec: the model outputs shape {outputs}, but {num_classes} classes "
                        f"need ({num_classes},); change the last layer's out_features"
                    )
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(f"spec: {exc}")

        check_int("train_size", 1, optional=True)
        check_int("validation_size", 0, optional=True)
        check_int("batch_size", 1, MAX_BATCH_SIZE)
        check_int("epochs", 1, MAX_EPOCHS)
        check_int("seed", 0)
        check_int("warmup_steps", 0)
        check_int("step_size", 1)
        check_int("step_every", 1)

        lr_ok = _is_number(self.lr) and math.isfinite(self.lr) and self.lr > 0
        need(lr_ok, f"lr must be a positive number, got {self.lr!r}")
        if not isinstance(self.optimizer_kwargs, dict):
            problems.append(f"optimizer_kwargs must be an object, got {self.optimizer_kwargs!r}")
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
            _is_number(self.gamma) and 0 < self.gamma <= 1,
            f"gamma must be in (0, 1], got {self.gamma!r}",
        )
        need(
            _is_number(self.label_smoothing) and 0 <= self.label_smoothing < 1,
            f"label_smoothing must be in [0, 1), got {self.label_smoothing!r}",
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
