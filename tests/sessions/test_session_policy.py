"""The server's session policy at every endpoint that may start a session, over real HTTP to the fake.

Custom claims are signed into the session JWT, which host code trusts (``request.stytch``), so by
default a request's are refused locally (400, no Stytch call); ``ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS``
lets them through. A session nobody sized lasts ``SESSION_DURATION_MINUTES``; a request may ask
for up to ``MAX_SESSION_DURATION_MINUTES``. What the fake signed into the JWT is the evidence:
its claims, and the session's ``started_at`` and ``expires_at``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from stytch_discovery import services
from stytch_discovery.internal.parsing import parse_timestamp
from stytch_discovery.sessions.views import MemberAuthenticationBaseView
from stytch_discovery.testing import FakeStytch
from stytch_discovery.urls import urlpatterns
from tests.helpers.api import EMAIL, configure, ist_cookie, post, stytch_calls, url
from tests.helpers.mfa import PHONE, RECOVERY_CODES, SECRET, enter, last_code, outbox, seed_members
from tests.helpers.redirects import error_of, start
from tests.helpers.sessions import claims_of, expired_copy, session_jwt, session_token, sign_in

Json = dict[str, Any]
#: Restated from the README rather than imported, so a change of wording fails here.
REFUSED = (
    "Custom claims are set by the server, never by the caller (see ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS)."
)
SESSION_CLAIM = "https://stytch.com/session"
AUTHENTICATE = "/v1/b2b/sessions/authenticate"
CONNECTION = "saml-connection-test-wayne"

ORGANIZATIONS: list[Json] = [
    {"organization_slug": "acme"},
    {"organization_slug": "beta"},
    {"organization_slug": "sms", "mfa_policy": "REQUIRED_FOR_ALL"},
    {"organization_slug": "totp", "mfa_policy": "REQUIRED_FOR_ALL"},
    {"organization_slug": "codes", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["email_otp"]},
    {"organization_slug": "links", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["magic_link"]},
    {
        "organization_slug": "wayne",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["sso"],
        "sso_connections": [{"connection_id": CONNECTION, "display_name": "Wayne SSO"}],
    },
    {"organization_slug": "google", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["google_oauth"]},
]
FACTORS: dict[str, Json] = {
    "sms": {"mfa_phone_number": PHONE},
    "totp": {"totp_secret": SECRET, "recovery_codes": RECOVERY_CODES},
}

#: Given the client and the fake, it readies one sign-in up to its last request, and returns
#: that request: it takes the session options for the body (a navigation takes none).
Prepare = Callable[[APIClient, FakeStytch, dict[str, str]], Callable[[Json], Any]]


@dataclass(frozen=True)
class SessionStart:
    name: str  # the URL name
    prepare: Prepare
    #: Whether the request has a body with the session options (a POST), or is a navigation.
    takes_options: bool = True


def create(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    ist_cookie(client, fake)
    return lambda options: post(
        client, "discovery/organizations/create", {"organization_slug": "newco", **options}
    )


def exchange(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    ist_cookie(client, fake)
    return lambda options: post(
        client, "discovery/intermediate-sessions/exchange", {"organization_id": "acme", **options}
    )


def switch(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    sign_in(client, fake, "acme")
    return lambda options: post(client, "sessions/exchange", {"organization_id": "beta", **options})


def sms_code(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    enter(client, fake, "sms")
    assert post(client, "mfa/sms/send").status_code == 200
    code = last_code(fake)
    return lambda options: post(client, "mfa/sms/authenticate", {"code": code, **options})


def totp_code(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    enter(client, fake, "totp")
    return lambda options: post(
        client, "mfa/totp/authenticate", {"code": fake.totp_code(members["totp"]), **options}
    )


def recovery_code(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    enter(client, fake, "totp")
    return lambda options: post(
        client, "mfa/recovery-codes/recover", {"recovery_code": RECOVERY_CODES[0], **options}
    )


def email_code(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    enter(client, fake, "codes")
    assert post(client, "primary/email-codes/send").status_code == 200
    code = last_code(fake, "email_otp")
    return lambda options: post(client, "primary/email-codes/authenticate", {"code": code, **options})


def navigation(response: Callable[[], Any]) -> Callable[[Json], Any]:
    """A browser navigation's last request: no body, so no session options."""

    def go(options: Json) -> Any:
        assert not options, "a navigation has no body"
        return response()

    return go


def magic_link(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
    enter(client, fake, "links", factors=("email_otp",))
    assert post(client, "primary/magic-links/send").status_code == 200
    link = urlsplit(outbox(fake, "magic_link")[-1]["url"])
    return navigation(lambda: client.get(f"{link.path}?{link.query}"))


def identity_provider(slug: str, start_path: str) -> Prepare:
    """SSO or OAuth into ``slug``: start, sign in on the fake provider's page; Stytch's redirect back."""

    def prepare(client: APIClient, fake: FakeStytch, members: dict[str, str]) -> Callable[[Json], Any]:
        enter(client, fake, slug)
        started = start(client, start_path)
        assert error_of(started) is None, started["Location"]
        callback = urlsplit(fake.sign_in(started["Location"], EMAIL))
        return navigation(lambda: client.get(f"{callback.path}?{callback.query}"))

    return prepare


#: Every endpoint that may start a session (a new one must be added here: see the first test).
SESSION_STARTS = [
    SessionStart("organization-create", create),
    SessionStart("intermediate-session-exchange", exchange),
    SessionStart("session-exchange", switch),
    SessionStart("mfa-sms-authenticate", sms_code),
    SessionStart("mfa-totp-authenticate", totp_code),
    SessionStart("mfa-recovery-code-recover", recovery_code),
    SessionStart("primary-email-code-authenticate", email_code),
    SessionStart("primary-magic-link-authenticate", magic_link, takes_options=False),
    SessionStart(
        "primary-sso-authenticate", identity_provider("wayne", "primary/sso/start"), takes_options=False
    ),
    SessionStart(
        "primary-oauth-authenticate",
        identity_provider("google", "primary/oauth/google/start"),
        takes_options=False,
    ),
]
WITH_OPTIONS = [case for case in SESSION_STARTS if case.takes_options]
#: The views on the session-starting base that start none themselves: they send, set up or redirect.
STARTS_NONE = {
    "mfa-sms-send",
    "mfa-totp-create",
    "primary-magic-link-send",
    "primary-email-code-send",
    "primary-sso-start",
    "primary-oauth-google-start",
    "primary-oauth-microsoft-start",
}


def by_name(cases: list[SessionStart]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[case.name for case in cases])


@pytest.fixture
def members(fake_stytch: FakeStytch, settings: Any) -> dict[str, str]:
    """Member ids by organization slug; SSO and Google on (for their callbacks)."""
    configure(settings, PUBLIC_TOKEN=fake_stytch.public_token, OAUTH_PROVIDERS=["google"])
    return seed_members(fake_stytch, ORGANIZATIONS, FACTORS)


def signed_into(client: APIClient, response: Any) -> Json:
    """The claims of the session JWT ``response`` signed the client in with."""
    if response.status_code == 302:
        assert error_of(response) is None, response["Location"]
    else:
        assert response.status_code in (200, 201), response.content
        assert response.json()["member_authenticated"] is True, response.json()
    return claims_of(session_jwt(client))


def minutes_of(claims: Json) -> float:
    """How long the session the JWT names lasts, as the fake recorded it."""
    session = claims[SESSION_CLAIM]
    expires, started = parse_timestamp(session["expires_at"]), parse_timestamp(session["started_at"])
    assert expires is not None
    assert started is not None
    return (expires - started).total_seconds() / 60


def view_class(name: str) -> Any:
    return resolve(reverse(f"stytch_discovery:{name}")).func.view_class  # type: ignore[attr-defined]


def test_every_view_that_may_start_a_session_is_in_the_table() -> None:
    on_the_base = {
        pattern.name
        for pattern in urlpatterns
        if pattern.name and issubclass(view_class(pattern.name), MemberAuthenticationBaseView)
    }

    assert on_the_base - STARTS_NONE == {case.name for case in SESSION_STARTS}
    assert on_the_base >= STARTS_NONE


@by_name(WITH_OPTIONS)
def test_claims_from_a_request_are_refused_by_default_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], case: SessionStart
) -> None:
    go = case.prepare(api, fake_stytch, members)
    calls = stytch_calls(fake_stytch)

    refused = go({"session_custom_claims": {"is_admin": True}})

    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "validation_error"
    assert refused.json()["fields"] == {"session_custom_claims": [REFUSED]}
    assert stytch_calls(fake_stytch) == calls


@by_name(WITH_OPTIONS)
def test_accepted_claims_from_a_request_are_signed_into_the_jwt(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any, case: SessionStart
) -> None:
    configure(settings, ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS=True)
    go = case.prepare(api, fake_stytch, members)

    claims = signed_into(api, go({"session_custom_claims": {"tenant": "acme", "plan": "pro"}}))

    assert (claims["tenant"], claims["plan"]) == ("acme", "pro")


@by_name(SESSION_STARTS)
def test_a_session_nobody_sized_lasts_the_servers_default(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any, case: SessionStart
) -> None:
    configure(settings, SESSION_DURATION_MINUTES=480)
    go = case.prepare(api, fake_stytch, members)

    assert minutes_of(signed_into(api, go({}))) == 480


@by_name(SESSION_STARTS)
def test_without_a_default_stytch_sizes_the_session(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], case: SessionStart
) -> None:
    go = case.prepare(api, fake_stytch, members)
    seen = len(fake_stytch.requests())

    assert minutes_of(signed_into(api, go({}))) == 60  # Stytch's default
    assert not any(
        "session_duration_minutes" in (sent["json"] or {}) for sent in fake_stytch.requests()[seen:]
    )


@by_name(WITH_OPTIONS)
def test_a_request_may_ask_for_up_to_the_maximum_and_not_a_minute_more(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any, case: SessionStart
) -> None:
    configure(settings, SESSION_DURATION_MINUTES=120, MAX_SESSION_DURATION_MINUTES=480)
    go = case.prepare(api, fake_stytch, members)
    calls = stytch_calls(fake_stytch)

    refused = go({"session_duration_minutes": 481})

    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "validation_error"
    assert refused.json()["fields"] == {
        "session_duration_minutes": ["Ensure this value is less than or equal to 480."]
    }
    assert stytch_calls(fake_stytch) == calls
    assert minutes_of(signed_into(api, go({"session_duration_minutes": 480}))) == 480


def test_the_server_still_sets_claims_and_host_code_reads_them(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    """Claims are the server's: the services take them under the default policy, and they come back
    from the JWT where host code reads them (``request.stytch.custom_claims``), verified here."""
    fake_stytch.seed({"organizations": [{"organization_slug": "acme"}], "members": [
        {"organization_slug": "acme", "email_address": EMAIL}
    ]})  # fmt: skip
    entered = services.exchange_intermediate_session(
        intermediate_session_token=fake_stytch.mint_intermediate_session(EMAIL),
        organization_id="acme",
        session_custom_claims={"tenant": "acme"},
    )

    checked = services.authenticate_session(session_jwt=entered.session_jwt)

    assert checked.verified_locally is True
    assert checked.member_session.custom_claims == {"tenant": "acme"}


def test_checking_a_session_never_extends_it_to_the_default(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any
) -> None:
    """The default sizes sessions being started; a refresh of an expired JWT must not send it, or
    every refresh would extend the session (Stytch extends it by whatever duration it is given)."""
    configure(settings, SESSION_DURATION_MINUTES=480)
    sign_in(api, fake_stytch, "acme")
    expired = str(fake_stytch.app.project.keys.sign(expired_copy(claims_of(session_jwt(api)))))
    seen = len(fake_stytch.requests())

    services.authenticate_session(session_jwt=expired, session_token=session_token(api))

    (sent,) = [
        request["json"] for request in fake_stytch.requests()[seen:] if request["path"] == AUTHENTICATE
    ]
    assert set(sent) == {"session_token"}


def request_body(api: APIClient, component: str) -> Json:
    pytest.importorskip("drf_spectacular", reason="the OpenAPI extra is not installed")
    schema = api.get(url("schema"), {"format": "json"}).json()
    body: Json = schema["components"]["schemas"][component]
    return body


#: The request bodies of the endpoints that take session options, by schema component.
OPTION_BODIES = (
    "CreateOrganizationRequestRequest",
    "ExchangeRequestRequest",
    "SessionExchangeRequestRequest",
    "CodeRequestRequest",
    "RecoveryCodeRequestRequest",
    "EmailCodeRequestRequest",
)


@pytest.mark.parametrize("component", OPTION_BODIES)
def test_the_schema_says_what_the_policy_allows(api: APIClient, settings: Any, component: str) -> None:
    by_default = request_body(api, component)
    configure(settings, ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS=True, MAX_SESSION_DURATION_MINUTES=480)
    opted_in = request_body(api, component)

    assert "session_custom_claims" not in by_default["properties"]
    assert by_default["additionalProperties"] is False  # so the schema refuses them too
    assert by_default["properties"]["session_duration_minutes"]["maximum"] == 527040
    assert opted_in["properties"]["session_custom_claims"]["type"] == "object"
    assert opted_in["properties"]["session_duration_minutes"]["maximum"] == 480
