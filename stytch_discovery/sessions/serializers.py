"""Shapes of organizations, members and member sessions, and of the session-starting requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http.fields import (
    CustomClaimsField,
    EnumField,
    PatternField,
    RequestSerializer,
    StrictCharField,
    StrictIntegerField,
    utc_datetime,
)
from stytch_discovery.internal.http.openapi import ErrorSerializer
from stytch_discovery.internal.phones import masked_member_options
from stytch_discovery.internal.rules import (
    CODE_MESSAGE,
    CODE_RE,
    EXCHANGE_LOCALES,
    MIN_SESSION_MINUTES,
    ORGANIZATION_REFERENCE_RE,
)
from stytch_discovery.internal.tokens import TOKEN_FIELDS

from . import policy
from .types import MemberAuthentication


class SessionOptionsSerializer(RequestSerializer):
    """The options of every request that may start a session, as the server's policy allows them.

    ``session_duration_minutes`` up to ``MAX_SESSION_DURATION_MINUTES``; ``session_custom_claims``
    only with ``ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS``, else refused like an unknown field, with
    the reason (``sessions.policy``). Both are read per request, so the schema says the same.
    """

    telemetry_id = StrictCharField(required=False, max_length=256, trim_whitespace=False)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields[policy.DURATION] = StrictIntegerField(
            required=False, min_value=MIN_SESSION_MINUTES, max_value=policy.longest_requestable()
        )
        if app_settings.ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS:
            fields[policy.CLAIMS] = CustomClaimsField(required=False)
        return fields

    def refusals(self) -> Mapping[str, str]:
        refused = super().refusals()
        if app_settings.ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS:
            return refused
        return {**refused, policy.CLAIMS: policy.CLAIMS_REFUSED}


_FROM_THE_STEP = "Taken from the pending sign-in step held by the server, never from the request."
#: What a request finishing a pending step must not name: the step's own organization, member, IST.
STEP_FIELDS = dict.fromkeys(("organization_id", "member_id", "email_address", *TOKEN_FIELDS), _FROM_THE_STEP)


def code_field() -> PatternField:
    """A 6-digit code (SMS, email, authenticator app), never echoed back."""
    return PatternField(pattern=CODE_RE, message=CODE_MESSAGE, max_length=6, write_only=True)


class StepRequestSerializer(RequestSerializer):
    """A request finishing a pending step: the step's organization, member and IST are refused."""

    refused_fields = STEP_FIELDS


class StepSessionOptionsSerializer(SessionOptionsSerializer):
    """A request finishing a pending step with a session: its options, but never its IST."""

    refused_fields = STEP_FIELDS


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


class PrimaryRequiredSerializer(serializers.Serializer[Any]):
    """Which primary authentication the organization accepts before it lets the member in."""

    allowed_auth_methods = serializers.ListField(child=serializers.CharField(), default=list)


class MemberOptionsField(serializers.JSONField):
    """Stytch's MemberOptions with ``mfa_phone_number`` masked: a browser needs no more than
    "we will text +•••••••0006", the form the cache stores and the pending step shows."""

    def to_representation(self, value: Any) -> Any:
        return masked_member_options(value)


class MfaRequiredSerializer(serializers.Serializer[Any]):
    """What MFA the member must complete; ``secondary_auth_initiated`` names a sent factor."""

    member_options = MemberOptionsField(
        allow_null=True,
        default=None,
        help_text="Stytch's {mfa_phone_number, totp_registration_id}, the number masked: +•••••••0006.",
    )
    secondary_auth_initiated = serializers.CharField(allow_null=True, default=None)


class MemberSessionSerializer(serializers.Serializer[Any]):
    organization_id = serializers.CharField()
    organization_slug = serializers.CharField()
    started_at = utc_datetime(allow_null=True)
    expires_at = utc_datetime(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())


def next_step(result: MemberAuthentication) -> str | None:
    """What the member must still do: primary authentication comes before MFA."""
    if result.member_authenticated:
        return None
    return "mfa" if result.mfa_required and not result.primary_required else "primary_auth"


class MemberAuthenticationSerializer(serializers.Serializer[Any]):
    """Answer of every call that starts a session (create, exchange).

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


class CsrfTokenSerializer(serializers.Serializer[Any]):
    csrf_token = serializers.CharField()


class LogoutSerializer(serializers.Serializer[Any]):
    logged_out = serializers.BooleanField()


class SessionExchangeRequestSerializer(SessionOptionsSerializer):
    """``POST sessions/exchange``: the organization to switch to; the session comes from its cookies."""

    organization_id = PatternField(
        pattern=ORGANIZATION_REFERENCE_RE,
        message="Give an organization id, slug or external id.",
        max_length=128,
    )
    locale = EnumField(choices=EXCHANGE_LOCALES, required=False)


class AuthenticationFactorSerializer(serializers.Serializer[Any]):
    type = serializers.CharField()
    delivery_method = serializers.CharField()
    last_authenticated_at = serializers.CharField(allow_null=True, default=None)


class SignedInMemberSerializer(serializers.Serializer[Any]):
    member_id = serializers.CharField()
    email_address = serializers.CharField()
    name = serializers.CharField()


class SignedInOrganizationSerializer(serializers.Serializer[Any]):
    organization_id = serializers.CharField()
    organization_name = serializers.CharField()
    organization_slug = serializers.CharField()


class SignedInSessionSerializer(serializers.Serializer[Any]):
    member_session_id = serializers.CharField()
    started_at = utc_datetime(allow_null=True)
    expires_at = utc_datetime(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    authentication_factors = AuthenticationFactorSerializer(many=True)


class SignedInUserSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    username = serializers.CharField()


class PendingMemberSerializer(serializers.Serializer[Any]):
    member_id = serializers.CharField()
    email_address = serializers.CharField()


class SsoConnectionSerializer(serializers.Serializer[Any]):
    """One of the organization's SSO connections a ``primary/sso/start`` may name."""

    connection_id = serializers.CharField()
    display_name = serializers.CharField(allow_blank=True)


class FlowSerializer(serializers.Serializer[Any]):
    """One way forward (allauth-headless style): an entry point, or the step that is pending.

    A pending step names its organization, member and expiry; ``primary_authenticate`` adds the
    organization's ``methods``, those this server finishes (``supported``), where each starts
    (``urls``) and the organization's SSO connections (``sso_connections``, when it accepts SSO);
    ``mfa_authenticate``
    the methods usable now (``types``), those the member may set up (``enroll_types``), the one to
    offer first, the masked phone number and whether an SMS code is live.
    """

    id = serializers.CharField()
    is_pending = serializers.BooleanField(required=False)
    provider = serializers.CharField(required=False)  # discovery_oauth: which provider
    url = serializers.CharField(required=False)  # discovery_oauth: where the browser goes
    organization = SignedInOrganizationSerializer(required=False)
    member = PendingMemberSerializer(required=False)
    expires_at = serializers.CharField(required=False)
    methods = serializers.ListField(child=serializers.CharField(), required=False)
    supported = serializers.ListField(child=serializers.CharField(), required=False)
    urls = serializers.DictField(child=serializers.CharField(), required=False)
    sso_connections = SsoConnectionSerializer(many=True, required=False)
    types = serializers.ListField(child=serializers.CharField(), required=False)
    enroll_types = serializers.ListField(child=serializers.CharField(), required=False)
    default_type = serializers.CharField(required=False, allow_null=True)
    phone_number = serializers.CharField(required=False, allow_blank=True)
    sms_sent = serializers.BooleanField(required=False)
    sms_code_expires_at = serializers.CharField(required=False, allow_null=True)


class SessionSerializer(serializers.Serializer[Any]):
    """``GET session`` when signed in: who, where, until when; no token.

    ``pending`` is the step this browser is part-way through elsewhere (a switch into an
    organization that asks for MFA), else null.
    """

    member = SignedInMemberSerializer()
    organization = SignedInOrganizationSerializer()
    member_session = SignedInSessionSerializer()
    user = SignedInUserSerializer(allow_null=True)
    pending = FlowSerializer(allow_null=True)


class NotSignedInSerializer(ErrorSerializer):
    """``GET session``'s 401: the error shape plus ``flows``, the ways forward."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {**super().get_fields(), "flows": FlowSerializer(many=True)}
