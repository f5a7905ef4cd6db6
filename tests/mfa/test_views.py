"""The MFA endpoints over HTTP against the fake: each factor, enrolment, errors, no wasted Stytch call."""

from __future__ import annotations

import time
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http.errors import CODES
from stytch_discovery.internal.http.stytch_errors import STYTCH_ERROR_TYPES
from stytch_discovery.mfa import services
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import post, stytch_calls, url
from tests.helpers.mfa import (
    MASKED,
    PHONE,
    RECOVERY_CODES,
    calls_to,
    enter,
    ist_of,
    last_code,
    outbox,
    pending_flow,
    seed_mfa,
)

Json = dict[str, Any]


@pytest.fixture
def members(fake_stytch: FakeStytch) -> dict[str, str]:
    return seed_mfa(fake_stytch)


def assert_signed_in(api: APIClient, response: Any, *factors: str) -> Json:
    """The step is done: session cookies set, step and IST cookies gone, GET session says so."""
    assert response.status_code == 200, response.content
    body: Json = response.json()
    assert (body["member_authenticated"], body["next_step"]) == (True, None)
    assert response.cookies[app_settings.SESSION_COOKIE_NAME].value
    assert response.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert response.cookies[app_settings.IST_COOKIE_NAME].value == ""
    session = api.get(url("session"))
    assert session.status_code == 200
    kinds = [
        (f["type"], f["delivery_method"]) for f in session.json()["member_session"]["authentication_factors"]
    ]
    assert kinds == [("magic_link", "email"), *(tuple(f.split("/")) for f in factors)]
    return body


def test_get_session_shows_what_the_mfa_step_allows(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sms")

    flow = pending_flow(api)

    assert flow["id"] == "mfa_authenticate"
    assert flow["member"]["member_id"] == members["sms"]
    assert (flow["types"], flow["enroll_types"], flow["default_type"]) == (["sms_otp"], [], "sms_otp")
    assert (flow["phone_number"], flow["sms_sent"], flow["sms_code_expires_at"]) == (MASKED, False, None)
    assert flow["expires_at"].endswith("Z")
    assert PHONE not in api.get(url("session")).content.decode()


def test_an_sms_code_finishes_the_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sms")
    ist = ist_of(api)

    sent = post(api, "mfa/sms/send", {})
    assert sent.status_code == 200, sent.content
    assert (sent.json()["sent"], sent.json()["phone_number"]) == (True, MASKED)
    assert pending_flow(api)["sms_sent"] is True

    done = post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)})

    assert_signed_in(api, done, "otp/sms")
    (sent_body,) = calls_to(fake_stytch, services.SEND_SMS_OTP)
    (checked,) = calls_to(fake_stytch, services.AUTHENTICATE_SMS_OTP)
    for body in (sent_body, checked):
        assert body["intermediate_session_token"] == ist
        assert body["member_id"] == members["sms"]


def test_a_code_stytch_already_sent_is_not_sent_again(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    entered = enter(api, fake_stytch, "sms", locale="en")
    assert entered["mfa_required"]["secondary_auth_initiated"] == "sms_otp"
    assert pending_flow(api)["sms_sent"] is True
    before = stytch_calls(fake_stytch)

    again = post(api, "mfa/sms/send", {})

    assert again.status_code == 200
    assert (again.json()["sent"], again.json()["phone_number"]) == (False, MASKED)
    assert stytch_calls(fake_stytch) == before
    assert len(outbox(fake_stytch, "sms_otp")) == 1
    assert_signed_in(api, post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)}), "otp/sms")


def test_after_two_minutes_a_new_code_may_be_sent(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    enter(api, fake_stytch, "sms", locale="en")
    later = time.time() + 121
    monkeypatch.setattr(time, "time", lambda: later)  # our clock: the code Stytch sent has expired

    assert post(api, "mfa/sms/send", {}).json()["sent"] is True
    assert len(outbox(fake_stytch, "sms_otp")) == 2


def test_a_member_without_a_phone_sets_one_up(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "bare")
    flow = pending_flow(api)
    assert (flow["types"], flow["enroll_types"], flow["phone_number"]) == ([], ["sms_otp", "totp"], "")
    before = stytch_calls(fake_stytch)
    missing = post(api, "mfa/sms/send", {})
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["mfa_phone_number"])
    assert stytch_calls(fake_stytch) == before

    sent = post(api, "mfa/sms/send", {"mfa_phone_number": PHONE})
    assert sent.json()["phone_number"] == MASKED
    assert pending_flow(api)["phone_number"] == MASKED

    body = assert_signed_in(
        api,
        post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch), "set_default_mfa": True}),
        "otp/sms",
    )
    assert body["member"]["member_id"] == members["bare"]


def test_a_member_with_a_phone_cannot_give_another(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sms")
    before = stytch_calls(fake_stytch)

    refused = post(api, "mfa/sms/send", {"mfa_phone_number": "+15005550007"})

    assert (refused.status_code, refused.json()["code"]) == (400, "validation_error")
    assert stytch_calls(fake_stytch) == before


def test_an_authenticator_code_finishes_the_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "totp")
    flow = pending_flow(api)
    assert (flow["types"], flow["default_type"]) == (["totp", "recovery_codes"], "totp")

    done = post(api, "mfa/totp/authenticate", {"code": fake_stytch.totp_code(members["totp"])})

    assert_signed_in(api, done, "totp/authenticator_app")


def test_enrolment_shows_the_secret_qr_code_and_recovery_codes_once(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "bare")

    created = post(api, "mfa/totp/create", {})

    assert created.status_code == 200, created.content
    body = created.json()
    assert set(body) == {"totp_registration_id", "secret", "qr_code", "recovery_codes", "expires_at"}
    assert body["qr_code"].startswith("data:image/png;base64,")
    assert len(body["recovery_codes"]) == 10
    assert created["Cache-Control"].startswith("max-age=0") or "no-store" in created["Cache-Control"]
    flow = pending_flow(api)
    assert (flow["types"], flow["enroll_types"]) == (["totp"], [])
    assert body["secret"] not in api.get(url("session")).content.decode()
    assert_signed_in(
        api,
        post(api, "mfa/totp/authenticate", {"code": fake_stytch.totp_code(members["bare"])}),
        "totp/authenticator_app",
    )
    (create_call,) = calls_to(fake_stytch, services.CREATE_TOTP)
    assert create_call["expiration_minutes"] == 10


def test_a_member_with_an_app_cannot_create_another(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "totp")
    before = stytch_calls(fake_stytch)

    refused = post(api, "mfa/totp/create", {})

    assert (refused.status_code, refused.json()["code"]) == (409, "totp_exists")
    assert stytch_calls(fake_stytch) == before


def test_a_recovery_code_works_once(api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]) -> None:
    enter(api, fake_stytch, "totp")

    done = post(api, "mfa/recovery-codes/recover", {"recovery_code": RECOVERY_CODES[0]})

    assert assert_signed_in(api, done, "recovery_codes/recovery_code")["recovery_codes_remaining"] == 1
    post(api, "logout")
    enter(api, fake_stytch, "totp")
    again = post(api, "mfa/recovery-codes/recover", {"recovery_code": RECOVERY_CODES[0]})
    assert (again.status_code, again.json()["code"]) == (400, "recovery_code_invalid")
    assert again.json()["fields"] == {"recovery_code": [CODES["recovery_code_invalid"][1]]}


def test_a_wrong_code_keeps_the_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "sms", locale="en")
    code = last_code(fake_stytch)
    wrong = "000000" if code != "000000" else "111111"

    refused = post(api, "mfa/sms/authenticate", {"code": wrong})

    body = refused.json()
    assert (refused.status_code, body["code"], body["stytch_error_type"]) == (
        400,
        "code_invalid",
        "otp_code_not_found",
    )
    assert list(body["fields"]) == ["code"]
    assert app_settings.IST_COOKIE_NAME not in refused.cookies  # the IST lives on
    assert_signed_in(api, post(api, "mfa/sms/authenticate", {"code": code}), "otp/sms")


def test_an_expired_code_says_so(api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]) -> None:
    enter(api, fake_stytch, "sms", locale="en")
    fake_stytch.advance_clock(121)

    refused = post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)})

    assert (refused.status_code, refused.json()["code"]) == (400, "code_expired")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("mfa/sms/authenticate", {"code": "12345"}, "code"),
        ("mfa/sms/authenticate", {"code": "12345a"}, "code"),
        ("mfa/sms/authenticate", {"code": 123456}, "code"),
        ("mfa/totp/authenticate", {"code": "1234567"}, "code"),
        ("mfa/totp/authenticate", {"code": "123456", "set_default_mfa": "yes"}, "set_default_mfa"),
        ("mfa/totp/authenticate", {"code": "123456", "set_mfa_enrollment": "maybe"}, "set_mfa_enrollment"),
        ("mfa/recovery-codes/recover", {"recovery_code": "nope"}, "recovery_code"),
        ("mfa/recovery-codes/recover", {"recovery_code": "AAAA-BBBB-CCCC"}, "recovery_code"),
        ("mfa/sms/send", {"mfa_phone_number": "5005550006"}, "mfa_phone_number"),
        ("mfa/sms/send", {"mfa_phone_number": "+1 500 555 0006"}, "mfa_phone_number"),
        ("mfa/sms/send", {"locale": "xx"}, "locale"),
    ],
)
def test_locally_invalid_input_costs_no_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], path: str, body: Json, field: str
) -> None:
    enter(api, fake_stytch, "bare")
    before = stytch_calls(fake_stytch)

    refused = post(api, path, body)

    assert (refused.status_code, refused.json()["code"]) == (400, "validation_error")
    assert field in refused.json()["fields"]
    assert stytch_calls(fake_stytch) == before


@pytest.mark.parametrize(
    ("slug", "path", "body", "status", "code"),
    [
        ("sms-only", "mfa/totp/create", {}, 403, "auth_method_not_allowed"),
        ("sms-only", "mfa/totp/authenticate", {"code": "123456"}, 403, "auth_method_not_allowed"),
        (
            "sms-only",
            "mfa/recovery-codes/recover",
            {"recovery_code": "aaaa-bbbb-cccc"},
            403,
            "auth_method_not_allowed",
        ),
        ("bare", "mfa/totp/authenticate", {"code": "123456"}, 409, "mfa_factor_missing"),
        ("bare", "mfa/sms/authenticate", {"code": "123456"}, 409, "mfa_factor_missing"),
        ("sms", "mfa/recovery-codes/recover", {"recovery_code": "aaaa-bbbb-cccc"}, 409, "mfa_factor_missing"),
        # A member with an active factor adds another only from a session carrying it (contract
        # §B.2), never with the step's IST: Stytch's session_enforced_factor_matching_session_required.
        ("sms", "mfa/totp/create", {}, 409, "mfa_factor_missing"),
        ("totp", "mfa/sms/send", {"mfa_phone_number": PHONE}, 409, "mfa_factor_missing"),
    ],
)
def test_what_the_step_rules_out_costs_no_stytch_call(
    api: APIClient,
    fake_stytch: FakeStytch,
    members: dict[str, str],
    slug: str,
    path: str,
    body: Json,
    status: int,
    code: str,
) -> None:
    enter(api, fake_stytch, slug)
    before = stytch_calls(fake_stytch)

    refused = post(api, path, body)

    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert stytch_calls(fake_stytch) == before


MFA_ERROR_TYPES = sorted(
    error_type
    for error_type in STYTCH_ERROR_TYPES
    if error_type
    in {
        "otp_code_not_found",
        "invalid_totp_code",
        "unable_to_authenticate_totp",
        "recovery_code_used_as_totp_code",
        "unable_to_auth_otp_code",
        "totp_code_already_authenticated",
        "expired_totp",
        "unable_to_authenticate_recovery_code",
        "invalid_recovery_code",
        "totp_code_used_as_recovery_code",
        "invalid_phone_number",
        "invalid_phone_number_country_code",
        "unsubscribed_phone_number",
        "duplicate_member_phone_number",
        "duplicate_member_phone_number_for_member",
        "active_totp_exists",
        "pending_totp_exists",
        "secondary_factor_not_found",
        "default_mfa_member_missing_factor",
        "no_active_recovery_code_backed_factor",
        "recovery_codes_not_found",
        "member_phone_number_not_found",
        "totp_not_found",
        "session_enforced_factor_matching_session_required",
        "invalid_mfa_default_method",
        "operation_restricted_by_organization_mfa_methods",
        "operation_restricted_by_organization_auth_methods",
        "action_available_only_once_primary_authentication_is_met",
        "member_session_member_id_mismatch",
        "session_on_code_does_not_match_session_passed_in",
        "intermediate_session_not_found",
        "too_many_requests",
    }
)


@pytest.mark.parametrize("error_type", MFA_ERROR_TYPES)
@pytest.mark.parametrize(
    ("path", "endpoint", "body"),
    [
        (services.AUTHENTICATE_SMS_OTP, "mfa/sms/authenticate", {"code": "123456"}),
        (services.SEND_SMS_OTP, "mfa/sms/send", {}),
        (services.RECOVER, "mfa/recovery-codes/recover", {"recovery_code": "aaaa-bbbb-cccc"}),
    ],
    ids=["sms-authenticate", "sms-send", "recover"],
)
def test_every_stytch_error_is_a_documented_answer(
    api: APIClient,
    fake_stytch: FakeStytch,
    members: dict[str, str],
    error_type: str,
    path: str,
    endpoint: str,
    body: Json,
) -> None:
    # A member with both factors, so every endpoint reaches Stytch.
    fake_stytch.seed(
        {
            "organizations": [{"organization_slug": "both", "mfa_policy": "REQUIRED_FOR_ALL"}],
            "members": [
                {
                    "organization_slug": "both",
                    "email_address": "ada@acme.example",
                    "mfa_phone_number": PHONE,
                    "totp": True,
                }
            ],
        }
    )
    enter(api, fake_stytch, "both")
    status = 429 if error_type == "too_many_requests" else 400
    fake_stytch.add_fault(path, status=status, error_type=error_type)

    answer = post(api, endpoint, body)

    code = STYTCH_ERROR_TYPES[error_type]
    assert (answer.status_code, answer.json()["code"]) == (CODES[code][0], code)
    assert answer.json()["stytch_error_type"] == error_type
    if CODES[code][0] == 401:
        assert answer.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
        assert answer.cookies[app_settings.IST_COOKIE_NAME].value == ""


def test_switching_into_an_mfa_organization_shows_the_step_while_signed_in(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    fake_stytch.seed(
        {
            "organizations": [{"organization_slug": "plain"}],
            "members": [{"organization_slug": "plain", "email_address": "ada@acme.example"}],
        }
    )
    api.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session("ada@acme.example")
    assert (
        post(api, "discovery/intermediate-sessions/exchange", {"organization_id": "plain"}).status_code == 200
    )
    assert api.get(url("session")).json()["pending"] is None

    switched = post(api, "sessions/exchange", {"organization_id": "sms", "locale": "en"})

    assert switched.json()["next_step"] == "mfa"
    state = api.get(url("session")).json()
    assert state["organization"]["organization_slug"] == "plain"
    assert (state["pending"]["id"], state["pending"]["sms_sent"]) == ("mfa_authenticate", True)
    done = post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)})
    assert done.status_code == 200
    after = api.get(url("session")).json()
    assert (after["organization"]["organization_slug"], after["pending"]) == ("sms", None)
