"""The OpenAPI schema view (``GET schema``), when the ``openapi`` extra (drf-spectacular) is installed.

It documents this app's views only, found by their marker (``is_stytch_discovery_endpoint``)
at whatever prefix the project mounted them on, so it imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

from . import __version__
from .internal.http.openapi import AVAILABLE


def urlpatterns() -> list[URLPattern]:
    """The ``schema`` URL, only when drf-spectacular is installed."""
    if not AVAILABLE:
        return []
    from drf_spectacular.authentication import SessionScheme
    from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
    from drf_spectacular.views import SpectacularAPIView

    class SessionUserScheme(SessionScheme):  # type: ignore[no-untyped-call]
        """The Django session cookie, as spectacular documents DRF's SessionAuthentication."""

        target_class = "stytch_discovery.internal.http.drf.SessionUserAuthentication"

    class OwnEndpoints(EndpointEnumerator):
        """Only this app's views, at whatever prefix the project mounted them on."""

        def should_include_endpoint(self, path: str, callback: Any) -> bool:
            view = getattr(callback, "cls", None)
            return bool(getattr(view, "is_stytch_discovery_endpoint", False))

    class OwnSchemaGenerator(SchemaGenerator):
        endpoint_inspector_cls = OwnEndpoints

    schema_view: Callable[..., Any] = SpectacularAPIView.as_view(
        generator_class=OwnSchemaGenerator,
        custom_settings={
            "TITLE": "django-stytch-discovery",
            "DESCRIPTION": "Stytch B2B discovery for a single-page app: see the README.",
            "VERSION": __version__,
            "COMPONENT_SPLIT_REQUEST": True,
            # Several fields share a value set; one name per set keeps the schema readable.
            "ENUM_NAME_OVERRIDES": {
                "AllRestrictedNotEnum": "stytch_discovery.internal.rules.ALL_RESTRICTED_NOT",
                "RestrictedNotEnum": "stytch_discovery.internal.rules.RESTRICTED_NOT",
                "AllRestrictedEnum": "stytch_discovery.internal.rules.ALL_RESTRICTED",
                "MembershipTypeEnum": "stytch_discovery.models.MembershipType",
                "SendLocaleEnum": "stytch_discovery.internal.rules.SEND_LOCALES",
                "LocaleEnum": "stytch_discovery.internal.rules.EXCHANGE_LOCALES",
            },
        },
    )
    return [path("schema", schema_view, name="schema")]
