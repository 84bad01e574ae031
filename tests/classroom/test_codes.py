"""Class codes, tokens and tickets: the alphabet without look-alikes, 128 random bits, only the
SHA-256 kept."""

import base64
import hashlib

from cnnviz.classroom.codes import (
    CODE_ALPHABET,
    is_code,
    new_code,
    new_token,
    token_hash,
    token_matches,
)


def test_codes_avoid_characters_a_class_would_misread() -> None:
    assert len(CODE_ALPHABET) == 31
    assert not set("01OIL") & set(CODE_ALPHABET)
    codes = {new_code() for _ in range(500)}
    assert len(codes) > 495  # 31^6 codes: repeats among 500 are very unlikely
    for code in codes:
        assert len(code) == 6 and set(code) <= set(CODE_ALPHABET) and is_code(code)
    assert not is_code("ABC12O") and not is_code("ABCDEFG") and not is_code("abcdef")


def test_a_token_is_128_random_bits_and_only_its_sha256_is_kept() -> None:
    token = new_token()
    assert len(base64.urlsafe_b64decode(token + "==")) == 16
    assert new_token() != token
    assert token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token_matches(token, token_hash(token))
    assert not token_matches(new_token(), token_hash(token))
    assert not token_matches(token[:-1], token_hash(token))
