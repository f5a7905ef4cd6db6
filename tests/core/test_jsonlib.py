"""``jsonlib``: orjson's speed, the standard library's results."""

from __future__ import annotations

import enum
import json
import math
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any

import pytest

from stytch_discovery import jsonlib


class Colour(enum.Enum):
    RED = 1


class Name(str):
    pass


@pytest.mark.parametrize(
    "content",
    [
        b'{"organization_id":"o-1","name":"\\u00e9t\\u00e9","n":[1,2.5,-0.0,null,true]}',
        '{"é":"ü"}'.encode(),
        b'{"a":1,"a":2}',  # the last duplicate wins in both
        # What orjson refuses and the standard library accepts:
        b'"\\ud800"',
        b'{"big": 1e400}',
        b"\xef\xbb\xbf{}",
        '{"utf16": true}'.encode("utf-16"),
    ],
)
def test_loads_gives_what_json_loads_gives(content: bytes) -> None:
    assert repr(jsonlib.loads(content)) == repr(json.loads(content))


def test_loads_reads_nan_as_the_standard_library_does() -> None:
    assert math.isnan(jsonlib.loads(b"[NaN]")[0])


@pytest.mark.parametrize("content", [b"", b"{", b"<html>", b"\xff\xfe\xfd"])
def test_loads_refuses_what_is_not_json_with_a_value_error(content: bytes) -> None:
    with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)):  # both are ValueErrors
        jsonlib.loads(content)


@pytest.mark.parametrize(
    "value",
    [
        [{"organization_id": "o-1", "organization": {"name": "été", "n": [1, 2.5, None, True]}}],
        {"big": 2**70},  # orjson cannot encode it: the standard library does
        {"lone": "\ud800"},
    ],
)
def test_dumps_is_compact_json_of_the_same_value(value: Any) -> None:
    text = jsonlib.dumps(value)

    assert json.loads(text) == value
    assert text == jsonlib.dumps(value)  # deterministic: the digest relies on it
    assert ", " not in text
    assert ": " not in text


@pytest.mark.parametrize(
    "value",
    [
        {"name": "Zürich • 東京 😀", "n": [1, -(2**63), 2**64 - 1, True, None], "e": {}, "l": []},
        ['é"é', "é\\é", "é\né", "\\\\é", 'a\\"é', "é\\", "\x7fé\x7f", "\u2028\u2029", "\x00\x1f/"],
        "é",
        7,
    ],
)
def test_dumps_ascii_is_the_standard_library_s_compact_ascii_json(value: Any) -> None:
    assert jsonlib.dumps_ascii(value) == json.dumps(value, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    "value",
    [
        [1e-7],  # orjson: 1e-7, the standard library: 1e-07
        {"a": [float("nan")]},  # orjson: null, the standard library with allow_nan=False: ValueError
        [2**64],
        {1: "a"},
        ("a", "b"),
        {"a": "\ud800"},
        {"when": datetime(2025, 6, 1, tzinfo=timezone.utc)},
        [Colour.RED],  # orjson writes 1; an encoder without a default refuses it
        [Name("subclass")],
        OrderedDict(a=1),
    ],
)
def test_dumps_ascii_declines_what_orjson_would_write_differently(value: Any) -> None:
    assert jsonlib.dumps_ascii(value) is None
