"""What a model is, in words: the label the model picker shows ("LeNet-5 · digits 0-1 · MNIST ·
1 Dec 14:05"), its accuracy with the classes it was measured on ("99.05% on 0-1"), and the warning
the Draw view gives when a model knows only some digits.

Everything is composed from a model file's metadata (`cnnviz.models.metadata`), so two runs of
the same preset on different classes, or at different times, no longer look alike; a name a user
chose (on creating, importing or renaming) is shown instead of the label, but the label stays.
"""

import datetime as dt

from cnnviz.data import DATASETS

#: How the presets are known outside the code; any other preset is shown by its name.
PRESET_TITLES = {
    "lenet5": "LeNet-5",
    "simple": "Simple CNN",
    "tinyvgg": "Tiny VGG",
    "sigmoid01": "Sigmoid CNN",
    "cnn32-64-64": "CNN 32-64-64",
}
CUSTOM_TITLE = "Custom network"
DIGITS = tuple(str(digit) for digit in range(10))
#: Month names written here, not by strftime, so the label does not follow the server's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: At most this many class names are listed in a label; more are counted ("4 classes").
MAX_NAMES_LISTED = 3


def model_classes(meta: dict) -> list[str] | None:
    """The class names of the model's outputs, in order, or None for a file that does not say
    (saved before cnnviz recorded them; the store records them for every model it adds)."""
    names = meta.get("class_names")
    if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
        return names
    return None


def model_label(meta: dict, *, now: dt.datetime | None = None, tz: dt.tzinfo | None = None) -> str:
    """Network · classes · dataset · when, each part left out when unknown (an untrained
    model has no dataset).

    Times are shown in `tz` (default: the server's local time zone), the year only when it is
    not `now`'s (default: the current time)."""
    preset = meta.get("preset")
    network = PRESET_TITLES.get(preset, preset) if isinstance(preset, str) else CUSTOM_TITLE
    parts = [network]
    classes = model_classes(meta)
    if classes is not None:
        known = _compact(classes, meta.get("dataset"))
        parts.append(f"digits {known}" if _are_digits(classes) else known)
    dataset = DATASETS.get(meta.get("dataset"))
    if dataset is not None:  # untrained: its accuracy text says so
        parts.append(dataset.title)
    when = _when(meta, now, tz)
    if when:
        parts.append(when)
    return " · ".join(parts)


def accuracy_text(meta: dict) -> str:
    """E.g. "99.05% on 0-1"; "untrained" or "not evaluated" when there is no accuracy."""
    evaluation = meta.get("evaluation") or {}
    accuracy = evaluation.get("accuracy") if isinstance(evaluation, dict) else None
    if accuracy is None:
        return "not evaluated" if meta.get("dataset") else "untrained"
    classes = model_classes(meta)
    on = f" on {_compact(classes, meta.get('dataset'))}" if classes is not None else ""
    return f"{100 * accuracy:.2f}%{on}"


def classes_warning(meta: dict) -> str | None:
    """What a user must know before drawing for a model that knows only some of its dataset's
    classes (a 0-vs-1 model reads a 7 as 0 or 1); None when it knows them all, or does not say."""
    classes = model_classes(meta)
    if classes is None:
        return None
    if _are_digits(classes):
        if set(classes) == set(DIGITS):
            return None
        return (
            f"This model knows only {_spoken(classes)}: any other digit you draw will be read "
            "as one of them."
        )
    dataset = DATASETS.get(meta.get("dataset"))
    if dataset is None or set(classes) >= set(dataset.classes):
        return None
    return (
        f"This model knows only {_spoken(classes)} of {dataset.title}'s {len(dataset.classes)} "
        "classes: anything else will be read as one of them."
    )


# -- helpers -------------------------------------------------------------------------------------
def _are_digits(classes: list[str]) -> bool:
    return all(name in DIGITS for name in classes)


def _runs(classes: list[str]) -> list[tuple[int, int]]:
    """Digit names as runs of consecutive digits: ["0", "1", "2", "7"] -> [(0, 2), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for digit in sorted({int(name) for name in classes}):
        if runs and digit == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], digit)
        else:
            runs.append((digit, digit))
    return runs


def _compact(classes: list[str], dataset: str | None) -> str:
    """Digits as ranges ("0-1", "2-4, 7"); other names listed when few ("Trouser, Bag"), else
    counted ("all 10 classes", "4 classes")."""
    if _are_digits(classes):
        return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in _runs(classes))
    info = DATASETS.get(dataset)
    if info is not None and set(classes) >= set(info.classes):
        return f"all {len(info.classes)} classes"
    if len(classes) <= MAX_NAMES_LISTED:
        return ", ".join(classes)
    return f"{len(classes)} classes"


def _spoken(classes: list[str]) -> str:
    """As a sentence says it: "0 and 1", "0, 3 and 7", "2 to 4 and 7"; names as they are."""
    if _are_digits(classes):
        items = [
            str(a) if a == b else f"{a} and {b}" if b == a + 1 else f"{a} to {b}"
            for a, b in _runs(classes)
        ]
    else:
        items = list(classes)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _when(meta: dict, now: dt.datetime | None, tz: dt.tzinfo | None) -> str | None:
    """When the model was trained or made: "1 Dec 14:05" (a year only when it is not this one),
    or the date alone ("23 Nov 2026") for a file that records only the day it was trained."""
    for key in ("finished_at", "created_at"):
        stamp = _instant(meta.get(key))
        if stamp is not None:
            local = stamp.astimezone(tz)
            this_year = (now or dt.datetime.now(dt.UTC)).astimezone(tz).year
            year = "" if local.year == this_year else f" {local.year}"
            return f"{local.day} {MONTHS[local.month - 1]}{year} {local:%H:%M}"
    try:
        day = dt.date.fromisoformat(str(meta.get("trained_at")))
    except ValueError:
        return None
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _instant(value: object) -> dt.datetime | None:
    """An ISO 8601 time as an aware datetime (a time without a zone is taken as UTC)."""
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
