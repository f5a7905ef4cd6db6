"""A compiled fast path for the response serializers: the same JSON, without DRF's per-call work.

DRF deep-copies every declared field for each serializer it builds and resolves each attribute
through several layers; for a list of 500 organizations that was most of the view's own time.
The serializers stay the one declaration of the shapes (drf-spectacular reads them); this walks
their fields once per class into plain functions. ``tests/http/test_fast_representation.py``
checks that the output equals ``serializer_class(instance).data``.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import cache
from typing import Any

from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

Representer = Callable[[Any], Any]


def represent(serializer_class: type[serializers.Serializer[Any]], instance: Any) -> dict[str, Any]:
    """``serializer_class(instance).data``, for serializers that read no ``context``."""
    result: dict[str, Any] = _representer(serializer_class)(instance)
    return result


@cache
def _representer(serializer_class: type[serializers.Serializer[Any]]) -> Representer:
    return _compile(serializer_class())


def _compile(field: serializers.Field[Any, Any, Any, Any]) -> Representer:
    """What ``field.to_representation`` does, for a value already fetched from its source."""
    if isinstance(field, serializers.ListSerializer):
        assert field.child is not None  # many=True always builds one
        item = _compile(field.child)
        return lambda values: [item(value) for value in values]
    if isinstance(field, serializers.ListField):
        child = _compile(field.child)
        if child is _as_str:
            return lambda values: [None if v is None else v if type(v) is str else str(v) for v in values]
        return lambda values: [None if value is None else child(value) for value in values]
    if isinstance(field, serializers.Serializer):
        if type(field).to_representation is not serializers.Serializer.to_representation:
            raise TypeError(f"{type(field).__name__} shapes its own output: call it, not represent().")
        return _compile_serializer(field)
    method = type(field).to_representation
    if method is serializers.CharField.to_representation:
        return _as_str  # what CharField does, without a method call per value
    if method is serializers.BooleanField.to_representation:
        return _as_bool(field)
    if method is serializers.JSONField.to_representation and not field.binary:  # type: ignore[attr-defined]
        return _as_is
    if method is serializers.DateTimeField.to_representation:
        return _as_datetime(field)  # type: ignore[arg-type]
    return field.to_representation


_SKIP = object()
_MISSING = (KeyError, AttributeError)


def _as_str(value: Any) -> str:
    return value if type(value) is str else str(value)


def _as_is(value: Any) -> Any:
    return value


def _as_bool(field: serializers.Field[Any, Any, Any, Any]) -> Representer:
    convert = field.to_representation
    # True and False are what DRF's lookups in TRUE_VALUES/FALSE_VALUES give back as they are.
    return lambda value: value if value is True or value is False else convert(value)


#: Recent UTC datetimes and their ISO 8601 text: the rows of one identity share their times.
_iso_texts: dict[datetime, str] = {}


def _as_datetime(field: serializers.DateTimeField) -> Representer:
    """DRF's ISO 8601 output for an aware UTC datetime, without ``enforce_timezone``'s conversion."""
    convert = field.to_representation
    if hasattr(field, "format") or getattr(field, "timezone", None) is not dt_timezone.utc:
        return convert

    def fast(value: Any) -> Any:
        output_format: str | None = api_settings.DATETIME_FORMAT
        if (
            type(value) is datetime
            and value.tzinfo is dt_timezone.utc
            and (output_format or "").lower() == ISO_8601
        ):
            text = _iso_texts.get(value)
            if text is None:
                if len(_iso_texts) >= 1024:
                    _iso_texts.clear()
                text = _iso_texts[value] = value.isoformat()[:-6] + "Z"  # UTC ends in +00:00
            return text
        return convert(value)

    return fast


_mapping_types: dict[type[Any], bool] = {}


def _is_mapping(kind: type[Any]) -> bool:
    # isinstance(value, Mapping) per attribute was half of represent()'s time (an ABC check).
    known = _mapping_types.get(kind)
    if known is None:
        known = _mapping_types[kind] = issubclass(kind, Mapping)
    return known


def _compile_serializer(serializer: serializers.Serializer[Any]) -> Representer:
    """A function built from source for this serializer: one statement per field, no loop.

    Each field reads its source as ``Field.get_attribute`` does (a mapping by key, anything else
    by attribute; defaults, ``allow_null`` and ``required`` when it is missing), then gives
    ``None`` for ``None`` and the field's representation otherwise, as
    ``Serializer.to_representation`` does. Every name comes from the serializer class, never
    from data; those that are not plain identifiers are read with ``getattr`` and quoted.
    """
    names: dict[str, Any] = {"_is_mapping": _is_mapping, "_MISSING": _MISSING, "_SKIP": _SKIP, "type": type}
    lines = ["def represent(instance):", "    mapping = _is_mapping(type(instance))", "    data = {}"]
    for index, field in enumerate(serializer._readable_fields):
        convert = _compile(field)
        path = [str(attribute) for attribute in field.source_attrs]
        lines.append("    try:")
        for step, attribute in enumerate(path):
            source = "instance" if step == 0 else "value"
            mapping = "mapping" if step == 0 else "_is_mapping(type(value))"
            by_attribute = (
                f"{source}.{attribute}"
                if attribute.isidentifier() and not keyword.iskeyword(attribute)
                else f"getattr({source}, {attribute!r})"
            )
            lines.append(f"        value = {source}[{attribute!r}] if {mapping} else {by_attribute}")
        lines.append("    except _MISSING:")
        if field.default is not serializers.empty:
            names[f"default{index}"] = field.default
            call = "()" if callable(field.default) else ""
            lines.append(f"        value = default{index}{call}")
        elif field.allow_null:
            lines.append("        value = None")
        elif not field.required:
            lines.append("        value = _SKIP")
        else:
            lines.append("        raise")
        key = repr(str(field.field_name))
        if convert is _as_is:
            store = f"data[{key}] = value"
        elif convert is _as_str:
            store = f"data[{key}] = None if value is None else value if type(value) is str else str(value)"
        else:
            names[f"convert{index}"] = convert
            store = f"data[{key}] = None if value is None else convert{index}(value)"
        if not field.required and field.default is serializers.empty and not field.allow_null:
            lines += ["    if value is not _SKIP:", f"        {store}"]
        else:
            lines.append(f"    {store}")
    lines.append("    return data")
    exec("\n".join(lines), names)  # noqa: S102 - source built above from the serializer's own fields
    function: Representer = names["represent"]
    return function
