"""The token grammar: ``is_token`` (the fast check) and ``TOKEN_RE`` (the serializers' pattern) agree."""

from __future__ import annotations

import pytest

from stytch_discovery.internal.tokens import (
    IST,
    MAX_JWT_LENGTH,
    MAX_TOKEN_LENGTH,
    SESSION_JWT,
    SESSION_TOKEN,
    TOKEN_RE,
    is_token,
)


@pytest.mark.parametrize("code", range(0x2FF))
def test_every_character_is_judged_as_the_pattern_judges_it(code: int) -> None:
    value = f"abc{chr(code)}def"
    assert is_token(value, IST) is (TOKEN_RE.match(value) is not None)


@pytest.mark.parametrize("value", ["", " ", "abc def", "abc\n", "tok\u00e9n", "\x7f"])
def test_malformed_values_are_not_tokens(value: str) -> None:
    assert not is_token(value, SESSION_TOKEN)


@pytest.mark.parametrize(("kind", "longest"), [(IST, MAX_TOKEN_LENGTH), (SESSION_JWT, MAX_JWT_LENGTH)])
def test_length_is_bounded_per_kind(kind: str, longest: int) -> None:
    assert is_token("a" * longest, kind)
    assert not is_token("a" * (longest + 1), kind)
