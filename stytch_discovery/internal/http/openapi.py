"""OpenAPI descriptions of the views, through the optional ``drf-spectacular`` extra.

Everything here degrades to a no-op without the extra, so the app runs without it. The views
carry their own ``AutoSchema``, so the host project needs no ``DEFAULT_SCHEMA_CLASS`` change;
``stytch_discovery.schema`` serves the schema. Nothing here imports a view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from rest_framework import serializers

from .errors import codes_with_status

View = TypeVar("View")

try:
    import drf_spectacular  # noqa: F401  # only asks whether the extra is installed
except ImportError:
    AVAILABLE = False
else:
    AVAILABLE = True


def _register_strict_schemas() -> None:
    """Make the schema as strict as the server: what it documents as valid, the server accepts.

    Every request body refuses unknown fields (``additionalProperties: false``) and adds its
    ``schema_rules`` (rules across fields, such as "at most one token"); a string field gets its
    ``schema_pattern()`` (what the field accepts beyond its length: no blank, no NUL, an email
    or URL as Django checks it); a ``KeyedDictField`` lists its allowed keys as properties (OpenAPI
    3.0 has no ``propertyNames``). Spectacular registers an extension when its class is defined,
    so defining them is enough.
    """
    from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension

    class StrictRequestBody(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
        target_class = "stytch_discovery.internal.http.fields.RequestSerializer"
        match_subclasses = True

        def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
            schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
            if direction == "request":
                schema["additionalProperties"] = False
                schema.update(getattr(self.target, "schema_rules", {}))
            return schema

    class StrictString(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
        target_class = "stytch_discovery.internal.http.fields.StrictCharField"
        match_subclasses = True

        def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
            schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
            pattern = self.target.schema_pattern()
            if pattern is not None:
                schema["pattern"] = pattern
            return schema

    class KeyedObject(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
        target_class = "stytch_discovery.internal.http.fields.KeyedDictField"

        def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
            child = auto_schema._map_serializer_field(self.target.child, direction)
            # Spectacular adds a field's validators (a list's maxItems) where the field sits in
            # its serializer, which these values do not.
            auto_schema._insert_field_validators(self.target.child, child)
            return {
                "type": "object",
                "properties": dict.fromkeys(self.target.keys, child),
                "additionalProperties": False,
            }


def _register_session_scheme() -> None:
    """Describe ``StytchSessionAuthentication``: a Bearer JWT, or either session cookie.

    Without it spectacular warns on every generation of a schema that has a view using the class
    (this app's cached list, a host project's own views) and leaves those credentials out. The
    target is named by its dotted path, so nothing here imports the sessions feature; the cookie
    names are the settings' at generation time.
    """
    from drf_spectacular.extensions import OpenApiAuthenticationExtension
    from drf_spectacular.plumbing import build_bearer_security_scheme_object

    from stytch_discovery.conf import app_settings

    class StytchSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
        target_class = "stytch_discovery.sessions.authentication.StytchSessionAuthentication"
        match_subclasses = True
        # In the order a request's credential is chosen; any one of them is enough.
        name = ["stytchSessionBearer", "stytchSessionJwtCookie", "stytchSessionCookie"]

        def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
            return [{name: []} for name in self.name]

        def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
            return [
                build_bearer_security_scheme_object("Authorization", "Bearer", "JWT"),
                {"type": "apiKey", "in": "cookie", "name": app_settings.SESSION_JWT_COOKIE_NAME},
                {"type": "apiKey", "in": "cookie", "name": app_settings.SESSION_COOKIE_NAME},
            ]


if AVAILABLE:
    _register_strict_schemas()
    _register_session_scheme()


def describe_status(status: int) -> str:
    """The codes an error status carries here, for the schema (from the one table of codes)."""
    codes = codes_with_status(status)
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"


class ErrorSerializer(serializers.Serializer[Any]):
    """The one shape of every non-2xx answer of these views."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # Declared here because a class attribute named ``fields`` would shadow Serializer.fields.
        return {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            "stytch_error_type": serializers.CharField(allow_null=True),
            "stytch_request_id": serializers.CharField(allow_null=True),
        }


#: Statuses any POST view can answer before it looks at its own body.
COMMON_POST_ERRORS = (400, 403, 405, 413, 415, 429)
#: Statuses of a view that calls Stytch.
STYTCH_ERRORS = (429, 502, 503, 504)
#: Statuses of a POST view that finishes or advances the pending step (primary and MFA).
STEP_ERRORS = (*COMMON_POST_ERRORS, 401, 409, *STYTCH_ERRORS)


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

    documented: dict[int, Any] = {
        status: OpenApiResponse(ErrorSerializer, description=describe_status(status)) for status in errors
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


def query_parameters(
    *names: tuple[str, bool, str], serializer: type[serializers.Serializer[Any]] | None = None
) -> list[Any]:
    """The fields of ``serializer`` (the query the view validates), each with its field's schema
    and help text, then ``(name, required, description)`` triples as plain string parameters."""
    if not AVAILABLE:
        return []
    from drf_spectacular.utils import OpenApiParameter

    plain = [
        OpenApiParameter(name, str, OpenApiParameter.QUERY, required=required, description=description)
        for name, required, description in names
    ]
    return [serializer, *plain] if serializer is not None else plain
