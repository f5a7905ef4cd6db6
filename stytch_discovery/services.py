"""The public Python API: keyword-only, settings-driven calls to Stytch's discovery flow.

Each function calls Stytch through ``client.StytchClient`` and returns a typed result from
``types``. Successful list, create and exchange calls then hand the result to ``cache``, which
refreshes the organization cache (unless ``CACHE_ENABLED`` is off) and sends the signals; a
failed call leaves the cache as it was.
Every request field of the Stytch API is a keyword argument; ``extra`` passes fields newer
than this release through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.views.decorators.debug import sensitive_variables

from . import cache, client
from .conf import app_settings
from .exceptions import StytchDiscoveryResponseError
from .types import (
    DiscoveredOrganizations,
    MagicLinkAuthentication,
    MagicLinkSent,
    MemberAuthentication,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = [
    "authenticate_discovery_magic_link",
    "create_organization",
    "exchange_intermediate_session",
    "list_discovered_organizations",
    "revoke_session",
    "send_discovery_magic_link",
]

Result = TypeVar("Result")


def _payload(fields: Mapping[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drop unset fields, as the official SDKs do, then let ``extra`` add newer ones."""
    payload = {key: value for key, value in fields.items() if value is not None}
    if extra:
        payload.update(extra)
    return payload


@sensitive_variables("payload")
def _call(
    path: str,
    payload: Mapping[str, Any],
    parse: Callable[[Mapping[str, Any]], Result],
    *,
    stytch: client.StytchClient | None,
    idempotent: bool = False,
) -> Result:
    data = (stytch or client.StytchClient.from_settings()).post(path, payload, idempotent=idempotent)
    try:
        return parse(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # Name the problem, never the body: it holds tokens.
        raise StytchDiscoveryResponseError(
            f"Stytch's answer to POST {path} lacks or mistypes a required field ({type(error).__name__}).",
            # The client returns 2xx bodies only; the body's own status_code may be as broken as the rest.
            status_code=data["status_code"] if isinstance(data.get("status_code"), int) else 200,
            request_id=str(data.get("request_id", "")),
        ) from error


@sensitive_variables("intermediate_session_token", "session_token", "session_jwt", "tokens", "payload")
def list_discovered_organizations(
    *,
    intermediate_session_token: str | None = None,
    session_token: str | None = None,
    session_jwt: str | None = None,
    user: AbstractBaseUser | None = None,
    stytch: client.StytchClient | None = None,
) -> DiscoveredOrganizations:
    """List the organizations the holder of exactly one credential can enter.

    Read-only at Stytch (the token is not consumed), so it is retried on transient failures.
    """
    tokens = [intermediate_session_token, session_token, session_jwt]
    if sum(token is not None for token in tokens) != 1:
        raise ValueError("Give exactly one of intermediate_session_token, session_token, session_jwt.")
    payload = _payload(
        {
            "intermediate_session_token": intermediate_session_token,
            "session_token": session_token,
            "session_jwt": session_jwt,
        },
        None,
    )
    result = _call(
        client.LIST_ORGANIZATIONS,
        payload,
        DiscoveredOrganizations.from_json,
        stytch=stytch,
        idempotent=True,
    )
    cache.record_discovery(
        email_address=result.email_address, discovered=result.discovered_organizations, user=user
    )
    return result


@sensitive_variables("intermediate_session_token", "fields", "payload")
def create_organization(
    *,
    intermediate_session_token: str,
    organization_name: str | None = None,
    organization_slug: str | None = None,
    organization_logo_url: str | None = None,
    organization_external_id: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    trusted_metadata: Mapping[str, Any] | None = None,
    sso_jit_provisioning: str | None = None,
    email_allowed_domains: Sequence[str] | None = None,
    email_jit_provisioning: str | None = None,
    email_invites: str | None = None,
    auth_methods: str | None = None,
    allowed_auth_methods: Sequence[str] | None = None,
    mfa_policy: str | None = None,
    rbac_email_implicit_role_assignments: Sequence[Mapping[str, str]] | None = None,
    mfa_methods: str | None = None,
    allowed_mfa_methods: Sequence[str] | None = None,
    oauth_tenant_jit_provisioning: str | None = None,
    allowed_oauth_tenants: Mapping[str, Any] | None = None,
    first_party_connected_apps_allowed_type: str | None = None,
    allowed_first_party_connected_apps: Sequence[str] | None = None,
    third_party_connected_apps_allowed_type: str | None = None,
    allowed_third_party_connected_apps: Sequence[str] | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    stytch: client.StytchClient | None = None,
) -> MemberAuthentication:
    """Create an organization with the IST's holder as its first admin.

    Consumes the IST, so it is never resent once it may have reached Stytch.
    """
    fields = dict(locals())
    for name in ("extra", "user", "stytch"):
        del fields[name]
    payload = _payload(fields, extra)
    result = _call(client.CREATE_ORGANIZATION, payload, MemberAuthentication.from_json, stytch=stytch)
    cache.record_membership(result=result, user=user, created=True)
    return result


@sensitive_variables("intermediate_session_token", "payload")
def exchange_intermediate_session(
    *,
    intermediate_session_token: str,
    organization_id: str,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    locale: str | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    stytch: client.StytchClient | None = None,
) -> MemberAuthentication:
    """Enter ``organization_id`` (an id, slug or external id) with the IST; consumes the IST."""
    payload = _payload(
        {
            "intermediate_session_token": intermediate_session_token,
            "organization_id": organization_id,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "locale": locale,
            "telemetry_id": telemetry_id,
        },
        extra,
    )
    result = _call(
        client.EXCHANGE_INTERMEDIATE_SESSION, payload, MemberAuthentication.from_json, stytch=stytch
    )
    cache.record_membership(result=result, user=user, created=False)
    return result


@sensitive_variables("payload")
def send_discovery_magic_link(
    *,
    email_address: str,
    discovery_redirect_url: str | None = None,
    pkce_code_challenge: str | None = None,
    login_template_id: str | None = None,
    locale: str | None = None,
    discovery_expiration_minutes: int | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: client.StytchClient | None = None,
) -> MagicLinkSent:
    """Email a discovery magic link; the redirect defaults to ``DISCOVERY_REDIRECT_URL``."""
    payload = _payload(
        {
            "email_address": email_address,
            "discovery_redirect_url": discovery_redirect_url or app_settings.DISCOVERY_REDIRECT_URL,
            "pkce_code_challenge": pkce_code_challenge,
            "login_template_id": login_template_id,
            "locale": locale,
            "discovery_expiration_minutes": discovery_expiration_minutes,
        },
        extra,
    )
    return _call(
        client.SEND_DISCOVERY_MAGIC_LINK,
        payload,
        lambda data: MagicLinkSent(email_address=email_address, request_id=data["request_id"]),
        stytch=stytch,
    )


@sensitive_variables("token", "pkce_code_verifier", "payload")
def authenticate_discovery_magic_link(
    *,
    token: str,
    pkce_code_verifier: str | None = None,
    user: AbstractBaseUser | None = None,
    stytch: client.StytchClient | None = None,
) -> MagicLinkAuthentication:
    """Trade a discovery magic-link token (single use) for an IST and its organizations."""
    payload = _payload({"discovery_magic_links_token": token, "pkce_code_verifier": pkce_code_verifier}, None)
    result = _call(
        client.AUTHENTICATE_DISCOVERY_MAGIC_LINK,
        payload,
        MagicLinkAuthentication.from_json,
        stytch=stytch,
    )
    cache.record_discovery(
        email_address=result.email_address, discovered=result.discovered_organizations, user=user
    )
    return result


@sensitive_variables("session_token", "session_jwt", "payload")
def revoke_session(
    *,
    session_token: str | None = None,
    session_jwt: str | None = None,
    stytch: client.StytchClient | None = None,
) -> None:
    """End the member session behind exactly one of a session token or a session JWT."""
    if (session_token is None) == (session_jwt is None):
        raise ValueError("Give exactly one of session_token, session_jwt.")
    payload = _payload({"session_token": session_token, "session_jwt": session_jwt}, None)
    _call(client.REVOKE_SESSION, payload, lambda data: None, stytch=stytch)
