"""``jsonlib``: orjson's speed, the standard library's results."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from stytch_discovery import jsonlib


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
