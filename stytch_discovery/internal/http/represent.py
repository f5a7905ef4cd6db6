"""A compiled fast path for the response serializers: the same JSON, without DRF's per-call work.

DRF deep-copies every declared field for each serializer it builds and resolves each attribute
through several layers; for a list of 500 organizations that was most of the view's own time.
The serializers stay the one declaration of the shapes (drf-spectacular reads them); this walks
their fields once per class into plain functions. ``tests/http/test_fast_representation.py``
checks that the output equals ``serializer_class(instance).data``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from rest_framework import serializers

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
        return lambda values: [None if value is None else child(value) for value in values]
    if isinstance(field, serializers.Serializer):
        if type(field).to_representation is not serializers.Serializer.to_representation:
            raise TypeError(f"{type(field).__name__} shapes its own output: call it, not represent().")
        readers = tuple(_reader(child) for child in field._readable_fields)

        def nested(instance: Any) -> dict[str, Any]:
            data: dict[str, Any] = {}
            for name, read in readers:
                value = read(instance)
                if value is not _SKIP:
                    data[name] = value
            return data

        return nested
    if type(field).to_representation is serializers.CharField.to_representation:
        return str  # what CharField does, without a method call per value
    return field.to_representation


_SKIP = object()
_MISSING = (KeyError, AttributeError)


_mapping_types: dict[type[Any], bool] = {}


def _is_mapping(kind: type[Any]) -> bool:
    # isinstance(value, Mapping) per attribute was half of represent()'s time (an ABC check).
    known = _mapping_types.get(kind)
    if known is None:
        known = _mapping_types[kind] = issubclass(kind, Mapping)
    return known


def _reader(field: serializers.Field[Any, Any, Any, Any]) -> tuple[str, Representer]:
    """``(name, read)``: ``read(instance)`` is the field's output, or ``_SKIP`` when it has none.

    The source lookup, defaults and ``None`` handling follow ``Field.get_attribute`` and
    ``Serializer.to_representation``.
    """
    convert = _compile(field)
    path = tuple(field.source_attrs)
    default = field.default
    required = field.required
    allow_null = field.allow_null

    def read(value: Any) -> Any:
        try:
            for attribute in path:
                value = value[attribute] if _is_mapping(type(value)) else getattr(value, attribute)
        except _MISSING:
            if default is not serializers.empty:
                value = default() if callable(default) else default
            elif allow_null:
                value = None
            elif not required:
                return _SKIP
            else:
                raise
        return None if value is None else convert(value)

    return str(field.field_name), read
