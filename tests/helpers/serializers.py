"""Helpers for serializer tests: run one and get its errors or its validated data."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def errors_of(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    assert not serializer.is_valid()
    return dict(serializer.errors)


def valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    assert serializer.is_valid(), serializer.errors
    return dict(serializer.validated_data)
