"""The trust boundary: organization, member and IST come from the server-held step, never the body.

A request naming another member or organization is refused (unknown field); a step replayed
after it succeeded, or used after its IST expired, is refused; a forged or foreign step too.
"""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.core.cache import cache
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.mfa import services
from stytch_discovery.sessions import pending
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import post, stytch_calls
from tests.helpers.mfa import calls_to, enter, ist_of, last_code, seed_mfa

OTHER = "eve@acme.example"


@pytest.fixture
def members(fake_stytch: FakeStytch) -> dict[str, str]:
    ours = seed_mfa(fake_stytch)
    fake_stytch.seed({"members": [{"organization_slug": "bare", "email_address": OTHER}]})
    return ours


def other_member_id(fake: FakeStytch) -> str:
    ist = fake.mint_intermediate_session(OTHER)
    client = APIClient()
    client.cookies[app_settings.IST_COOKIE_NAME] = ist
    answer = post(client, "discovery/intermediate-sessions/exchange", {"organization_id": "bare"})
    assert answer.status_code == 200, answer.content
    return str(answer.json()["member"]["member_id"])


@pytest.mark.parametrize(
    "field", ["member_id", "organization_id", "intermediate_session_token", "session_token", "email_address"]
)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("mfa/sms/send", {"mfa_phone_number": "+15005550009"}),
        ("mfa/sms/authenticate", {"code": "123456"}),
        ("mfa/totp/create", {}),
        ("mfa/totp/authenticate", {"code": "123456"}),
        ("mfa/recovery-codes/recover", {"recovery_code": "aaaa-bbbb-cccc"}),
    ],
)
def test_a_body_naming_a_member_organization_or_token_is_refused(
    api: APIClient,
    fake_stytch: FakeStytch,
    members: dict[str, str],
    path: str,
    body: dict[str, str],
    field: str,
) -> None:
    enter(api, fake_stytch, "bare")
    value = {"member_id": other_member_id(fake_stytch), "organization_id": "bare"}.get(field, "x" * 44)
    before = stytch_calls(fake_stytch)

    refused = post(api, path, {**body, field: value})

    assert (refused.status_code, refused.json()["code"]) == (400, "validation_error")
    assert refused.json()["fields"][field] == [
        "Taken from the pending sign-in step held by the server, never from the request."
    ]
    assert stytch_calls(fake_stytch) == before


def test_another_members_phone_cannot_be_linked_by_naming_them(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    """Stytch's own example let a caller link any number to any member; here the step decides."""
    enter(api, fake_stytch, "bare")
    victim = other_member_id(fake_stytch)

    post(api, "mfa/sms/send", {"mfa_phone_number": "+15005550009", "member_id": victim})
    post(api, "mfa/sms/send", {"mfa_phone_number": "+15005550009"})

    sent = calls_to(fake_stytch, services.SEND_SMS_OTP)
    assert [body["member_id"] for body in sent] == [members["bare"]]
    assert sent[0]["intermediate_session_token"] == ist_of(api)


def test_a_step_replayed_after_success_is_refused_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sms", locale="en")
    replayed = {name: morsel.value for name, morsel in api.cookies.items()}
    assert post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)}).status_code == 200
    attacker = APIClient()
    for name, value in replayed.items():
        attacker.cookies[name] = value
    before = stytch_calls(fake_stytch)

    refused = post(attacker, "mfa/sms/authenticate", {"code": last_code(fake_stytch)})

    assert (refused.status_code, refused.json()["code"]) == (401, "intermediate_session_invalid")
    assert stytch_calls(fake_stytch) == before
    assert refused.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert refused.cookies[app_settings.IST_COOKIE_NAME].value == ""
    # Without the spent-IST memory (another cache, a flush), Stytch refuses the consumed IST.
    cache.clear()
    for name, value in replayed.items():
        attacker.cookies[name] = value
    again = post(attacker, "mfa/sms/authenticate", {"code": last_code(fake_stytch)})
    assert (again.status_code, again.json()["code"], again.json()["stytch_error_type"]) == (
        401,
        "intermediate_session_invalid",
        "intermediate_session_not_found",
    )


def test_a_stale_step_after_the_ist_expired_is_refused(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sms", locale="en")
    code = last_code(fake_stytch)
    fake_stytch.advance_clock(601)  # Stytch's IST lives 10 minutes

    refused = post(api, "mfa/sms/authenticate", {"code": code})

    body = refused.json()
    assert (refused.status_code, body["code"], body["stytch_error_type"]) == (
        401,
        "intermediate_session_invalid",
        "intermediate_session_not_found",
    )
    assert refused.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert refused.cookies[app_settings.IST_COOKIE_NAME].value == ""


def test_a_step_past_its_expiry_here_costs_no_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    enter(api, fake_stytch, "sms")
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    before = stytch_calls(fake_stytch)

    refused = post(api, "mfa/sms/send", {})

    assert (refused.status_code, refused.json()["code"]) == (401, "intermediate_session_invalid")
    assert stytch_calls(fake_stytch) == before


def test_no_ist_no_step_or_another_ists_step_is_refused_locally(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    before = stytch_calls(fake_stytch)
    nothing = post(api, "mfa/sms/send", {})
    api.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session("ada@acme.example")
    no_step = post(api, "mfa/sms/send", {})
    enter(api, fake_stytch, "sms")
    api.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session("ada@acme.example")
    foreign = post(api, "mfa/sms/send", {})

    assert (nothing.status_code, nothing.json()["code"]) == (401, "intermediate_session_required")
    assert (no_step.status_code, no_step.json()["code"]) == (409, "step_not_pending")
    assert (foreign.status_code, foreign.json()["code"]) == (409, "step_not_pending")
    assert stytch_calls(fake_stytch) == before + 1  # the exchange only


def test_a_forged_step_is_no_step(api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]) -> None:
    enter(api, fake_stytch, "sms")
    genuine = api.cookies[app_settings.PENDING_COOKIE_NAME].value
    data = signing.loads(genuine, salt=pending.SALT)
    forged = signing.dumps(
        {**data, "member_id": other_member_id(fake_stytch)}, salt="not-the-salt", compress=True
    )
    api.cookies[app_settings.PENDING_COOKIE_NAME] = forged
    before = stytch_calls(fake_stytch)

    refused = post(api, "mfa/sms/send", {})

    assert (refused.status_code, refused.json()["code"]) == (409, "step_not_pending")
    assert stytch_calls(fake_stytch) == before


def test_a_primary_step_is_not_an_mfa_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "codes")

    refused = post(api, "mfa/totp/create", {})

    assert (refused.status_code, refused.json()["code"]) == (409, "step_not_pending")


def test_the_step_cookie_holds_no_token_no_code_and_no_full_phone_number(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sms", locale="en")
    post(api, "mfa/sms/send", {})
    raw = api.cookies[app_settings.PENDING_COOKIE_NAME].value

    decoded = str(signing.loads(raw, salt=pending.SALT))

    assert api.cookies[app_settings.PENDING_COOKIE_NAME]["httponly"]
    for secret in (ist_of(api), last_code(fake_stytch), "+15005550006", "5005550006"):
        assert secret not in decoded
        assert secret not in raw
