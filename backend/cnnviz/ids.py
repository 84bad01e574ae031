"""Ids of what the server keeps as files (models, training jobs): safe as a file name, readable
in a URL, and never a path.

An id is a slug of a readable prefix plus random hex ("my-net-3f9a1c"); one that comes from a
client is checked with `is_id` before it is joined to any folder.
"""

import re
import secrets
from collections.abc import Callable

#: Lowercase letters, digits and dashes, starting with a letter or digit, at most 64 characters.
#: Also the pattern the API states for ids in paths (its `$` is the end there: no newline).
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
#: The readable part is cut here, so prefix, dash and random part fit the pattern.
PREFIX_CHARS = 40


def is_id(text: object) -> bool:
    return isinstance(text, str) and ID_PATTERN.fullmatch(text) is not None


def new_id(
    prefix: str, taken: Callable[[str], bool], default: str = "model", random_bytes: int = 3
) -> str:
    """`<slug of prefix>-<random hex>`, one that `taken` says is free; `default` when the prefix
    has no letter or digit."""
    slug = re.sub(r"[^a-z0-9-]+", "-", prefix.lower()).strip("-")[:PREFIX_CHARS].strip("-")
    while True:
        candidate = f"{slug or default}-{secrets.token_hex(random_bytes)}"
        if not taken(candidate):
            return candidate
