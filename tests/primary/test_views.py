"""Primary authentication over HTTP: an organization email code or magic link, then maybe MFA."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.primary import services
from stytch_discovery.testing import FakeStytch
from stytch_discovery.testing.routes.registry import Route
from tests.helpers.api import EMAIL, post, stytch_calls, url
from tests.helpers.mfa import MASKED, calls_to, enter, ist_of, last_code, outbox, pending_flow, seed_mfa
from tests.helpers.redirects import (
    answering_for_someone_else,
    nothing_recorded_for_someone_else,
    session_lives,
)

EXCHANGE = "/v1/b2b/discovery/intermediate_sessions/exchange"


@pytest.fixture
def members(fake_stytch: FakeStytch) -> dict[str, str]:
    return seed_mfa(fake_stytch)


def test_get_session_lists_the_methods_and_those_finished_here(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sso")
    sso = pending_flow(api)
    enter(api, fake_stytch, "codes")
    codes = pending_flow(api)

    assert (sso["id"], sso["methods"], sso["supported"]) == ("primary_authenticate", ["sso"], [])
    assert (codes["methods"], codes["supported"]) == (["email_otp"], ["email_otp"])
    assert codes["member"] == {"member_id": members["codes"], "email_address": EMAIL}


def test_an_email_code_finishes_the_primary_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "codes")
    ist = ist_of(api)

    sent = post(api, "primary/email-codes/send", {})
    done = post(api, "primary/email-codes/authenticate", {"code": last_code(fake_stytch, "email_otp")})

    assert sent.json() == {"email_address": EMAIL, "sent": True}
    assert done.status_code == 200, done.content
    assert (done.json()["member_authenticated"], done.json()["next_step"]) == (True, None)
    assert done.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert api.get(url("session")).status_code == 200
    (send_call,) = calls_to(fake_stytch, services.SEND_LOGIN_EMAIL_OTP)
    (check_call,) = calls_to(fake_stytch, services.AUTHENTICATE_EMAIL_OTP)
    assert send_call["email_address"] == check_call["email_address"] == EMAIL
    assert check_call["intermediate_session_token"] == ist


def test_a_primary_step_that_needs_mfa_carries_on(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "codes-mfa")
    ist = ist_of(api)
    post(api, "primary/email-codes/send", {})

    primary = post(api, "primary/email-codes/authenticate", {"code": last_code(fake_stytch, "email_otp")})

    body = primary.json()
    assert (primary.status_code, body["member_authenticated"], body["next_step"]) == (200, False, "mfa")
    assert app_settings.SESSION_COOKIE_NAME not in primary.cookies
    assert ist_of(api) == ist  # Stytch answered the same IST, one factor richer
    flow = pending_flow(api)
    assert (flow["id"], flow["sms_sent"], flow["phone_number"]) == ("mfa_authenticate", True, MASKED)
    done = post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)})
    assert done.status_code == 200
    factors = [
        f["delivery_method"]
        for f in api.get(url("session")).json()["member_session"]["authentication_factors"]
    ]
    assert factors == ["email", "email", "sms"]


def test_creating_an_organization_without_a_verified_email_asks_for_a_primary_step(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    """Stytch creates only for a verified email: GitHub OAuth proves none, so an email code must."""
    api.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session(
        EMAIL, factors=("github_oauth",)
    )
    created = post(api, "discovery/organizations/create", {"organization_slug": "newco"})
    assert (created.status_code, created.json()["next_step"]) == (201, "primary_auth"), created.content
    assert app_settings.SESSION_COOKIE_NAME not in created.cookies
    assert pending_flow(api)["methods"] == ["magic_link", "email_otp", "google_oauth", "microsoft_oauth"]

    post(api, "primary/email-codes/send", {})
    done = post(api, "primary/email-codes/authenticate", {"code": last_code(fake_stytch, "email_otp")})

    assert (done.status_code, done.json()["member_authenticated"]) == (200, True), done.content
    assert api.get(url("session")).json()["organization"]["organization_slug"] == "newco"


def test_an_organization_magic_link_finishes_the_step_in_the_same_browser(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "links", factors=("email_otp",))  # discovered by an email code, say

    sent = post(api, "primary/magic-links/send", {"locale": "en"})
    link = urlsplit(outbox(fake_stytch, "magic_link")[-1]["url"])
    assert link.path == url("primary/magic-links/authenticate")
    landed = api.get(f"{link.path}?{link.query}&next=/app")

    assert sent.status_code == 200
    assert (landed.status_code, landed["Location"], landed["Referrer-Policy"]) == (302, "/app", "no-referrer")
    assert landed.cookies[app_settings.SESSION_COOKIE_NAME].value
    assert landed.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert api.get(url("session")).status_code == 200


def test_a_magic_link_opened_elsewhere_says_why(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "links", factors=("email_otp",))
    post(api, "primary/magic-links/send", {})
    link = urlsplit(outbox(fake_stytch, "magic_link")[-1]["url"])
    before = stytch_calls(fake_stytch)

    landed = APIClient().get(f"{link.path}?{link.query}")

    assert landed.status_code == 302
    assert parse_qs(urlsplit(landed["Location"]).query) == {
        "stytch_discovery_error": ["intermediate_session_required"]
    }
    assert stytch_calls(fake_stytch) == before


def test_a_magic_link_replayed_after_success_is_refused(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "links", factors=("email_otp",))
    post(api, "primary/magic-links/send", {})
    link = urlsplit(outbox(fake_stytch, "magic_link")[-1]["url"])
    held = {name: morsel.value for name, morsel in api.cookies.items()}
    assert "stytch_discovery_error" not in api.get(f"{link.path}?{link.query}")["Location"]
    for name, value in held.items():
        api.cookies[name] = value
    before = stytch_calls(fake_stytch)

    replayed = api.get(f"{link.path}?{link.query}")

    assert parse_qs(urlsplit(replayed["Location"]).query) == {
        "stytch_discovery_error": ["intermediate_session_invalid"]
    }
    assert replayed.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert stytch_calls(fake_stytch) == before


def test_a_link_answered_for_another_member_signs_nobody_in(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    """A link's token names its own member, whoever's browser opens it: Stytch must answer for
    the step's member, or the browser would be signed in as someone else (a login CSRF)."""
    enter(api, fake_stytch, "links", factors=("email_otp",))
    post(api, "primary/magic-links/send", {})
    link = urlsplit(outbox(fake_stytch, "magic_link")[-1]["url"])

    with answering_for_someone_else(fake_stytch, services.AUTHENTICATE_MAGIC_LINK) as given:
        landed = api.get(f"{link.path}?{link.query}")

    assert parse_qs(urlsplit(landed["Location"]).query) == {"stytch_discovery_error": ["identity_mismatch"]}
    assert app_settings.SESSION_COOKIE_NAME not in landed.cookies
    assert not session_lives(fake_stytch, given[0])
    assert nothing_recorded_for_someone_else()


def test_a_code_answered_for_another_member_signs_nobody_in(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "codes")
    post(api, "primary/email-codes/send", {})

    with answering_for_someone_else(fake_stytch, services.AUTHENTICATE_EMAIL_OTP) as given:
        refused = post(api, "primary/email-codes/authenticate", {"code": last_code(fake_stytch, "email_otp")})

    assert (refused.status_code, refused.json()["code"]) == (403, "identity_mismatch")
    assert app_settings.SESSION_COOKIE_NAME not in refused.cookies
    assert not session_lives(fake_stytch, given[0])
    assert nothing_recorded_for_someone_else()


def test_a_code_answered_for_another_member_who_needs_mfa_records_no_step_of_theirs(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    """The answer that asks for MFA next (``member_authenticated: false``) carries the other
    member's IST and step: neither reaches the browser, and nothing of theirs is cached."""
    enter(api, fake_stytch, "codes-mfa")
    step = pending_flow(api)
    post(api, "primary/email-codes/send", {})

    with answering_for_someone_else(fake_stytch, services.AUTHENTICATE_EMAIL_OTP) as given:
        refused = post(api, "primary/email-codes/authenticate", {"code": last_code(fake_stytch, "email_otp")})

    assert (refused.status_code, refused.json()["code"]) == (403, "identity_mismatch")
    assert given == [""]  # no session was started for them: nothing to revoke
    assert calls_to(fake_stytch, "/v1/b2b/sessions/revoke") == []
    for cookie in (
        app_settings.PENDING_COOKIE_NAME,
        app_settings.IST_COOKIE_NAME,
        app_settings.SESSION_COOKIE_NAME,
    ):
        assert cookie not in refused.cookies
    assert pending_flow(api) == step
    assert nothing_recorded_for_someone_else()


def test_a_dead_link_keeps_the_step(api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]) -> None:
    enter(api, fake_stytch, "links", factors=("email_otp",))

    landed = api.get(url("primary/magic-links/authenticate") + "?token=" + "x" * 44)

    assert parse_qs(urlsplit(landed["Location"]).query) == {"stytch_discovery_error": ["magic_link_invalid"]}
    assert app_settings.PENDING_COOKIE_NAME not in landed.cookies
    assert app_settings.IST_COOKIE_NAME not in landed.cookies
    assert pending_flow(api)["id"] == "primary_authenticate"


def test_the_redirect_url_setting_is_the_links_target(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PRIMARY_MAGIC_LINK_REDIRECT_URL": "https://app.example/primary/callback",
    }
    enter(api, fake_stytch, "links", factors=("email_otp",))

    post(api, "primary/magic-links/send", {})

    assert outbox(fake_stytch, "magic_link")[-1]["url"].startswith("https://app.example/primary/callback?")


@pytest.mark.parametrize(
    ("slug", "path", "body"),
    [
        ("links", "primary/email-codes/send", {}),
        ("codes", "primary/magic-links/send", {}),
        ("sso", "primary/email-codes/authenticate", {"code": "123456"}),
    ],
)
def test_a_method_the_organization_does_not_allow_costs_no_stytch_call(
    api: APIClient,
    fake_stytch: FakeStytch,
    members: dict[str, str],
    slug: str,
    path: str,
    body: dict[str, str],
) -> None:
    enter(api, fake_stytch, slug, factors=("email_otp",) if slug == "links" else ("magic_link",))
    before = stytch_calls(fake_stytch)

    refused = post(api, path, body)

    assert (refused.status_code, refused.json()["code"]) == (403, "auth_method_not_allowed")
    assert stytch_calls(fake_stytch) == before


@pytest.mark.parametrize("field", ["email_address", "organization_id", "intermediate_session_token"])
def test_the_email_and_organization_are_the_steps(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], field: str
) -> None:
    enter(api, fake_stytch, "codes")
    before = stytch_calls(fake_stytch)

    refused = post(api, "primary/email-codes/send", {field: "eve@evil.example"})

    assert (refused.status_code, list(refused.json()["fields"])) == (400, [field])
    assert stytch_calls(fake_stytch) == before


def test_a_wrong_email_code_is_a_400_and_the_step_stays(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "codes")
    post(api, "primary/email-codes/send", {})
    code = last_code(fake_stytch, "email_otp")

    wrong = post(
        api, "primary/email-codes/authenticate", {"code": "000000" if code != "000000" else "111111"}
    )

    assert (wrong.status_code, wrong.json()["code"]) == (400, "code_invalid")
    assert post(api, "primary/email-codes/authenticate", {"code": code}).status_code == 200


def test_an_organization_no_method_can_enter_is_a_clear_403(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    """Stytch answers ``allowed_auth_methods: []`` when the policy leaves the member no way in."""
    router = fake_stytch.app.router
    original = router.routes["POST", EXCHANGE]

    def no_way_in(project: Any, request: Any) -> dict[str, Any]:
        answer = original.handler(project, request)
        return {**answer, "primary_required": {"allowed_auth_methods": []}}

    router.routes["POST", EXCHANGE] = Route("POST", EXCHANGE, no_way_in)
    try:
        api.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session(EMAIL)
        refused = post(api, "discovery/intermediate-sessions/exchange", {"organization_id": "sso"})
    finally:
        router.routes["POST", EXCHANGE] = original

    body = refused.json()
    assert (refused.status_code, body["code"]) == (403, "organization_join_forbidden")
    assert body["organization"]["organization_slug"] == "sso"
    assert body["allowed_auth_methods"] == []
    assert refused.cookies[app_settings.IST_COOKIE_NAME].value  # the fresh IST: the way back to the picker
    assert refused.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert post(api, "discovery/organizations").status_code == 200
