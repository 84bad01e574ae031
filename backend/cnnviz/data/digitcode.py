"""The network's input as 8-bit pixels, and the short code that carries them in a link.

Why 8 bits: MNIST's digits are bytes, 0 to 255, and the networks were trained on those values
divided by 255 (`cnnviz.train.metrics`). Every digit that reaches a network here is made of the
same 256 levels: a drawing's prepared 28×28 (`cnnviz.data.drawing` ends with `quantize`), pixels
a client sends (`cnnviz.api.inputs.DigitInput` quantizes them) and a link's code (bytes already).
So the image a page shows, the code in its link and every answer computed from either are the
same float32 numbers, and a student opening a teacher's link gets the teacher's numbers exactly.
An MNIST test digit sent back as pixels in [0, 1] (the gallery does) is its own bytes again.

The code: "v1." then the 784 bytes (row by row, ink = 255) in base64url without padding, 1,049
characters, safe in a URL as it is. `decode` is strict, so one image has exactly one code: the
prefix, the length, the alphabet and the unused low bits of the last character are checked, and
each refusal says which.
"""

import base64
import re

import numpy as np

SIDE = 28  # the MNIST frame
PIXELS = SIDE * SIDE
LEVELS = 255  # the largest byte: full ink
VERSION = "v1."
#: base64url characters for 784 bytes without padding: 261 groups of 4, then 2 for the last byte.
BODY = (PIXELS * 4 + 2) // 3
LENGTH = len(VERSION) + BODY
#: The last character holds the last byte's low 2 bits and 4 unused bits, which must be zero:
#: only A, Q, g and w (0, 16, 32, 48) do.
_LAST = "AQgw"
PATTERN = rf"^{re.escape(VERSION)}[A-Za-z0-9_-]{{{BODY - 1}}}[{_LAST}]$"
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class CodeError(ValueError):
    """A code that is not one `encode` writes; the message says what is wrong with it."""


def levels(image: np.ndarray) -> np.ndarray:
    """uint8 (28, 28): each value in [0, 1] rounded to the nearest of the 256 levels."""
    array = np.asarray(image, dtype=np.float64)
    if array.shape != (SIDE, SIDE):
        raise ValueError(f"expected a {SIDE}×{SIDE} image, got shape {array.shape}")
    return np.rint(np.clip(array, 0.0, 1.0) * LEVELS).astype(np.uint8)


def from_levels(values: np.ndarray) -> np.ndarray:
    """float32 (28, 28) in [0, 1]: the levels divided by 255, as training divides MNIST's."""
    return values.astype(np.float32) / np.float32(LEVELS)


def quantize(image: np.ndarray) -> np.ndarray:
    """The (28, 28) float32 image the network sees for `image`: round(x · 255) / 255."""
    return from_levels(levels(image))


def encode(image: np.ndarray) -> str:
    """The code of `image` (28, 28) in [0, 1], after quantizing it."""
    text = base64.urlsafe_b64encode(levels(image).tobytes()).decode("ascii")
    return VERSION + text.rstrip("=")


def decode(code: str) -> np.ndarray:
    """The (28, 28) float32 image of a code `encode` wrote. Raises CodeError."""
    if not code.startswith(VERSION):
        raise CodeError(f"an input code starts with {VERSION!r} (got {code[:8]!r}…)")
    body = code[len(VERSION) :]
    if len(body) != BODY:
        raise CodeError(
            f"an input code is {LENGTH:,} characters, {VERSION!r} and {BODY:,} base64url "
            f"characters; this one is {len(code):,} (was the link cut short?)"
        )
    if not _ALPHABET.fullmatch(body):
        bad = next(c for c in body if not _ALPHABET.fullmatch(c))
        raise CodeError(f"an input code is base64url (A-Z a-z 0-9 - _); {bad!r} is not")
    if body[-1] not in _LAST:
        raise CodeError(
            f"an input code ends with one of {', '.join(_LAST)} (the last byte's unused bits "
            f"are zero); {body[-1]!r} is not"
        )
    values = np.frombuffer(base64.urlsafe_b64decode(body + "=="), np.uint8)
    return from_levels(values.reshape(SIDE, SIDE))
