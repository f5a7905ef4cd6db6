"""Request validation with Stytch's documented rules, and the JSON shapes of every answer.

Request serializers refuse what Stytch would refuse (stytch-contract.md section 3), so a bad
request never costs a Stytch call. They are strict about JSON types (``"60"`` is not an integer,
``12`` is not a string) and refuse unknown fields. Response serializers read the dataclasses of
``types`` and the cache rows. Nothing here does I/O.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import timezone
from functools import cache
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from .types import MEMBERSHIP_TYPES, MemberAuthentication

# -- Stytch's rules ------------------------------------------------------------------------------

SLUG_MESSAGE = "Use 2 to 128 letters, digits or the characters - . _ ~, with at least one letter or digit."
SLUG_RE = re.compile(r"^(?=.*[A-Za-z0-9])[A-Za-z0-9._~-]{2,128}\Z")
EXTERNAL_ID_RE = re.compile(r"^[A-Za-z0-9._|-]{1,128}\Z")
#: Exchange takes an organization id, slug or external id: the union of their alphabets.
ORGANIZATION_REFERENCE_RE = re.compile(r"^[A-Za-z0-9._~|-]{1,128}\Z")
DOMAIN_RE = re.compile(r"^(?=.{1,253}\Z)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}\Z")
#: Stytch tokens are printable ASCII (base64, JWT); anything else is not a token.
TOKEN_RE = re.compile(r"^[\x21-\x7e]+\Z")

MAX_TOKEN_LENGTH = 1024
#: A session JWT grows with its custom claims (up to 4 KB of them, base64-encoded).
MAX_JWT_LENGTH = 16384
MAX_CUSTOM_CLAIMS_BYTES = 4096
RESERVED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
STYTCH_CLAIM_PREFIX = "https://stytch.com/"
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 5, 527040
MAX_LIST_ITEMS = 100

SEND_LOCALES = ("en", "es", "pt-br", "fr")
EXCHANGE_LOCALES = (
    *SEND_LOCALES,
    *("it", "de-DE", "zh-Hans", "ca-ES", "ja", "ru", "nl", "pl", "tr", "fa", "vi", "cs"),
)
AUTH_METHODS = (
    *("sso", "magic_link", "email_otp", "password", "google_oauth", "microsoft_oauth"),
    *("slack_oauth", "github_oauth", "hubspot_oauth"),
)
MFA_METHODS = ("sms_otp", "totp")
OAUTH_TENANT_PROVIDERS = ("slack", "hubspot", "github")
ALL_RESTRICTED_NOT = ("ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED")
RESTRICTED_NOT = ("RESTRICTED", "NOT_ALLOWED")
ALL_RESTRICTED = ("ALL_ALLOWED", "RESTRICTED")
MFA_POLICIES = ("REQUIRED_FOR_ALL", "OPTIONAL")
NEXT_STEPS = ("mfa", "primary_auth")
TOKEN_FIELDS = ("intermediate_session_token", "session_token", "session_jwt")

#: Bidirectional-override characters let a name display as something it is not.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def reject_control_characters(value: str) -> None:
    """Refuse control characters and bidi overrides in display text (DRF refuses surrogates)."""
    for char in value:
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            raise serializers.ValidationError(
                f"Control or invisible formatting character U+{ord(char):04X} is not allowed."
            )


def _compact_utf8(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# -- strict JSON fields --------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's ``CharField`` would quietly turn ``12`` into ``"12"``."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(StrictCharField):
    """Human-readable text: no control characters, surrounding blanks trimmed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", []).append(reject_control_characters)
        super().__init__(**kwargs)


class PatternField(StrictCharField):
    """An identifier matched as typed: no trimming, so ``" acme"`` is refused, not fixed."""

    def __init__(self, *, pattern: re.Pattern[str], message: str, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("validators", []).append(RegexValidator(pattern, message))
        super().__init__(**kwargs)


class TokenField(PatternField):
    """A bearer token: never echoed back (``write_only``), never trimmed."""

    def __init__(self, *, max_length: int = MAX_TOKEN_LENGTH, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            pattern=TOKEN_RE,
            message="Not a valid token.",
            max_length=max_length,
            write_only=True,
            **kwargs,
        )


class StrictEmailField(StrictCharField, serializers.EmailField):
    """An email address given as a JSON string."""


class HttpUrlField(StrictCharField, serializers.URLField):
    """An ``http(s)`` URL given as a JSON string (Django's validator also allows ftp)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for validator in self.validators:
            if hasattr(validator, "schemes"):
                validator.schemes = ["http", "https"]


class EnumField(serializers.ChoiceField):
    """One of fixed strings; the error lists them instead of echoing the input."""

    default_error_messages = {"invalid_choice": "Must be one of: {choices}."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or data not in self.choices:
            self.fail("invalid_choice", choices=", ".join(self.choices))
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: not ``true``, not ``"60"``, not ``60.5``."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return data


class CustomClaimsField(serializers.DictField):
    """``session_custom_claims``: a JSON object of at most 4 KB.

    The reserved JWT claims are dropped, as Stytch documents it does silently; the
    ``https://stytch.com/`` namespace belongs to Stytch and is refused.
    """

    default_error_messages = {
        "too_large": f"Custom claims may not exceed {MAX_CUSTOM_CLAIMS_BYTES} bytes of JSON.",
        "stytch_claim": f"Claims under {STYTCH_CLAIM_PREFIX} are reserved by Stytch.",
        "not_representable": "Custom claims must be valid Unicode and nest at most a few hundred levels.",
    }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        claims = super().to_internal_value(data)
        kept = {key: value for key, value in claims.items() if key not in RESERVED_CLAIMS}
        if any(key.startswith(STYTCH_CLAIM_PREFIX) for key in kept):
            self.fail("stytch_claim")
        try:
            size = len(_compact_utf8(kept))
        except (UnicodeEncodeError, RecursionError):
            self.fail("not_representable")
        if size > MAX_CUSTOM_CLAIMS_BYTES:
            self.fail("too_large")
        return kept


def _has_children(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    return hasattr(field, "child") or isinstance(field, serializers.BaseSerializer)


def _string_list(child: serializers.Field[Any, Any, Any, Any]) -> serializers.ListField:
    return serializers.ListField(child=child, required=False, max_length=MAX_LIST_ITEMS)


# -- request serializers -------------------------------------------------------------------------


class RequestSerializer(serializers.Serializer[Any]):
    """Base of request bodies: unknown fields are refused, so a typo is not silently ignored."""

    #: Fields Stytch knows but this API refuses, with the reason shown to the caller.
    refused_fields: Mapping[str, str] = {}

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # DRF deep-copies every declared field on every request, re-running each field's
        # __init__ (half the cost of validating a list request). A leaf field holds nothing
        # per request until it is bound, so a shallow copy is enough; fields with children
        # (lists, dicts, nested serializers) bind those children too and keep the deep copy.
        return {
            name: copy.deepcopy(field) if _has_children(field) else copy.copy(field)
            for name, field in self._declared_fields.items()
        }

    def to_internal_value(self, data: Any) -> Any:
        unknown = {
            key: [self.refused_fields.get(key, "Unknown field.")]
            for key in (data if isinstance(data, Mapping) else ())
            if key not in self.fields
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            # Report unknown fields together with the other field errors, not one round later.
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class MagicLinkQuerySerializer(serializers.Serializer[Any]):
    """The query string of Stytch's link; other parameters (``next``, yours) are left alone."""

    token = TokenField(required=True)
    stytch_token_type = EnumField(choices=("discovery",), required=False)


class SendMagicLinkRequestSerializer(RequestSerializer):
    """``POST discovery/magic-links/send``; the redirect URL is the server's, never the caller's."""

    refused_fields = {
        "discovery_redirect_url": "Set by the server (DISCOVERY_REDIRECT_URL), never by the caller.",
    }

    email_address = StrictEmailField(max_length=254)
    locale = EnumField(choices=SEND_LOCALES, required=False)


class ListOrganizationsRequestSerializer(RequestSerializer):
    """``POST discovery/organizations``: at most one token in the body; none means "use a cookie"."""

    intermediate_session_token = TokenField()
    session_token = TokenField()
    session_jwt = TokenField(max_length=MAX_JWT_LENGTH)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs) > 1:
            raise serializers.ValidationError(
                "Give exactly one of intermediate_session_token, session_token or session_jwt."
            )
        return attrs


class SessionOptionsSerializer(RequestSerializer):
    """The fields Create and Exchange share: the IST (or a cookie) and the session to start."""

    intermediate_session_token = TokenField()
    session_duration_minutes = StrictIntegerField(
        required=False, min_value=MIN_SESSION_MINUTES, max_value=MAX_SESSION_MINUTES
    )
    session_custom_claims = CustomClaimsField(required=False)
    telemetry_id = StrictCharField(required=False, max_length=256, trim_whitespace=False)


class ExchangeRequestSerializer(SessionOptionsSerializer):
    """``POST discovery/intermediate-sessions/exchange``."""

    organization_id = PatternField(
        pattern=ORGANIZATION_REFERENCE_RE,
        message="Give an organization id, slug or external id.",
        max_length=128,
    )
    locale = EnumField(choices=EXCHANGE_LOCALES, required=False)


class RoleAssignmentSerializer(RequestSerializer):
    domain = PatternField(pattern=DOMAIN_RE, message="Not a valid domain name.", max_length=253)
    role_id = PatternField(
        pattern=re.compile(r"^[A-Za-z0-9._:-]{1,128}\Z"), message="Not a valid role id.", max_length=128
    )


class CreateOrganizationRequestSerializer(SessionOptionsSerializer):
    """``POST discovery/organizations/create``: every Create field of Stytch's API but one.

    ``trusted_metadata`` is refused: it is *trusted* because only the backend writes it, so an
    anonymous browser must not choose it for the organization it creates.
    """

    refused_fields = {
        "trusted_metadata": (
            "Not accepted from the browser: set it server-side with services.create_organization."
        ),
    }

    organization_name = TextField(required=False, max_length=128)
    organization_slug = PatternField(
        pattern=SLUG_RE, message=SLUG_MESSAGE, required=False, min_length=2, max_length=128
    )
    organization_logo_url = HttpUrlField(required=False, max_length=2048)
    organization_external_id = PatternField(
        pattern=EXTERNAL_ID_RE,
        message="Use 1 to 128 letters, digits or the characters . _ - |.",
        required=False,
        max_length=128,
    )
    sso_jit_provisioning = EnumField(choices=ALL_RESTRICTED_NOT, required=False)
    email_allowed_domains = _string_list(
        PatternField(pattern=DOMAIN_RE, message="Not a valid domain name.", max_length=253)
    )
    email_jit_provisioning = EnumField(choices=RESTRICTED_NOT, required=False)
    email_invites = EnumField(choices=ALL_RESTRICTED_NOT, required=False)
    auth_methods = EnumField(choices=ALL_RESTRICTED, required=False)
    allowed_auth_methods = _string_list(EnumField(choices=AUTH_METHODS))
    mfa_policy = EnumField(choices=MFA_POLICIES, required=False)
    rbac_email_implicit_role_assignments = serializers.ListField(
        child=RoleAssignmentSerializer(), required=False, max_length=MAX_LIST_ITEMS
    )
    mfa_methods = EnumField(choices=ALL_RESTRICTED, required=False)
    allowed_mfa_methods = _string_list(EnumField(choices=MFA_METHODS))
    oauth_tenant_jit_provisioning = EnumField(choices=RESTRICTED_NOT, required=False)
    allowed_oauth_tenants = serializers.DictField(
        child=_string_list(StrictCharField(max_length=256, trim_whitespace=False)), required=False
    )
    first_party_connected_apps_allowed_type = EnumField(choices=ALL_RESTRICTED_NOT, required=False)
    allowed_first_party_connected_apps = _string_list(StrictCharField(max_length=256))
    third_party_connected_apps_allowed_type = EnumField(choices=ALL_RESTRICTED_NOT, required=False)
    allowed_third_party_connected_apps = _string_list(StrictCharField(max_length=256))

    def validate_email_allowed_domains(self, value: list[str]) -> list[str]:
        lowered = [domain.lower() for domain in value]
        if len(set(lowered)) != len(lowered):
            raise serializers.ValidationError("A domain is listed twice.")
        return lowered

    def validate_allowed_oauth_tenants(self, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(OAUTH_TENANT_PROVIDERS))
        if unknown:
            raise serializers.ValidationError(
                f"Keys must be among {', '.join(OAUTH_TENANT_PROVIDERS)}; got {', '.join(unknown)}."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = {}
        for setting, listing in (
            ("auth_methods", "allowed_auth_methods"),
            ("mfa_methods", "allowed_mfa_methods"),
        ):
            if attrs.get(setting) == "RESTRICTED" and not attrs.get(listing):
                errors[listing] = [f"Required when {setting} is RESTRICTED."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# -- response serializers ------------------------------------------------------------------------


def _utc(**kwargs: Any) -> serializers.DateTimeField:
    """Timestamps go out in UTC (``...Z``), whatever the project's TIME_ZONE."""
    return serializers.DateTimeField(default_timezone=timezone.utc, **kwargs)


class OrganizationSerializer(serializers.Serializer[Any]):
    organization_id = serializers.CharField()
    organization_name = serializers.CharField()
    organization_slug = serializers.CharField()
    organization_logo_url = serializers.CharField()
    mfa_policy = serializers.CharField(source="raw.mfa_policy", default="")
    auth_methods = serializers.CharField(source="raw.auth_methods", default="")
    allowed_auth_methods = serializers.ListField(
        child=serializers.CharField(), source="raw.allowed_auth_methods", default=list
    )


class MemberSerializer(serializers.Serializer[Any]):
    member_id = serializers.CharField()
    email_address = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    is_admin = serializers.BooleanField()


class MembershipSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=MEMBERSHIP_TYPES)
    details = serializers.JSONField(allow_null=True)
    member = MemberSerializer(allow_null=True)


class PrimaryRequiredSerializer(serializers.Serializer[Any]):
    """Which primary authentication the organization accepts before it lets the member in."""

    allowed_auth_methods = serializers.ListField(child=serializers.CharField(), default=list)


class MfaRequiredSerializer(serializers.Serializer[Any]):
    """What MFA the member must complete; ``secondary_auth_initiated`` names a sent factor."""

    member_options = serializers.JSONField(allow_null=True, default=None)
    secondary_auth_initiated = serializers.CharField(allow_null=True, default=None)


class DiscoveredOrganizationSerializer(serializers.Serializer[Any]):
    organization = OrganizationSerializer(allow_null=True)
    membership = MembershipSerializer(allow_null=True)
    member_authenticated = serializers.BooleanField()
    primary_required = PrimaryRequiredSerializer(allow_null=True)
    mfa_required = MfaRequiredSerializer(allow_null=True)


class DiscoveredOrganizationsSerializer(serializers.Serializer[Any]):
    """Answer of the list view; ``can_create_organization`` is true when an IST was used."""

    email_address = serializers.CharField()
    organization_id_hint = serializers.CharField(allow_null=True)
    can_create_organization = serializers.BooleanField()
    discovered_organizations = DiscoveredOrganizationSerializer(many=True)


# -- the fast path of the response serializers ---------------------------------------------------

Representer = Callable[[Any], Any]


def represent(serializer_class: type[serializers.Serializer[Any]], instance: Any) -> dict[str, Any]:
    """``serializer_class(instance).data``, the same JSON, without DRF's per-call machinery.

    DRF deep-copies every declared field for each serializer it builds and resolves each
    attribute through several layers: for a list of 500 organizations that was 9 ms of the
    list view. The serializers stay the one declaration of the shapes (drf-spectacular reads
    them); this walks their fields once per class (``_representer``) into plain functions.
    Only for serializers that read no ``context``.
    """
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


class MemberSessionSerializer(serializers.Serializer[Any]):
    organization_id = serializers.CharField()
    organization_slug = serializers.CharField()
    started_at = _utc(allow_null=True)
    expires_at = _utc(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())


def next_step(result: MemberAuthentication) -> str | None:
    """What the member must still do: primary authentication comes before MFA."""
    if result.member_authenticated:
        return None
    return "mfa" if result.mfa_required and not result.primary_required else "primary_auth"


class MemberAuthenticationSerializer(serializers.Serializer[Any]):
    """Answer of create and exchange.

    The three tokens appear only when the view passes ``context={"include_tokens": True}``
    (the ``RETURN_TOKENS_IN_BODY`` setting); by default they travel in HttpOnly cookies.
    """

    member_authenticated = serializers.BooleanField()
    next_step = serializers.SerializerMethodField()
    organization = OrganizationSerializer()
    member = MemberSerializer()
    member_session = MemberSessionSerializer(allow_null=True)
    mfa_required = MfaRequiredSerializer(allow_null=True)
    primary_required = PrimaryRequiredSerializer(allow_null=True)
    session_token = serializers.CharField(required=False)
    session_jwt = serializers.CharField(required=False)
    intermediate_session_token = serializers.CharField(required=False)

    def get_next_step(self, obj: MemberAuthentication) -> str | None:
        return next_step(obj)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("include_tokens"):
            for name in TOKEN_FIELDS:
                data.pop(name, None)
        return data


class MagicLinkSentSerializer(serializers.Serializer[Any]):
    email_address = serializers.CharField()
    sent = serializers.BooleanField()


class CachedOrganizationSerializer(serializers.Serializer[Any]):
    """One row of the organization cache (``models.DiscoveredOrganization``)."""

    organization_id = serializers.CharField()
    organization_name = serializers.CharField()
    organization_slug = serializers.CharField()
    organization_logo_url = serializers.CharField()
    membership_type = serializers.ChoiceField(choices=MEMBERSHIP_TYPES)
    member_authenticated = serializers.BooleanField()
    primary_required = PrimaryRequiredSerializer(allow_null=True)
    mfa_required = MfaRequiredSerializer(allow_null=True)
    email_address = serializers.CharField()
    first_seen_at = _utc()
    refreshed_at = _utc()


class CachedOrganizationsSerializer(serializers.Serializer[Any]):
    refreshed_at = _utc(allow_null=True)
    organizations = CachedOrganizationSerializer(many=True)


class CsrfTokenSerializer(serializers.Serializer[Any]):
    csrf_token = serializers.CharField()


class LogoutSerializer(serializers.Serializer[Any]):
    logged_out = serializers.BooleanField()


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
