"""What the browser-facing starts share: the public token, redirect URLs, flows, provider facts.

An OAuth or SSO start (a browser GET, no secret) checks its query, records a
:class:`~stytch_discovery.testing.models.BrowserFlow` and answers 307 to the fake identity
provider's page (``routes.idp``), where someone signs in; the page then redirects to the flow's
redirect URL with ``stytch_token_type`` and ``token``.

Fake's choices (docs/fake.md says the same): a missing ``public_token`` is 400 ``bad_request``,
another project's 401 ``invalid_public_token``; a redirect URL that is not http(s) is 400
``invalid_discovery_redirect_url`` / ``invalid_login_redirect_url`` /
``invalid_signup_redirect_url``; any redirect URL is accepted (the fake has no dashboard list);
the fake's OAuth providers are ``google`` and ``microsoft`` (400 ``oauth_provider_not_supported``
for the others); a flow waits 10 minutes on the provider's page.
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any
from urllib.parse import urlencode

from stytch_discovery.testing import validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.models import BrowserFlow
from stytch_discovery.testing.state import BROWSER_FLOW_LIFETIME, new_id

from .registry import Page, Project, Request

Json = dict[str, Any]

#: The providers the fake's OAuth serves, and the ``provider_type`` its answers carry.
PROVIDER_TYPES = {"google": "Google", "microsoft": "Microsoft"}
PROVIDER_PAGE = "/fake-idp/authorize"
#: Stytch's default OAuth scopes (Google's; the fake uses them for Microsoft too).
DEFAULT_SCOPES = ("openid", "email", "profile")


def check_public_token(project: Project, query: Json) -> None:
    given = validation.required_str(query, "public_token")
    if not hmac.compare_digest(given.encode(), project.public_token.encode()):
        raise ApiError(401, "invalid_public_token")


def supported_provider(request: Request) -> str:
    provider = request.params["provider"]
    if provider not in PROVIDER_TYPES:
        raise ApiError(400, "oauth_provider_not_supported")
    return provider


def redirect_url(query: Json, key: str) -> str | None:
    return validation.http_url(query, key, f"invalid_{key}")


def login_and_signup_urls(query: Json) -> tuple[str | None, str | None]:
    """The organization-scoped starts' redirect URLs: at least one (no dashboard defaults here)."""
    urls = redirect_url(query, "login_redirect_url"), redirect_url(query, "signup_redirect_url")
    if urls == (None, None):
        raise ApiError(400, "no_login_redirect_urls_set")
    return urls


def start_flow(
    project: Project,
    request: Request,
    *,
    kind: str,
    provider: str,
    redirect_urls: tuple[str | None, str | None],
    organization_id: str | None = None,
    connection_id: str | None = None,
) -> Page:
    """Record the flow and send the browser to the provider's page."""
    query = request.query
    scopes = tuple((validation.optional_str(query, "custom_scopes") or "").split())
    flow = BrowserFlow(
        flow_id=new_id("oauth-flow"),
        kind=kind,
        provider=provider,
        redirect_urls=redirect_urls,
        pkce_code_challenge=validation.optional_str(query, "pkce_code_challenge"),
        expires_at=project.state.now() + BROWSER_FLOW_LIFETIME,
        login_hint=validation.optional_str(query, "provider_login_hint") or "",
        scopes=(*DEFAULT_SCOPES, *scopes) if kind != "sso" else (),
        organization_id=organization_id,
        connection_id=connection_id,
    )
    project.state.start_flow(flow)
    return Page(307, location=f"{PROVIDER_PAGE}?{urlencode({'flow': flow.flow_id})}")


def default_tenant_ids(provider: str, email_address: str) -> tuple[str, ...]:
    """The tenant a provider reports when the page names none.

    Google: the Workspace domain (its ``hd`` claim), none for a common email domain;
    Microsoft: a tenant id fixed per email domain (a UUID derived from it).
    """
    domain = validation.email_domain(email_address)
    if provider == "google":
        return () if domain in validation.COMMON_EMAIL_DOMAINS else (domain,)
    if provider == "microsoft":
        return (str(uuid.uuid5(uuid.NAMESPACE_DNS, domain)),)
    return ()
