"""The OpenAPI schema view (``GET schema``), when the ``openapi`` extra (drf-spectacular) is installed.

It documents this app's views only, at whatever prefix the project mounted them on; the view
itself lives in ``internal.http.schema_view``, which imports drf-spectacular.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from .internal.http.openapi import AVAILABLE


def urlpatterns() -> list[URLPattern]:
    """The ``schema`` URL, only when drf-spectacular is installed."""
    if not AVAILABLE:
        return []
    from .internal.http.schema_view import schema_view

    return [path("schema", schema_view(), name="schema")]
