"""A model's display name: what a client may call a model it creates or imports.

Names are shown in the page and in every client that lists models, so they are plain text:
1 to MAX_NAME_CHARS characters with a visible one among them, and none that hides or reorders
text (control characters, bidirectional overrides and isolates, zero-width spaces, line
separators, Unicode specials) or that could open an HTML tag (`<`, `>`). One rule, stated as a
pattern the API schema carries (`NAME_PATTERN`) and checked by `check_name` for names that do not
pass through the schema (an imported file's metadata).
"""

import re

MAX_NAME_CHARS = 64
#: Characters a name may not hold, as a regular expression character range; the escapes read the
#: same in Python, in the Rust engine pydantic validates with, and in JSON Schema.
_FORBIDDEN = (
    r"<>\x00-\x1f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    r"\ufff9-\uffff"
)
#: Optional spaces, a visible character, then anything allowed.
NAME_PATTERN = rf"^\s*[^\s{_FORBIDDEN}][^{_FORBIDDEN}]*$"
_NAME = re.compile(NAME_PATTERN)
NAME_RULE = (
    f"1 to {MAX_NAME_CHARS} characters of plain text, at least one visible, with no control or "
    "bidirectional-formatting characters and no '<' or '>'"
)


def check_name(name: str, what: str = "the name") -> str:
    """`name` without surrounding spaces, or a ValueError that says what a name may be."""
    # A lone surrogate (possible in JSON text, never in UTF-8) cannot be sent back in a response.
    valid = len(name) <= MAX_NAME_CHARS and _NAME.fullmatch(name) and _encodable(name)
    if not valid:
        raise ValueError(f"{what} {_shown(name)} is not a valid model name: use {NAME_RULE}")
    return name.strip()


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """The refused name, cut short and escaped (`ascii`), so the message itself is plain text."""
    return ascii(name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS] + "...")
