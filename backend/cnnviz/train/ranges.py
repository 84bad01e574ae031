"""The ranges of a training configuration's numbers, in one table each (RANGES, and
OPTIMIZER_RANGES for the optimizer's arguments): `TrainConfig` checks them, the API's schema
states them (it is built from these tables), and `range_words` says them in a form's words.
"""

import math
from typing import Any

import numpy as np

from ..data.registry import DATASETS

MAX_BATCH_SIZE = 512
MAX_EPOCHS = 1000
#: The most training samples any known dataset has (MNIST's and Fashion-MNIST's 60,000).
MAX_SAMPLES = max(info.train.count for info in DATASETS.values())
#: The most classes any known dataset has: the longest `classes` list.
MAX_CLASSES = max(len(info.classes) for info in DATASETS.values())
#: Updates one job may run, the bound of warmup_steps and step_every (1,000 epochs of 60,000
#: samples at batch 1 would be 60 million; the job budget of `cost.py` stops far sooner).
MAX_STEPS = 1_000_000
#: The fastest watch pace (optimizer updates per second) a run may ask for: faster than a chart
#: can be followed, slower than a small model trains on one core.
MAX_STEPS_PER_SECOND = 50
#: Layer names are at most this long (a probe layer names one).
MAX_NAME_LENGTH = 64
#: Parameter groups (layers with their own optimizer) one run may have.
MAX_PARAM_GROUPS = 8
#: Layers one parameter group may name (a model has at most 64).
MAX_GROUP_LAYERS = 64

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
    "steps_per_second": {"gt": 0, "le": MAX_STEPS_PER_SECOND},
    "validate_every": {"ge": 1, "le": MAX_STEPS},
    "test_size": {"ge": 1, "le": MAX_SAMPLES},
}
#: Fields that may be None (their meaning is in TrainConfig's docstring).
OPTIONAL = ("train_size", "validation_size", "steps_per_second", "validate_every", "test_size")
#: Numeric fields that need not be whole numbers.
REAL = ("lr", "gamma", "label_smoothing", "steps_per_second")
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


def range_words(name: str) -> str:
    """The range of field `name` (see RANGES) in a form's words: "a whole number from 1 to 512",
    "a number above 0 and at most 10"."""
    bounds = RANGES[name]
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    if name not in REAL:
        return f"a whole number from {low:,} to {high:,}"
    above = f"at least {low:g}" if "ge" in bounds else f"above {low:g}"
    below = f"at most {high:g}" if "le" in bounds else f"below {high:g}"
    return f"a number {above} and {below}"


def is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def in_range(value: Any, bounds: dict[str, float]) -> bool:
    return (
        _is_number(value)
        and math.isfinite(value)
        and all(
            {"ge": value >= b, "gt": value > b, "le": value <= b, "lt": value < b}[key]
            for key, b in bounds.items()
        )
    )


def range_problem(name: str, value: Any, bounds: dict[str, float], integer: bool) -> str | None:
    """The message for a value outside `bounds` (None when inside): "an integer between 1 and
    512" for whole numbers, interval notation ("in (0, 10]") for the rest."""
    if in_range(value, bounds) and (is_int(value) or not integer):
        return None
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    if integer:
        return f"{name} must be an integer between {low:,} and {high:,}, got {value!r}"
    opening, closing = "[" if "ge" in bounds else "(", "]" if "le" in bounds else ")"
    return f"{name} must be a number in {opening}{low}, {high}{closing}, got {value!r}"


def optimizer_kwargs_problem(kwargs: dict) -> str | None:
    """The first optimizer argument outside its range (see OPTIMIZER_RANGES), or None."""
    for key, value in kwargs.items():
        if key in OPTIMIZER_FLAGS:
            if not isinstance(value, bool):
                return f"optimizer_kwargs: {key} must be true or false, got {value!r}"
        elif key == "betas":
            if not isinstance(value, list | tuple) or len(value) != 2:
                return f"optimizer_kwargs: betas must be a pair of numbers, got {value!r}"
            for i, beta in enumerate(value):
                if problem := range_problem(f"betas[{i}]", beta, OPTIMIZER_RANGES[key], False):
                    return f"optimizer_kwargs: {problem}"
        elif key in OPTIMIZER_RANGES and (
            problem := range_problem(key, value, OPTIMIZER_RANGES[key], False)
        ):
            return f"optimizer_kwargs: {problem}"
    return None
