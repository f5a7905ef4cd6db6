"""OpenAPI 3 for the views, through the optional ``drf-spectacular`` extra.

Everything here degrades to a no-op without the extra, so the app runs without it. The
schema covers this app's views only, at the paths the host project mounted them on, and it
needs no ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`` change: the views carry their own
``AutoSchema``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.urls import URLPattern, path

View = TypeVar("View")

try:
    import drf_spectacular  # noqa: F401  # only asks whether the extra is installed
except ImportError:
    AVAILABLE = False
else:
    AVAILABLE = True

#: What each error status means here; every error body is the ``Error`` component.
ERROR_STATUSES: dict[int, str] = {
    400: "validation_error, parse_error or stytch_rejected",
    401: "intermediate_session_required, intermediate_session_invalid, session_invalid or magic_link_invalid",
    403: "csrf_failed, not_authenticated or organization_access_denied",
    404: "organization_not_found",
    405: "method_not_allowed",
    409: "organization_slug_taken or organization_external_id_taken",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled or stytch_rate_limited (with Retry-After)",
    502: "stytch_misconfigured, stytch_unavailable or stytch_bad_response",
    503: "stytch_not_configured",
    504: "stytch_timeout",
}
#: Statuses any POST view can answer before it looks at its own body.
COMMON_POST_ERRORS = (400, 403, 405, 413, 415, 429)
#: Statuses of a view that calls Stytch.
STYTCH_ERRORS = (429, 502, 503, 504)


def view_schema() -> Any:
    """The schema inspector for the views: spectacular's when installed, else DRF's default."""
    if AVAILABLE:
        from drf_spectacular.openapi import AutoSchema

        return AutoSchema()
    from rest_framework.schemas import DefaultSchema

    return DefaultSchema()


def document(
    *,
    summary: str,
    responses: Mapping[int, Any],
    errors: tuple[int, ...] = (),
    request: Any = None,
    parameters: list[Any] | None = None,
) -> Callable[[View], View]:
    """``extend_schema`` with the error statuses added, or nothing without the extra."""
    if not AVAILABLE:
        return lambda view: view
    from drf_spectacular.openapi import AutoSchema
    from drf_spectacular.utils import OpenApiResponse, extend_schema

    from .serializers import ErrorSerializer

    documented: dict[int, Any] = {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_STATUSES[status]) for status in errors
    }
    documented.update(responses)
    extend: Callable[[Any], Any] = extend_schema(
        summary=summary, request=request, responses=documented, parameters=parameters or []
    )

    def decorate(view: View) -> View:
        # extend_schema on a method would otherwise build on REST_FRAMEWORK's
        # DEFAULT_SCHEMA_CLASS, which the host project need not have pointed at spectacular.
        view.schema = AutoSchema  # type: ignore[attr-defined]
        decorated: View = extend(view)
        return decorated

    return decorate


def redirect_response(description: str) -> Any:
    """A documented answer without a body (a redirect); None without the extra."""
    if not AVAILABLE:
        return None
    from drf_spectacular.utils import OpenApiResponse

    return OpenApiResponse(description=description)


def query_parameters(*names: tuple[str, bool, str]) -> list[Any]:
    """``(name, required, description)`` triples as string query parameters."""
    if not AVAILABLE:
        return []
    from drf_spectacular.utils import OpenApiParameter

    return [
        OpenApiParameter(name, str, OpenApiParameter.QUERY, required=required, description=description)
        for name, required, description in names
    ]


def schema_urlpatterns() -> list[URLPattern]:
    """The ``schema`` URL, only when drf-spectacular is installed."""
    if not AVAILABLE:
        return []
    from drf_spectacular.authentication import SessionScheme
    from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
    from drf_spectacular.views import SpectacularAPIView

    from .views import StytchDiscoveryView

    class SessionUserScheme(SessionScheme):  # type: ignore[no-untyped-call]
        """The Django session cookie, as spectacular documents DRF's SessionAuthentication."""

        target_class = "stytch_discovery.guards.SessionUserAuthentication"

    class OwnEndpoints(EndpointEnumerator):
        """Only this app's views, at whatever prefix the project mounted them on."""

        def should_include_endpoint(self, path: str, callback: Any) -> bool:
            view = getattr(callback, "cls", None)
            return isinstance(view, type) and issubclass(view, StytchDiscoveryView)

    class OwnSchemaGenerator(SchemaGenerator):
        endpoint_inspector_cls = OwnEndpoints

    schema_view: Callable[..., Any] = SpectacularAPIView.as_view(
        generator_class=OwnSchemaGenerator,
        custom_settings={
            "TITLE": "django-stytch-discovery",
            "DESCRIPTION": "Stytch B2B discovery for a single-page app: see the README.",
            "COMPONENT_SPLIT_REQUEST": True,
            # Several fields share a value set; one name per set keeps the schema readable.
            "ENUM_NAME_OVERRIDES": {
                "AllRestrictedNotEnum": "stytch_discovery.serializers.ALL_RESTRICTED_NOT",
                "RestrictedNotEnum": "stytch_discovery.serializers.RESTRICTED_NOT",
                "AllRestrictedEnum": "stytch_discovery.serializers.ALL_RESTRICTED",
                "MembershipTypeEnum": "stytch_discovery.types.MEMBERSHIP_TYPES",
            },
        },
    )
    return [path("schema", schema_view, name="schema")]
