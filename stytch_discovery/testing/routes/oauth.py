"""OAuth (Google, Microsoft): discovery start and authenticate, organization-scoped start and authenticate.

Discovery (sessions contract §C.2): ``GET /v1/b2b/public/oauth/{provider}/discovery/start``
goes through the fake provider's page to ``discovery_redirect_url?stytch_token_type=
discovery_oauth&token=…``; ``oauth/discovery/authenticate`` answers an IST carrying
``{provider}_oauth``, the discovered organizations and the provider's facts. Organization-scoped
(§B.4): ``…/oauth/{provider}/start?organization_id|slug`` comes back with ``stytch_token_type=
oauth``; ``oauth/authenticate`` adds the factor to the IST given, as the other primary
authenticates do (``primary.primary_answer``).

Fake's choices (docs/fake.md says the same): tokens live 10 minutes and are single use; an
unknown, used, expired or other-kind token is 404 ``oauth_token_not_found``; a PKCE failure is
400 and leaves the token usable; ``session_token`` / ``session_jwt`` are accepted and ignored;
an email that is no member and may not join (by domain or OAuth tenant) is 403
``email_jit_provisioning_not_allowed``; ``provider_subject`` is fixed per provider and email.
"""

from __future__ import annotations

import uuid
from typing import Any

from stytch_discovery.testing import validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.models import ProviderToken
from stytch_discovery.testing.state import new_id

from .answers import discovery_answer, session_options
from .browser import (
    PROVIDER_TYPES,
    check_public_token,
    login_and_signup_urls,
    redirect_url,
    start_flow,
    supported_provider,
)
from .primary import carried_ist, login_or_signup_member, primary_answer, require_method
from .registry import Page, PageRoute, Project, Request, Route

Json = dict[str, Any]

NOT_FOUND = "oauth_token_not_found"


def start_discovery(project: Project, request: Request) -> Page:
    provider = supported_provider(request)
    check_public_token(project, request.query)
    url = redirect_url(request.query, "discovery_redirect_url") or project.default_discovery_redirect_url
    if url is None:
        raise ApiError(400, "no_discovery_redirect_url_set")
    return start_flow(project, request, kind="discovery_oauth", provider=provider, redirect_urls=(url, url))


def start(project: Project, request: Request) -> Page:
    provider = supported_provider(request)
    query = request.query
    check_public_token(project, query)
    reference = validation.optional_str(query, "organization_id") or validation.optional_str(query, "slug")
    if reference is None:
        raise ApiError(400, "bad_request", "organization_id or slug is required.")
    organization = project.state.find_organization(reference)
    urls = login_and_signup_urls(query)
    return start_flow(
        project,
        request,
        kind="oauth",
        provider=provider,
        redirect_urls=urls,
        organization_id=organization.organization_id,
    )


def provider_facts(grant: ProviderToken) -> Json:
    """What discovery authenticate reports of the provider: its type, tenants and the full name."""
    tenant_ids = list(grant.tenant_ids)
    return {
        "provider_type": PROVIDER_TYPES[grant.flow.provider],
        "provider_tenant_id": tenant_ids[0] if len(tenant_ids) == 1 else "",
        "provider_tenant_ids": tenant_ids,
        "full_name": grant.full_name,
    }


def authenticate_discovery(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    token = validation.required_str(body, "discovery_oauth_token")
    verifier = validation.optional_str(body, "pkce_code_verifier")
    session_options(body)  # validated; a discovery IST has no session to start
    grant = state.peek_provider_token(token, "discovery_oauth", NOT_FOUND)
    state.redeem_provider_token(grant, verifier)
    factor = f"{grant.flow.provider}_oauth"
    ist = state.mint_intermediate_session(grant.email_address, factors=(factor,))
    return {**discovery_answer(project, ist), **provider_facts(grant)}


def authenticate(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    token = validation.required_str(body, "oauth_token")
    verifier = validation.optional_str(body, "pkce_code_verifier")
    options = session_options(body)
    validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
    grant = state.peek_provider_token(token, "oauth", NOT_FOUND)
    organization = state.organizations[grant.flow.organization_id or ""]
    ist = carried_ist(project, body, organization, grant.email_address)
    factor = f"{grant.flow.provider}_oauth"
    require_method(organization, factor)
    state.redeem_provider_token(grant, verifier)
    member, _ = login_or_signup_member(project, organization, grant.email_address)
    subject, provider_type = provider_subject(grant), PROVIDER_TYPES[grant.flow.provider]
    if not any(known["provider_subject"] == subject for known in member.oauth_registrations):
        member.oauth_registrations.append(
            {
                "provider_type": provider_type,
                "provider_subject": subject,
                "member_oauth_registration_id": new_id("member-oauth-registration"),
            }
        )
    extra = {
        "provider_subject": subject,
        "provider_type": provider_type,
        "provider_values": {"scopes": list(grant.flow.scopes), "access_token": "", "refresh_token": ""},
        "reset_sessions": False,
    }
    return primary_answer(project, member, organization, ist, factor, options, extra)


def provider_subject(grant: ProviderToken) -> str:
    """The provider's user id (``sub``): the same for one email at one provider."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{grant.flow.provider}:{grant.email_address.lower()}"))


ROUTES = (
    PageRoute("GET", "/v1/b2b/public/oauth/{provider}/discovery/start", start_discovery),
    PageRoute("GET", "/v1/b2b/public/oauth/{provider}/start", start),
    Route("POST", "/v1/b2b/oauth/discovery/authenticate", authenticate_discovery),
    Route("POST", "/v1/b2b/oauth/authenticate", authenticate),
)
