"""JSON in and out on the hot paths: orjson where it gives the same result, else the standard library.

Measured on the benchmark machine (``docs/performance.md``): decoding Stytch's 1 MB answer
listing 500 organizations takes 4.2 ms with orjson and 7.2 ms with ``json.loads``; encoding the
cache rows of those 500 organizations (the refresh's digest and its document) 0.33 ms against
3.1 ms. That is why orjson is a dependency.

Where orjson refuses what the standard library accepts (``NaN``, ``1e400``, lone surrogates, a
byte-order mark, UTF-16, integers it cannot hold when encoding), the standard library does the
work, so what decodes or encodes is unchanged. Two differences remain: orjson decodes integers
beyond 64 bits as floats, and encodes ``NaN`` as ``null`` (no Stytch field holds either).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["dumps", "loads"]


def loads(content: bytes | str) -> Any:
    """``json.loads(content)``; raises ``ValueError`` for what is not JSON."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return json.loads(content)


def dumps(value: Any) -> str:
    """Compact JSON text (``separators=(",", ":")``), the same text for the same value.

    Non-ASCII characters are written as they are (orjson), or escaped when the standard library
    takes over; either way the text is deterministic for a given value.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError: a type, key or integer orjson does not encode
        return json.dumps(value, separators=(",", ":"))
