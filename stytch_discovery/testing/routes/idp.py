"""The fake identity provider: the page an OAuth or SSO start sends the browser to.

``GET /fake-idp/authorize?flow=…`` shows who may sign in; the form posts back (HTML form fields
``flow``, ``email`` or ``person``, optional ``name`` and ``tenant_id``) and is answered 303 to the
flow's redirect URL with ``stytch_token_type`` and ``token`` (nobody chosen: the page again,
400, saying so). Without a browser, the same GET with
``&email=…&approve=1`` (and optionally ``name``, ``tenant_id``) redirects at once (302).

Fake's choices: the email typed wins over the account picked, then the start's
``provider_login_hint``; the full name defaults to a seeded member's name (else ``""``); an
organization-scoped flow goes to the ``signup_redirect_url`` when the email is no member of the
organization yet (else, or without one, the ``login_redirect_url``); an unknown, expired or
finished flow is 404 ``oauth_flow_not_found``.
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import provider_page, validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.models import BrowserFlow
from stytch_discovery.testing.state import FakeState

from .browser import PROVIDER_PAGE, PROVIDER_TYPES, default_tenant_ids
from .magic_links import with_token
from .registry import Page, PageRoute, Project, Request

Json = dict[str, Any]


def people(state: FakeState, flow: BrowserFlow) -> list[tuple[str, str]]:
    """(email, name) of whoever the flow could sign in as: the organization's members, or everyone
    seeded (members and identities) for a discovery flow."""
    scoped = flow.organization_id is not None
    members = state.members_by_org[flow.organization_id or ""] if scoped else state.members
    names: dict[str, tuple[str, str]] = {}
    for member in members.values():
        known = names.get(member.email_address.lower())
        if known is None or not known[1]:
            names[member.email_address.lower()] = (member.email_address, member.name)
    for email in () if scoped else state.identities:
        names.setdefault(email, (email, ""))
    return sorted(names.values())


def title(state: FakeState, flow: BrowserFlow) -> str:
    if flow.kind == "sso":
        organization = state.organizations[flow.organization_id or ""]
        connection = next(c for c in organization.sso_connections if c.connection_id == flow.connection_id)
        return f"Sign in to {organization.settings['organization_name']} ({connection.display_name})"
    return f"Sign in with {PROVIDER_TYPES[flow.provider]}"


def show(project: Project, request: Request) -> Page:
    state = project.state
    flow = state.pending_flow(validation.required_str(request.query, "flow"))
    if request.query.get("approve"):
        return approve(project, flow, request.query, status=302)
    return Page(200, html=page(state, flow))


def page(state: FakeState, flow: BrowserFlow, *, error: str = "") -> str:
    return provider_page.render(
        title=f"{title(state, flow)} (fake)",
        action=PROVIDER_PAGE,
        flow_id=flow.flow_id,
        people=people(state, flow),
        login_hint=flow.login_hint,
        asks_tenant=flow.kind != "sso",
        error=error,
    )


def submit(project: Project, request: Request) -> Page:
    flow = project.state.pending_flow(validation.required_str(request.body, "flow"))
    chosen = validation.optional_str(request.body, "email") or validation.optional_str(request.body, "person")
    if not (chosen or flow.login_hint):
        # A person clicked Continue with nobody chosen: say so on the page, not in Stytch's JSON.
        return Page(400, html=page(project.state, flow, error="Choose an account or type an email address."))
    return approve(project, flow, request.body, status=303)


def approve(project: Project, flow: BrowserFlow, fields: Json, *, status: int) -> Page:
    state = project.state
    typed = validation.optional_str(fields, "email") or validation.optional_str(fields, "person")
    email = validation.email_address({"email_address": typed or flow.login_hint})
    known_names = {known.lower(): known_name for known, known_name in people(state, flow)}
    name = validation.optional_str(fields, "name") or known_names.get(email.lower(), "")
    tenant_id = validation.optional_str(fields, "tenant_id")
    tenant_ids = (tenant_id,) if tenant_id else default_tenant_ids(flow.provider, email)
    callback = callback_url(state, flow, email)
    grant = state.approve_flow(flow, email, name, tenant_ids)
    return Page(status, location=with_token(callback, grant.token, flow.kind))


def callback_url(state: FakeState, flow: BrowserFlow, email: str) -> str:
    login, signup = flow.redirect_urls
    if flow.organization_id is not None and signup is not None:
        organization = state.organizations[flow.organization_id]
        if state.member_in(organization, email) is None or login is None:
            return signup
    if login is None:
        raise ApiError(400, "no_login_redirect_urls_set")
    return login


ROUTES = (
    PageRoute("GET", PROVIDER_PAGE, show),
    PageRoute("POST", PROVIDER_PAGE, submit),
)
