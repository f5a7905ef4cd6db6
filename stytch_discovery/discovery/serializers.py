"""Requests and answers of the discovery endpoints: list, create, exchange, and the cache."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from stytch_discovery.internal.http.fields import (
    EnumField,
    HttpUrlField,
    KeyedDictField,
    PatternField,
    RequestSerializer,
    StrictCharField,
    StrictEmailField,
    TextField,
    TokenField,
    string_list,
    utc_datetime,
)
from stytch_discovery.internal.rules import (
    ALL_RESTRICTED,
    ALL_RESTRICTED_NOT,
    AUTH_METHODS,
    DOMAIN_RE,
    EXTERNAL_ID_RE,
    MAX_LIST_ITEMS,
    MFA_METHODS,
    MFA_POLICIES,
    OAUTH_TENANT_PROVIDERS,
    RESTRICTED_NOT,
    ROLE_ID_RE,
    SEND_LOCALES,
    SLUG_MESSAGE,
    SLUG_RE,
)
from stytch_discovery.internal.tokens import MAX_JWT_LENGTH, TOKEN_FIELDS
from stytch_discovery.models import MembershipType
from stytch_discovery.sessions.serializers import (
    MemberSerializer,
    MfaRequiredSerializer,
    OrganizationSerializer,
    PrimaryRequiredSerializer,
    SessionExchangeRequestSerializer,
    SessionOptionsSerializer,
)

# -- requests --------------------------------------------------------------------------------------


class DiscoveryEmailRequestSerializer(RequestSerializer):
    """What every emailed discovery entry point is sent with (a magic link, a code)."""

    email_address = StrictEmailField(max_length=254)
    locale = EnumField(choices=SEND_LOCALES, required=False)


class ListOrganizationsRequestSerializer(RequestSerializer):
    """``POST discovery/organizations``: at most one token in the body; none means "use a cookie"."""

    intermediate_session_token = TokenField()
    session_token = TokenField()
    session_jwt = TokenField(max_length=MAX_JWT_LENGTH)

    #: "At most one token" for the schema: none (a cookie), or exactly one of the three.
    schema_rules = {"oneOf": [{"maxProperties": 0}, *({"required": [name]} for name in TOKEN_FIELDS)]}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs) > 1:
            raise serializers.ValidationError(
                "Give exactly one of intermediate_session_token, session_token or session_jwt."
            )
        return attrs


class ExchangeRequestSerializer(SessionExchangeRequestSerializer):
    """``POST discovery/intermediate-sessions/exchange``: a switch's fields, and the IST (or a cookie)."""

    intermediate_session_token = TokenField()


class RoleAssignmentSerializer(RequestSerializer):
    domain = PatternField(pattern=DOMAIN_RE, message="Not a valid domain name.", max_length=253)
    role_id = PatternField(pattern=ROLE_ID_RE, message="Not a valid role id.", max_length=128)


def _listed_when_restricted(setting: str, listing: str) -> dict[str, Any]:
    """JSON Schema for "``listing`` non-empty when ``setting`` is RESTRICTED" (OpenAPI 3.0 has no if/then)."""
    return {
        "anyOf": [
            {"not": {"required": [setting], "properties": {setting: {"enum": ["RESTRICTED"]}}}},
            {"required": [listing], "properties": {listing: {"minItems": 1}}},
        ]
    }


class CreateOrganizationRequestSerializer(SessionOptionsSerializer):
    """``POST discovery/organizations/create``: every Create field of Stytch's API but one.

    ``trusted_metadata`` is refused: it is *trusted* because only the backend writes it, so an
    anonymous browser must not choose it for the organization it creates.
    """

    intermediate_session_token = TokenField()
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
    email_allowed_domains = string_list(
        PatternField(pattern=DOMAIN_RE, message="Not a valid domain name.", max_length=253)
    )
    email_jit_provisioning = EnumField(choices=RESTRICTED_NOT, required=False)
    email_invites = EnumField(choices=ALL_RESTRICTED_NOT, required=False)
    auth_methods = EnumField(choices=ALL_RESTRICTED, required=False)
    allowed_auth_methods = string_list(EnumField(choices=AUTH_METHODS))
    mfa_policy = EnumField(choices=MFA_POLICIES, required=False)
    rbac_email_implicit_role_assignments = serializers.ListField(
        child=RoleAssignmentSerializer(), required=False, max_length=MAX_LIST_ITEMS
    )
    mfa_methods = EnumField(choices=ALL_RESTRICTED, required=False)
    allowed_mfa_methods = string_list(EnumField(choices=MFA_METHODS))
    oauth_tenant_jit_provisioning = EnumField(choices=RESTRICTED_NOT, required=False)
    allowed_oauth_tenants = KeyedDictField(
        keys=OAUTH_TENANT_PROVIDERS,
        child=string_list(StrictCharField(max_length=256, trim_whitespace=False)),
        required=False,
    )
    first_party_connected_apps_allowed_type = EnumField(choices=ALL_RESTRICTED_NOT, required=False)
    allowed_first_party_connected_apps = string_list(StrictCharField(max_length=256))
    third_party_connected_apps_allowed_type = EnumField(choices=ALL_RESTRICTED_NOT, required=False)
    allowed_third_party_connected_apps = string_list(StrictCharField(max_length=256))

    def validate_email_allowed_domains(self, value: list[str]) -> list[str]:
        lowered = [domain.lower() for domain in value]
        if len(set(lowered)) != len(lowered):
            raise serializers.ValidationError("A domain is listed twice.")
        return lowered

    #: The setting/listing pairs ``validate`` checks: RESTRICTED needs a non-empty list.
    restricted_lists = (("auth_methods", "allowed_auth_methods"), ("mfa_methods", "allowed_mfa_methods"))
    schema_rules = {
        "allOf": [_listed_when_restricted(setting, listing) for setting, listing in restricted_lists]
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = {}
        for setting, listing in self.restricted_lists:
            if attrs.get(setting) == "RESTRICTED" and not attrs.get(listing):
                errors[listing] = [f"Required when {setting} is RESTRICTED."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# -- answers ---------------------------------------------------------------------------------------


class MembershipSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=MembershipType.choices)
    details = serializers.JSONField(allow_null=True)
    member = MemberSerializer(allow_null=True)


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


class DiscoveryEmailSentSerializer(serializers.Serializer[Any]):
    """Answer of an emailed discovery entry point's send."""

    email_address = serializers.CharField()
    sent = serializers.BooleanField()


class CachedOrganizationSerializer(serializers.Serializer[Any]):
    """One row of the organization cache (``models.CachedOrganization``)."""

    organization_id = serializers.CharField()
    organization_name = serializers.CharField()
    organization_slug = serializers.CharField()
    organization_logo_url = serializers.CharField()
    membership_type = serializers.ChoiceField(choices=MembershipType.choices)
    member_authenticated = serializers.BooleanField()
    primary_required = PrimaryRequiredSerializer(allow_null=True)
    mfa_required = MfaRequiredSerializer(allow_null=True)
    email_address = serializers.CharField()
    first_seen_at = utc_datetime()
    refreshed_at = utc_datetime()


class CachedOrganizationsSerializer(serializers.Serializer[Any]):
    refreshed_at = utc_datetime(allow_null=True)
    organizations = CachedOrganizationSerializer(many=True)
