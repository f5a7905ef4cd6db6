"""JSON in and out on the hot paths: orjson where it gives the same result, else the standard library.

Measured on the benchmark machine (``docs/performance.md``): decoding Stytch's 1 MB answer
listing 500 organizations takes 4.2 ms with orjson and 7.2 ms with ``json.loads``; encoding the
cache rows of those 500 organizations (the refresh's digest and its document) 0.33 ms against
3.1 ms; writing the list answer of those 500 organizations as ASCII JSON (``dumps_ascii``, for
the views' renderer) 0.65 ms against DRF's 1.7 ms. That is why orjson is a dependency.

Where orjson refuses what the standard library accepts (``NaN``, ``1e400``, lone surrogates, a
byte-order mark, UTF-16, integers it cannot hold when encoding), the standard library does the
work, so what decodes or encodes is unchanged. Two differences remain: orjson decodes integers
beyond 64 bits as floats, and ``dumps`` encodes ``NaN`` as ``null`` (no Stytch field holds
either). ``dumps_ascii`` has none: it declines what orjson would write differently.
"""

from __future__ import annotations

import codecs
import gc
import json
from json.encoder import encode_basestring_ascii
from typing import Any

import orjson

__all__ = ["dumps", "dumps_ascii", "loads"]


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


def dumps_ascii(value: Any) -> bytes | None:
    """``json.dumps(value, separators=(",", ":")).encode()`` (non-ASCII escaped), or None.

    None unless ``value`` holds only exact dicts with string keys, lists, strings, booleans,
    None and integers of 64 bits: no float (orjson formats some differently, ``1e-07`` as
    ``1e-7``, and writes ``NaN`` as ``null`` where ``allow_nan=False`` refuses it), no subclass,
    enum, date or other object an encoder's ``default`` would convert or refuse, no lone
    surrogate, no cycle. The caller then encodes with the standard library, whose result, error
    or refusal this function never changes.
    """
    try:
        encoded = orjson.dumps(value)  # first: it refuses cycles, so the walk below ends
    except TypeError:  # orjson.JSONEncodeError
        return None
    if not _only_plain(value):
        return None
    if not encoded.isascii():  # orjson writes UTF-8; the standard library escapes it
        encoded = encoded.decode().encode("ascii", _ESCAPE_NON_ASCII)
    if b"\x7f" in encoded:  # DEL is ASCII, but the standard library escapes it
        encoded = encoded.replace(b"\x7f", b"\\u007f")
    return encoded


_PLAIN_TYPES = frozenset({dict, list, str, int, bool, type(None)})


def _only_plain(value: Any) -> bool:
    """Whether ``value`` and everything in it is of an exact type in ``_PLAIN_TYPES``.

    Level by level, with ``gc.get_referents``: on CPython it returns a list's items and a dict's
    values straight from C, and nothing for a string or a number. A Python loop over the 9,000
    values of a 500-organization answer took 1.4 ms, as long as the encoding it would spare.
    Blind spot: from CPython 3.13 the dict an object's ``__dict__`` returns can keep its values
    in the object, where the walk does not see them; the views answer only dicts they build.
    """
    level = [value]
    while level:
        if not _PLAIN_TYPES.issuperset(map(type, level)):
            return False
        level = gc.get_referents(*level)
    return True


def _escape(error: UnicodeError) -> tuple[str, int]:
    """Non-ASCII characters of orjson's output as the standard library escapes them.

    From the first up to the end of the JSON string they are in, or to its next escape: orjson
    escaped the quotes, backslashes and control characters, so what is left is what
    ``encode_basestring_ascii`` (the standard library's own escaper) escapes, in one call per
    string instead of one per run of non-ASCII characters.
    """
    assert isinstance(error, UnicodeEncodeError)
    text = error.object
    end = text.find('"', error.end)  # found: the closing quote of the string
    escape = text.find("\\", error.end, end)
    if escape != -1:
        end = escape
    return encode_basestring_ascii(text[error.start : end])[1:-1], end


_ESCAPE_NON_ASCII = "stytch_discovery.jsonlib.escape"
codecs.register_error(_ESCAPE_NON_ASCII, _escape)
