"""Validation points: how often a run scores its validation set (every `validate_every` updates
and after the last; by default about VALIDATION_POINTS over the run), how many points that makes
(bounded: each is an event a job's history keeps whole), and what each point says about the
training batches since the one before.
"""

import math

from .config import ConfigError
from .events import ValidationEvent
from .metrics import Evaluation

#: Validation points a run gets when it does not say how often (`validate_every` None).
VALIDATION_POINTS = 30
#: Validation points one run may ask for.
MAX_VALIDATION_POINTS = 500


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def validation_interval(validate_every: int | None, total_steps: int) -> int:
    """Updates between validation points: `validate_every`, or (None) the interval that gives
    about VALIDATION_POINTS points over `total_steps`."""
    if validate_every is not None:
        return validate_every
    return max(1, math.ceil(total_steps / VALIDATION_POINTS))


def validation_count(interval: int, total_steps: int) -> int:
    """Validation points of a run: one every `interval` updates, and one after the last."""
    return total_steps // interval + (1 if total_steps % interval else 0)


def check_validation_points(interval: int, total_steps: int) -> None:
    """A ConfigError when one point every `interval` updates gives more than
    MAX_VALIDATION_POINTS over `total_steps`."""
    points = validation_count(interval, total_steps)
    if points <= MAX_VALIDATION_POINTS:
        return
    least = math.ceil(total_steps / MAX_VALIDATION_POINTS)
    raise ConfigError(
        [
            f"validate_every {interval:,} gives {points:,} validation points over "
            f"{total_steps:,} steps; at most {MAX_VALIDATION_POINTS} a run: set it to at least "
            f"{least:,}"
        ],
        {"validate_every": f"at least {least:,} for a run of {total_steps:,} steps"},
    )


class SincePoint:
    """The training batches since the last validation point: their mean loss and accuracy."""

    def __init__(self) -> None:
        self.loss, self.hits, self.seen = 0.0, 0, 0

    def add(self, loss: float, hits: int, n: int) -> None:
        self.loss += loss * n
        self.hits += hits
        self.seen += n

    def event(
        self, epoch: int, global_step: int, total_steps: int, val: Evaluation | None
    ) -> ValidationEvent:
        return ValidationEvent(
            type="validation",
            epoch=epoch,
            global_step=global_step,
            total_steps=total_steps,
            train_loss=_finite(self.loss / self.seen),
            train_accuracy=self.hits / self.seen,
            val_loss=None if val is None else _finite(val.loss),
            val_accuracy=None if val is None else val.accuracy,
        )
