"""Discovery at Stytch: list the organizations a credential can enter, create one, or enter one.

Successful calls hand their result to the organization cache (``org_cache``), which refreshes
it (unless ``CACHE_ENABLED`` is off) and sends the signals; a failed call leaves it as it was. A
create or exchange that starts a session also links the member to their Django user.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.internal.calls import call, payload
from stytch_discovery.org_cache import store
from stytch_discovery.sessions.services import start_session
from stytch_discovery.sessions.types import MemberAuthentication

from .types import DiscoveredOrganizations, DiscoveryAuthentication

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from typing_extensions import Unpack

LIST_ORGANIZATIONS = "/v1/b2b/discovery/organizations"
CREATE_ORGANIZATION = "/v1/b2b/discovery/organizations/create"
EXCHANGE_INTERMEDIATE_SESSION = "/v1/b2b/discovery/intermediate_sessions/exchange"

__all__ = [
    "CreateOrganizationFields",
    "create_organization",
    "exchange_intermediate_session",
    "list_discovered_organizations",
]


class CreateOrganizationFields(TypedDict, total=False):
    """Every optional field of Stytch's Create Organization via Discovery (None: not sent)."""

    organization_name: str | None
    organization_slug: str | None
    organization_logo_url: str | None
    organization_external_id: str | None
    session_duration_minutes: int | None
    session_custom_claims: Mapping[str, Any] | None
    trusted_metadata: Mapping[str, Any] | None
    sso_jit_provisioning: str | None
    email_allowed_domains: Sequence[str] | None
    email_jit_provisioning: str | None
    email_invites: str | None
    auth_methods: str | None
    allowed_auth_methods: Sequence[str] | None
    mfa_policy: str | None
    rbac_email_implicit_role_assignments: Sequence[Mapping[str, str]] | None
    mfa_methods: str | None
    allowed_mfa_methods: Sequence[str] | None
    oauth_tenant_jit_provisioning: str | None
    allowed_oauth_tenants: Mapping[str, Any] | None
    first_party_connected_apps_allowed_type: str | None
    allowed_first_party_connected_apps: Sequence[str] | None
    third_party_connected_apps_allowed_type: str | None
    allowed_third_party_connected_apps: Sequence[str] | None
    telemetry_id: str | None


_CREATE_FIELD_NAMES = frozenset(CreateOrganizationFields.__annotations__)

Found = TypeVar("Found", bound=DiscoveryAuthentication)


@sensitive_variables("body")
def authenticate_discovery(
    path: str,
    body: Mapping[str, Any],
    parse: Callable[[Mapping[str, Any]], Found],
    *,
    user: AbstractBaseUser | None,
    stytch: StytchClient | None,
) -> Found:
    """One discovery entry point's authenticate (a link, a code, OAuth): the IST, the cache refreshed.

    Every entry point consumes its credential, so the call is never resent once it may have reached
    Stytch; the organizations it found refresh the cache as a list does.
    """
    result = call(path, body, parse, stytch=stytch)
    store.record_discovery(
        email_address=result.email_address, discovered=result.discovered_organizations, user=user
    )
    return result


@sensitive_variables("intermediate_session_token", "session_token", "session_jwt", "tokens", "body")
def list_discovered_organizations(
    *,
    intermediate_session_token: str | None = None,
    session_token: str | None = None,
    session_jwt: str | None = None,
    user: AbstractBaseUser | None = None,
    stytch: StytchClient | None = None,
) -> DiscoveredOrganizations:
    """List the organizations the holder of exactly one credential can enter.

    Read-only at Stytch (the token is not consumed), so it is retried on transient failures.
    """
    tokens = [intermediate_session_token, session_token, session_jwt]
    if sum(token is not None for token in tokens) != 1:
        raise ValueError("Give exactly one of intermediate_session_token, session_token, session_jwt.")
    body = payload(
        {
            "intermediate_session_token": intermediate_session_token,
            "session_token": session_token,
            "session_jwt": session_jwt,
        }
    )
    result = call(LIST_ORGANIZATIONS, body, DiscoveredOrganizations.from_json, stytch=stytch, idempotent=True)
    store.record_discovery(
        email_address=result.email_address, discovered=result.discovered_organizations, user=user
    )
    return result


@sensitive_variables("intermediate_session_token", "fields", "body")
def create_organization(
    *,
    intermediate_session_token: str,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    stytch: StytchClient | None = None,
    **fields: Unpack[CreateOrganizationFields],
) -> MemberAuthentication:
    """Create an organization with the IST's holder as its first admin.

    ``fields`` are Stytch's Create fields (:class:`CreateOrganizationFields`); ``extra`` passes
    newer ones through unchanged. Consumes the IST, so it is never resent once it may have
    reached Stytch.
    """
    unknown = sorted(set(fields) - _CREATE_FIELD_NAMES)
    if unknown:
        raise TypeError(f"create_organization() got unexpected keyword arguments: {', '.join(unknown)}")
    return start_session(
        CREATE_ORGANIZATION,
        {"intermediate_session_token": intermediate_session_token, **fields},
        extra,
        created=True,
        user=user,
        stytch=stytch,
    )


@sensitive_variables("intermediate_session_token", "body")
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
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """Enter ``organization_id`` (an id, slug or external id) with the IST; consumes the IST."""
    return start_session(
        EXCHANGE_INTERMEDIATE_SESSION,
        {
            "intermediate_session_token": intermediate_session_token,
            "organization_id": organization_id,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "locale": locale,
            "telemetry_id": telemetry_id,
        },
        extra,
        user=user,
        stytch=stytch,
    )
