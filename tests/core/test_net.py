"""``internal.net.split_url``: one answer for a URL on every supported Python."""

from __future__ import annotations

import pytest

from stytch_discovery.internal.net import split_url


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("https://app.example/next", "app.example"),
        ("https://[::1]:8000/next", "::1"),
        ("https://user@[2001:db8::1]/", "2001:db8::1"),
        ("/relative/path", None),
    ],
)
def test_a_url_is_split(value: str, host: str | None) -> None:
    parts = split_url(value)
    assert parts is not None
    assert parts.hostname == host


@pytest.mark.parametrize(
    "value",
    [
        "http://[",  # every Python's parser raises
        "https://[x]/",  # Python 3.11.4+ raises, older ones split it
        "https://[127.0.0.1]/",  # no IPv4 address in brackets
        "https://[::1/",
        None,
        42,
    ],
)
def test_what_is_no_url_everywhere_is_none(value: object) -> None:
    assert split_url(value) is None
