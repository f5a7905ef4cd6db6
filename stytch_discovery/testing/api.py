"""The Stytch endpoints: request body in, response fields out (the app adds the envelope).

Choices where the contract is silent or guesses:

* magic link: unknown, used and expired tokens all answer 404 ``magic_link_not_found``; a PKCE
  failure answers 400 and does not use the link up;
* validation runs before the IST is looked up, and a failed Create or Exchange does not
  consume the IST;
* discovery ISTs and sessions prove the email by magic link. An organization whose
  ``auth_methods`` is RESTRICTED without ``magic_link`` therefore needs primary auth, and
  ``mfa_policy: REQUIRED_FOR_ALL`` or an MFA-enrolled member needs MFA. ``member_authenticated``
  is true exactly when neither is needed, whatever the membership type;
* when Create or Exchange cannot finish (primary auth or MFA needed) the member is still
  provisioned or activated, the old IST is consumed and a fresh IST bound to the organization
  (its ``organization_id_hint``) is returned;
* ``member_device`` is always null: the fake has no fingerprinting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import jwt, payloads, validation
from .errors import ApiError
from .state import (
    FakeState,
    IntermediateSession,
    Member,
    MemberSession,
    Organization,
)

Json = dict[str, Any]

MAGIC_LINK_MINUTES = 60
SESSION_ARGUMENTS = ("intermediate_session_token", "session_token", "session_jwt")


class StytchApi:
    def __init__(self, state: FakeState, project_id: str, default_discovery_redirect_url: str | None) -> None:
        self.state = state
        self.project_id = project_id
        self.default_discovery_redirect_url = default_discovery_redirect_url
        self.routes: dict[str, Callable[[Json], Json]] = {
            "/v1/b2b/magic_links/email/discovery/send": self.send_discovery_magic_link,
            "/v1/b2b/magic_links/discovery/authenticate": self.authenticate_discovery_magic_link,
            "/v1/b2b/discovery/organizations": self.list_organizations,
            "/v1/b2b/discovery/organizations/create": self.create_organization,
            "/v1/b2b/discovery/intermediate_sessions/exchange": self.exchange_intermediate_session,
            "/v1/b2b/sessions/authenticate": self.authenticate_session,
            "/v1/b2b/sessions/revoke": self.revoke_session,
        }

    @property
    def jwks_path(self) -> str:
        return f"/v1/b2b/sessions/jwks/{self.project_id}"

    @staticmethod
    def jwks() -> Json:
        return {"keys": [jwt.signing_key().jwk()]}

    # -- magic links ----------------------------------------------------------------------

    def send_discovery_magic_link(self, body: Json) -> Json:
        email = validation.email_address(body)
        redirect_url = (
            validation.http_url(body, "discovery_redirect_url", "invalid_discovery_redirect_url")
            or self.default_discovery_redirect_url
        )
        challenge = validation.optional_str(body, "pkce_code_challenge")
        validation.optional_str(body, "login_template_id")
        validation.one_of(body, "locale", validation.SEND_LOCALES, "invalid_argument")
        minutes = validation.int_in_range(body, "discovery_expiration_minutes", 5, 10080, "invalid_argument")
        if redirect_url is None:
            raise ApiError(400, "no_discovery_redirect_url_set")
        link = self.state.add_magic_link(email, minutes or MAGIC_LINK_MINUTES, challenge)
        self.state.outbox.append(
            {
                "email_address": email,
                "url": with_token(redirect_url, link.token),
                "token": link.token,
                "sent_at": payloads.iso(self.state.now()),
            }
        )
        return {}

    def authenticate_discovery_magic_link(self, body: Json) -> Json:
        token = validation.required_str(body, "discovery_magic_links_token")
        verifier = validation.optional_str(body, "pkce_code_verifier")
        link = self.state.redeem_magic_link(token, verifier)
        ist = self.state.mint_intermediate_session(link.email_address)
        return {
            **self.ist_fields(ist),
            "email_address": link.email_address,
            "discovered_organizations": self.discovered(ist.email_address, include_eligible=True),
        }

    # -- discovery ------------------------------------------------------------------------

    def list_organizations(self, body: Json) -> Json:
        given = {key: validation.optional_str(body, key) for key in SESSION_ARGUMENTS}
        given = {key: value for key, value in given.items() if value is not None}
        if not given:
            raise ApiError(400, "no_session_arguments")
        if len(given) > 1:
            raise ApiError(400, "too_many_session_arguments")
        ist_token = given.get("intermediate_session_token")
        if ist_token is not None:
            ist = self.state.intermediate_session(ist_token, consume=False)
            email, hint, include_eligible = ist.email_address, ist.organization_id_hint, True
        else:
            session = self.session_from(given.get("session_token"), given.get("session_jwt"))
            email = self.state.members[session.member_id].email_address
            hint, include_eligible = None, False
        return {
            "email_address": email,
            "organization_id_hint": hint,
            "discovered_organizations": self.discovered(email, include_eligible=include_eligible),
        }

    def create_organization(self, body: Json) -> Json:
        token = validation.required_str(body, "intermediate_session_token")
        settings = validation.organization_fields(body)
        options = session_options(body)
        ist = self.state.intermediate_session(token, consume=False)
        settings = self.state.derive_name_and_slug(settings, ist.email_address)
        organization = self.state.add_organization(settings)
        self.state.intermediate_session(token, consume=True)
        member = self.state.add_member(organization, ist.email_address, admin=True)
        return self.entered(ist, member, organization, options)

    def exchange_intermediate_session(self, body: Json) -> Json:
        token = validation.required_str(body, "intermediate_session_token")
        reference = validation.required_str(body, "organization_id")
        options = session_options(body)
        validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
        ist = self.state.intermediate_session(token, consume=False)
        organization = self.state.find_organization(reference)
        member = self.state.member_in(organization, ist.email_address)
        if member is None and self.state.eligibility(organization, ist.email_address) is None:
            raise ApiError(400, "invalid_intermediate_session_token_for_organization")
        self.state.intermediate_session(token, consume=True)
        if member is None:
            member = self.state.add_member(organization, ist.email_address)
        else:
            self.state.activate(member)
        return self.entered(ist, member, organization, options)

    # -- sessions -------------------------------------------------------------------------

    def authenticate_session(self, body: Json) -> Json:
        session = self.session_from(
            validation.optional_str(body, "session_token"),
            validation.optional_str(body, "session_jwt"),
        )
        minutes = validation.session_duration_minutes(body)
        self.state.touch_session(session, minutes, validation.session_custom_claims(body))
        member = self.state.members[session.member_id]
        organization = self.state.organizations[session.organization_id]
        fields = self.session_fields(session, member, organization)
        return {
            **fields,
            "member": payloads.member(member, organization),
            "organization": payloads.organization(organization),
            "verdict": None,
        }

    def revoke_session(self, body: Json) -> Json:
        session_id = validation.optional_str(body, "member_session_id")
        if session_id is not None:
            session = self.state.live_session(member_session_id=session_id)
        else:
            session = self.session_from(
                validation.optional_str(body, "session_token"),
                validation.optional_str(body, "session_jwt"),
            )
        self.state.revoke(session)
        return {}

    # -- helpers --------------------------------------------------------------------------

    def session_from(self, token: str | None, session_jwt: str | None) -> MemberSession:
        """The live session behind a token or a JWT signed by the fake (expired JWTs too)."""
        if token is not None:
            return self.state.live_session(token=token)
        if session_jwt is None:
            raise ApiError(400, "no_session_arguments")
        claims = jwt.decode(session_jwt, jwt.signing_key())
        session_claim = (claims or {}).get(payloads.SESSION_CLAIM)
        if not isinstance(session_claim, dict) or not isinstance(session_claim.get("id"), str):
            raise ApiError(400, "unable_to_parse_session_jwt")
        return self.state.live_session(member_session_id=session_claim["id"])

    def discovered(self, email: str, *, include_eligible: bool) -> list[Json]:
        return [
            payloads.discovered_organization(found, self.state.requirements(found.organization, found.member))
            for found in self.state.discover(email, include_eligible=include_eligible)
        ]

    @staticmethod
    def ist_fields(ist: IntermediateSession) -> Json:
        return {
            "intermediate_session_token": ist.token,
            "intermediate_session_token_expires_at": payloads.iso(ist.expires_at),
        }

    def session_fields(self, session: MemberSession, member: Member, org: Organization) -> Json:
        claims = payloads.session_claims(session, member, org, self.project_id, self.state.now())
        return {
            "session_token": session.token,
            "session_jwt": jwt.encode(claims, jwt.signing_key()),
            "member_session": payloads.member_session(session, member, org),
        }

    def entered(
        self,
        ist: IntermediateSession,
        member: Member,
        organization: Organization,
        options: tuple[int | None, Json],
    ) -> Json:
        """The Create/Exchange answer: a session, or a fresh IST and what is still needed."""
        requirements = self.state.requirements(organization, member)
        common = {
            "member_id": member.member_id,
            "member": payloads.member(member, organization),
            "organization": payloads.organization(organization),
            "member_authenticated": requirements.satisfied,
            "member_device": None,
            **payloads.requirement_fields(requirements),
        }
        if requirements.satisfied:
            session = self.state.start_session(member, *options)
            return {
                **common,
                **self.session_fields(session, member, organization),
                "intermediate_session_token": "",
            }
        fresh = self.state.mint_intermediate_session(ist.email_address, organization.organization_id)
        return {
            **common,
            **self.ist_fields(fresh),
            "session_token": "",
            "session_jwt": "",
            "member_session": None,
        }


def session_options(body: Json) -> tuple[int | None, Json]:
    validation.optional_str(body, "telemetry_id")
    return validation.session_duration_minutes(body), validation.session_custom_claims(body)


def with_token(url: str, token: str) -> str:
    """The redirect URL plus Stytch's token parameters, keeping its own query string."""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in ("stytch_token_type", "token")
    ]
    query += [("stytch_token_type", "discovery"), ("token", token)]
    return urlunsplit(parts._replace(query=urlencode(query)))
