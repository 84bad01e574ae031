"""Class codes, tokens and tickets: random, from the operating system's generator (`secrets`).

A code is what a teacher reads out: 6 characters without the look-alikes 0/O and 1/I/L (31^6,
about 887 million codes, tried at most a few dozen a minute per address). A token is 128 random
bits; the server keeps only its SHA-256 and compares digests in constant time, so a copy of the
records gives no one a way in and the comparison's timing tells nothing.
"""

import hashlib
import hmac
import re
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: str) -> bool:
    return CODE_PATTERN.fullmatch(text) is not None


def new_token() -> str:
    """A token or a ticket: 128 random bits, URL-safe base64 (22 characters)."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Whether `token` is the one `stored_hash` was made from, in constant time."""
    return hmac.compare_digest(token_hash(token), stored_hash)
