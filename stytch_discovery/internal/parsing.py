"""Helpers that build the typed results from Stytch's JSON (``*/types.py`` use them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from .tokens import TOKEN_FIELD_SET

JSON = Mapping[str, Any]
Result = TypeVar("Result")


def parse_timestamp(value: Any) -> datetime | None:
    """RFC 3339 (``2025-06-01T12:00:00Z``) to an aware datetime; None when absent."""
    if not value:
        return None
    text = str(value)
    if text.endswith(("Z", "z")):
        # datetime.fromisoformat only accepts "Z" from Python 3.11 on.
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def frozen(cls: type[Result], **values: Any) -> Result:
    """Build a frozen dataclass from every one of its fields, without the generated ``__init__``.

    A frozen ``__init__`` sets each field through ``object.__setattr__``, about four times the
    cost of a plain one, and a list of organizations builds four objects per organization: that
    was most of the service's overhead over a bare ``requests`` call (``benchmarks/``). Only
    construction takes the shortcut: the instances stay frozen, and the tests check that every
    field is set.
    """
    instance = object.__new__(cls)
    # ``values`` is this call's own keyword dict: it becomes the instance's, without a copy.
    object.__setattr__(instance, "__dict__", values)
    return instance


def as_dict(data: JSON) -> dict[str, Any]:
    """``data`` itself when it is a plain dict (as decoded JSON is), else a dict copy of it.

    The typed results keep Stytch's objects as they were decoded: copying each of them (four
    per discovered organization) cost as much as building the results around them.
    """
    return data if type(data) is dict else dict(data)


def without_tokens(data: JSON) -> dict[str, Any]:
    """``data`` minus its bearer-token fields (a copy only when it has any)."""
    if TOKEN_FIELD_SET.isdisjoint(data):
        return data if isinstance(data, dict) else dict(data)
    return {key: value for key, value in data.items() if key not in TOKEN_FIELD_SET}


def optional(data: JSON, key: str) -> dict[str, Any] | None:
    """``data[key]`` as a dict when it is a JSON object, else None."""
    value = data.get(key)
    if value is None:
        return None
    # dict first: decoded JSON is always a dict, and the ABC check costs ten times more.
    return dict(value) if isinstance(value, (dict, Mapping)) else None
