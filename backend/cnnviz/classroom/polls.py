"""What a poll may ask: the words a predict poll uses and the check of a choice poll's options."""

from __future__ import annotations

from cnnviz.classroom.errors import ClassInputError
from cnnviz.classroom.limits import ClassLimits
from cnnviz.classroom.text import check_text

PREDICT_QUESTION = "What will the network say?"


def check_choices(options: list[str], limits: ClassLimits) -> list[str]:
    """Two to `limits.max_options` options, each a short non-blank text."""
    if not 2 <= len(options) <= limits.max_options:
        raise ClassInputError(
            f"a poll has 2 to {limits.max_options} options, not {len(options)}; or send "
            '{"kind": "predict"} to ask what the network will say'
        )
    return [
        check_text(option, f"option {index + 1}", limits.max_option)
        for index, option in enumerate(options)
    ]
