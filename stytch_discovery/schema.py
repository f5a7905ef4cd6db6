"""The OpenAPI schema view (``GET schema``), when the ``openapi`` extra (drf-spectacular) is installed.

It documents this app's views only, found by their marker (``is_stytch_discovery_endpoint``)
at whatever prefix the project mounted them on, so it imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from . import __version__
from .internal.http.base import StytchDiscoveryView
from .internal.http.drf import ASCIIJSONRenderer
from .internal.http.errors import ErrorAnswer
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

    class SchemaView(StytchDiscoveryView, SpectacularAPIView):
        """Spectacular's view on this app's base: its throttle, and errors in the documented shape.

        The renderers (YAML or JSON, by ``Accept`` or ``?format=``) and who may read it
        (``SERVE_AUTHENTICATION``/``SERVE_PERMISSIONS``) stay spectacular's.
        """

        is_stytch_discovery_endpoint = False  # the schema does not describe itself
        # Who may read the schema stays the project's say (SPECTACULAR_SETTINGS' SERVE_*).
        authentication_classes = SpectacularAPIView.authentication_classes
        permission_classes = SpectacularAPIView.permission_classes
        renderer_classes = SpectacularAPIView.renderer_classes
        content_negotiation_class = DefaultContentNegotiation
        throttle_scope = "stytch_discovery.schema"

        def error_answer(self, exc: Exception) -> ErrorAnswer | None:
            if isinstance(exc, Http404):  # DRF's answer to a ?format= no renderer offers
                return ErrorAnswer.of("unknown_format")
            return super().error_answer(exc)

        def handle_exception(self, exc: Exception) -> Response:
            # An error is JSON in the error shape, whatever format the schema was asked in.
            request: Request = self.request
            request.accepted_renderer, request.accepted_media_type = ASCIIJSONRenderer(), "application/json"
            return super().handle_exception(exc)

    schema_view: Callable[..., Any] = SchemaView.as_view(
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
