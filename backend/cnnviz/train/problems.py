"""How a training configuration says what is wrong with it: one error listing every problem, in
the API's words and, field by field, in a form's words."""

from typing import Any

__all__ = [
    "ConfigError",
    "Problems",
    "TrainingDivergedError",
    "class_words",
    "diverged",
    "outputs_problem",
]


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


def outputs_problem(outputs: tuple[int, ...], num_classes: int) -> str | None:
    """Why a model whose last layer outputs `outputs` (one sample) cannot learn `num_classes`
    classes, or None. K outputs learn K classes through a softmax; one output is a sigmoid head,
    the probability of the second of exactly two classes."""
    if outputs == (num_classes,) or (outputs == (1,) and num_classes == 2):
        return None
    if outputs == (1,):
        return (
            f"a model with one output (a sigmoid head) learns exactly two classes, not "
            f"{num_classes}; choose two classes or give the last layer {num_classes} outputs"
        )
    return (
        f"the model outputs shape {outputs}, but the {num_classes} classes need ({num_classes},)"
        + (" or (1,) (a sigmoid head)" if num_classes == 2 else "")
        + "; change the last layer's out_features"
    )


class Problems:
    """Collects a configuration's problems while it is checked, then raises them together."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.fields: dict[str, str] = {}

    def add(self, message: str, field: str | None = None, words: str = "") -> None:
        """Record `message` (the API's words) and, for a form's `field`, its `words`."""
        self.messages.append(message)
        if field:
            self.fields[field] = words

    def need(self, ok: bool, message: str, field: str | None = None, words: str = "") -> None:
        """Record the problem unless `ok`."""
        if not ok:
            self.add(message, field, words)

    def raise_any(self) -> None:
        if self.messages:
            raise ConfigError(self.messages, self.fields)


class TrainingDivergedError(ValueError):
    """The training loss stopped being a finite number: the updates were too large."""


def diverged(
    loss: float, global_step: int, total_steps: int, lr: float, optimizer_kwargs: dict[str, Any]
) -> TrainingDivergedError:
    """The error naming what to lower, with the values the run used."""
    used = [f"lr {lr:g}"] + [
        f"{key} {optimizer_kwargs[key]:g}"
        for key in ("weight_decay", "momentum")
        if optimizer_kwargs.get(key)
    ]
    return TrainingDivergedError(
        f"training diverged: the loss became {loss} at step {global_step:,} of "
        f"{total_steps:,}; lower the learning rate (lr), the weight decay or the "
        f"momentum, or add warmup_steps ({', '.join(used)} in this run)"
    )
