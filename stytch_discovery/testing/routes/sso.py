"""SSO as the primary step (sessions contract §B.4): start through a seeded connection, authenticate.

``GET /v1/public/sso/start?connection_id&public_token&login_redirect_url&signup_redirect_url
&pkce_code_challenge`` goes through the fake identity provider's page to the redirect URL with
``stytch_token_type=sso&token=…``; ``POST /v1/b2b/sso/authenticate`` adds the SSO factor to
the IST given, as the other primary authenticates do (``primary.primary_answer``): ``sso``
(``delivery_method`` ``sso_saml``) through a SAML connection, ``sso_oidc`` (``sso_oidc``) through
an OIDC one; both prove the ``sso`` auth method.

Fake's choices (docs/fake.md says the same): an unknown connection is 404
``connection_not_found``; an unknown, used, expired or other-kind token 404
``sso_token_not_found`` (PKCE as for OAuth); the identity provider vouches for any email. An email
that is no member is provisioned (active, verified) when the organization's
``sso_jit_provisioning`` is ``ALL_ALLOWED`` (the default), else 403
``sso_jit_provisioning_not_allowed``; ``session_token`` / ``session_jwt`` are ignored.
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.models import Member, Organization, SsoConnection
from stytch_discovery.testing.state import FakeState, new_id

from .answers import session_options
from .browser import check_public_token, login_and_signup_urls, start_flow
from .primary import carried_ist, primary_answer
from .registry import Page, PageRoute, Project, Request, Route

Json = dict[str, Any]

FACTOR = "sso"
#: The factor each kind of connection gives (``payloads.FACTOR_SHAPES``).
CONNECTION_FACTORS = {"saml": FACTOR, "oidc": "sso_oidc"}


def find_connection(state: FakeState, connection_id: str) -> tuple[Organization, SsoConnection]:
    for organization in state.organizations.values():
        for connection in organization.sso_connections:
            if connection.connection_id == connection_id:
                return organization, connection
    raise ApiError(404, "connection_not_found")


def start(project: Project, request: Request) -> Page:
    query = request.query
    check_public_token(project, query)
    organization, connection = find_connection(project.state, validation.required_str(query, "connection_id"))
    return start_flow(
        project,
        request,
        kind="sso",
        provider=FACTOR,
        redirect_urls=login_and_signup_urls(query),
        organization_id=organization.organization_id,
        connection_id=connection.connection_id,
    )


def sso_member(state: FakeState, organization: Organization, email: str) -> Member:
    """The member the identity provider signs in, provisioned just in time when the organization allows."""
    member = state.member_in(organization, email)
    if member is not None:
        return member
    if organization.settings["sso_jit_provisioning"] != "ALL_ALLOWED":
        raise ApiError(403, "sso_jit_provisioning_not_allowed")
    return state.add_member(organization, email)


def authenticate(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    token = validation.required_str(body, "sso_token")
    verifier = validation.optional_str(body, "pkce_code_verifier")
    options = session_options(body)
    validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
    grant = state.peek_provider_token(token, "sso", "sso_token_not_found")
    organization = state.organizations[grant.flow.organization_id or ""]
    ist = carried_ist(project, body, organization, grant.email_address)
    state.redeem_provider_token(grant, verifier)
    member = sso_member(state, organization, grant.email_address)
    connection_id = grant.flow.connection_id or ""
    _, connection = find_connection(state, connection_id)
    if not any(known["connection_id"] == connection_id for known in member.sso_registrations):
        member.sso_registrations.append(
            {
                "connection_id": connection_id,
                "external_id": grant.email_address,
                "registration_id": new_id("member-sso-registration"),
                "sso_attributes": {},
            }
        )
    factor = CONNECTION_FACTORS[connection.kind]
    return primary_answer(project, member, organization, ist, factor, options, {"reset_session": False})


ROUTES = (
    PageRoute("GET", "/v1/public/sso/start", start),
    Route("POST", "/v1/b2b/sso/authenticate", authenticate),
)
