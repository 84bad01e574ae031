"""The check of every text a class shows: names, questions, options, messages.

Text is kept exactly as sent (markup and bidirectional marks included: pages show it as text,
never as markup), except that it must hold something visible, no control characters (line breaks,
NUL) and at most a limit of characters.
"""

from __future__ import annotations

import unicodedata

from cnnviz.classroom.errors import ClassInputError


def check_text(text: str, what: str, limit: int) -> str:
    """`text` unchanged, or ClassInputError saying what is wrong with `what`."""
    if not text.strip():
        raise ClassInputError(f"{what} is empty: type a few characters")
    if len(text) > limit:
        raise ClassInputError(f"{what} has {len(text)} characters; at most {limit}")
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise ClassInputError(f"{what} has a control character (a line break, a tab): remove it")
    return text
