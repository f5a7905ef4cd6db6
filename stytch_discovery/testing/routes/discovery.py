"""Discovery: list the organizations an identity can enter, create one, exchange the IST.

When Create or Exchange cannot finish (primary auth or MFA needed), the IST answered is the one
sent (contract §3.2, §4.2), now bound to the organization (its ``organization_id_hint``); it is
consumed once a session starts (see ``answers.entered``).

Fake's choices: validation runs before the IST is looked up, and a failed Create or Exchange
does not consume the IST. When Create or Exchange cannot finish the member is still provisioned
or activated.
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import membership, validation
from stytch_discovery.testing.errors import ApiError

from .answers import credential_pair, discovered, entered, exactly_one, session_from, session_options
from .registry import Project, Request, Route

Json = dict[str, Any]

SESSION_ARGUMENTS = ("intermediate_session_token", "session_token", "session_jwt")


def list_organizations(project: Project, request: Request) -> Json:
    key, value = exactly_one(request.body, SESSION_ARGUMENTS)
    if key == "intermediate_session_token":
        ist = project.state.intermediate_session(value, consume=False)
        email, hint, include_eligible, factors = (
            ist.email_address,
            ist.organization_id_hint,
            True,
            ist.factors,
        )
    else:
        session = session_from(project, *credential_pair(key, value))
        email = project.state.members[session.member_id].email_address
        hint, include_eligible = None, False
        factors = validation.primary_factors(session.factors)
    return {
        "email_address": email,
        "organization_id_hint": hint,
        "discovered_organizations": discovered(
            project, email, include_eligible=include_eligible, factors=factors
        ),
    }


def create_organization(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    token = validation.required_str(body, "intermediate_session_token")
    settings = validation.organization_fields(body)
    options = session_options(body)
    ist = state.intermediate_session(token, consume=False)
    settings = state.derive_name_and_slug(settings, ist.email_address)
    organization = state.add_organization(settings)
    # Stytch needs a verified email to create (contract §3.2): without it, primary_required.
    proven = membership.verifies_email(ist.factors)
    member = state.add_member(organization, ist.email_address, admin=True, email_address_verified=proven)
    return entered(project, ist.email_address, member, organization, options, factors=ist.factors, ist=ist)


def exchange_intermediate_session(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    token = validation.required_str(body, "intermediate_session_token")
    reference = validation.required_str(body, "organization_id")
    options = session_options(body)
    locale = validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
    ist = state.intermediate_session(token, consume=False)
    organization = state.find_organization(reference)
    member = state.member_in(organization, ist.email_address)
    if member is None and membership.eligibility(state, organization, ist.email_address) is None:
        raise ApiError(400, "invalid_intermediate_session_token_for_organization")
    # The member is activated once the email is proven (else primary_required, answers.entered).
    proven = membership.verifies_email(ist.factors)
    if member is None:
        member = state.add_member(organization, ist.email_address, email_address_verified=proven)
    elif proven or member.email_address_verified:
        state.activate(member)
    return entered(
        project,
        ist.email_address,
        member,
        organization,
        options,
        factors=ist.factors,
        ist=ist,
        send_sms=locale is not None,
    )


ROUTES = (
    Route("POST", "/v1/b2b/discovery/organizations", list_organizations),
    Route("POST", "/v1/b2b/discovery/organizations/create", create_organization),
    Route("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", exchange_intermediate_session),
)
