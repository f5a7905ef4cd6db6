"""SSO and OAuth as the primary step, end to end through the fake's identity provider page: the
callback signs in or records MFA, and refuses a state it did not start, a replay, a foreign start."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http.stytch_errors import STYTCH_ERROR_TYPES
from stytch_discovery.primary import redirects, services
from stytch_discovery.primary.views import CALLBACK_ERROR_TYPES
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, stytch_calls, url
from tests.helpers.mfa import PHONE, calls_to, enter, ist_of, last_code, pending_flow, seed_members
from tests.helpers.redirects import (
    answering_for_someone_else,
    error_of,
    nothing_recorded_for_someone_else,
    query_of,
    session_lives,
    start,
)

CONNECTION = "saml-connection-test-wayne"
ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "organization_slug": "wayne",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["sso"],
        "sso_connections": [{"connection_id": CONNECTION, "display_name": "Wayne SSO"}],
    },
    {
        "organization_slug": "wayne-mfa",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["sso"],
        "mfa_policy": "REQUIRED_FOR_ALL",
        "sso_connections": [{"display_name": "Wayne MFA SSO"}],
    },
    {"organization_slug": "google", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["google_oauth"]},
    {
        "organization_slug": "microsoft",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["microsoft_oauth"],
    },
]
FACTORS = {"wayne-mfa": {"mfa_phone_number": PHONE}}

#: Every Stytch error type these callbacks give a code of their own (the global ones for SSO).
SSO_TYPES = sorted(
    error_type
    for error_type, code in STYTCH_ERROR_TYPES.items()
    if code in {"redirect_token_invalid", "identity_provider_error", "sso_connection_missing"}
    or error_type
    in {
        "sso_connection_organization_mismatch",
        "invalid_connection_for_jit_provisioning",
        "sso_jit_provisioning_not_allowed",
        "indeterminate_sso_connection_for_organization",
        "missing_sso_connection_locator",
        "public_token_not_found",
        "invalid_public_token_id",
        "public_token_required",
        "project_has_no_public_tokens",
        "no_login_redirect_urls_set",
        "no_signup_redirect_urls_set",
        "no_match_for_provided_sso_url",
        "invalid_login_sso_url",
        "invalid_signup_sso_url",
        "invalid_pkce_code_challenge",
        "invalid_pkce_code_verifier",
    }
)
#: What any authenticate with an IST may answer (sessions contract §B.3, contract §5.3).
GENERIC_TYPES = [
    "intermediate_session_not_found",
    "invalid_intermediate_session_token_for_organization",
    "email_jit_provisioning_not_allowed",
    "operation_restricted_by_organization_auth_methods",
    "member_session_member_id_mismatch",
    "session_on_code_does_not_match_session_passed_in",
    "organization_not_found",
    "too_many_requests",
    "unauthorized_credentials",
]


@pytest.fixture
def members(fake_stytch: FakeStytch, settings: Any) -> dict[str, str]:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": fake_stytch.public_token,
        "OAUTH_PROVIDERS": ["google", "microsoft"],
    }
    return seed_members(fake_stytch, ORGANIZATIONS, FACTORS)


def come_back(client: APIClient, fake: FakeStytch, start_path: str, email: str = EMAIL, **query: str) -> Any:
    """Start, sign in on the fake provider's page as ``email``, follow Stytch's redirect back."""
    started = start(client, start_path, **query)
    assert error_of(started) is None, started["Location"]
    callback = urlsplit(fake.sign_in(started["Location"], email))
    return client.get(f"{callback.path}?{callback.query}")


def sso_back_with_fault(client: APIClient, fake: FakeStytch, **fault: Any) -> Any:
    """Into ``wayne``, through SSO and back, with Stytch's SSO authenticate answering ``fault``."""
    enter(client, fake, "wayne")
    fake.add_fault(services.AUTHENTICATE_SSO, **fault)
    return come_back(client, fake, "primary/sso/start")


def state_copied_to_another_browser(client: APIClient, fake: FakeStytch) -> tuple[str, APIClient]:
    """``client`` starts SSO into ``wayne`` and signs in; another browser, on its own step there,
    gets a copy of the state cookie. Stytch's redirect back, and the other browser."""
    enter(client, fake, "wayne")
    callback = fake.sign_in(start(client, "primary/sso/start")["Location"], EMAIL)
    other = APIClient()
    enter(other, fake, "wayne")
    other.cookies[redirects.cookie_name()] = client.cookies[redirects.cookie_name()].value
    return callback, other


def path_of(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"


def test_the_pending_flow_offers_the_seeded_connection(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")

    flow = pending_flow(api)

    assert (flow["methods"], flow["supported"]) == (["sso"], ["sso"])
    assert flow["sso_connections"] == [{"connection_id": CONNECTION, "display_name": "Wayne SSO"}]


def test_sso_signs_the_member_in(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    enter(api, fake_stytch, "wayne")
    ist = ist_of(api)
    started = start(api, "primary/sso/start", next="/app")
    challenge = query_of(started["Location"])["pkce_code_challenge"]
    state = api.cookies[redirects.cookie_name()].value
    callback = fake_stytch.sign_in(started["Location"], EMAIL)

    landed = api.get(path_of(callback))

    assert (error_of(landed), landed["Location"], landed["Referrer-Policy"]) == (None, "/app", "no-referrer")
    assert landed.cookies[app_settings.SESSION_COOKIE_NAME].value
    assert landed.cookies[app_settings.PENDING_COOKIE_NAME].value == ""
    assert landed.cookies[redirects.cookie_name()].value == ""
    session = api.get(url("session")).json()
    assert session["member"]["member_id"] == members["wayne"]
    assert [f["type"] for f in session["member_session"]["authentication_factors"]][-1] == "sso"
    (call,) = calls_to(fake_stytch, services.AUTHENTICATE_SSO)
    assert call["intermediate_session_token"] == ist
    assert redirects.code_challenge(call["pkce_code_verifier"]) == challenge
    assert call["pkce_code_verifier"] not in started["Location"]
    secrets = (query_of(callback)["token"], state, call["pkce_code_verifier"], ist)
    assert not [secret for secret in secrets if secret in caplog.text]


def test_sso_in_an_organization_that_wants_mfa_leaves_the_mfa_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne-mfa")
    ist = ist_of(api)

    landed = come_back(api, fake_stytch, "primary/sso/start", locale="en")

    assert (error_of(landed), landed["Location"]) == (None, app_settings.LOGIN_REDIRECT_URL)
    assert app_settings.SESSION_COOKIE_NAME not in landed.cookies
    assert ist_of(api) == ist  # the same IST, one factor richer
    flow = pending_flow(api)
    assert flow["id"] == "mfa_authenticate"
    sent = api.post(url("mfa/sms/send"), {}, format="json")
    assert sent.status_code == 200
    done = api.post(url("mfa/sms/authenticate"), {"code": last_code(fake_stytch)}, format="json")
    assert done.status_code == 200, done.content


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_oauth_signs_the_member_in(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], provider: str
) -> None:
    enter(api, fake_stytch, provider)

    landed = come_back(api, fake_stytch, f"primary/oauth/{provider}/start")

    assert error_of(landed) is None
    session = api.get(url("session")).json()
    assert session["member"]["member_id"] == members[provider]
    assert session["member_session"]["authentication_factors"][-1]["delivery_method"] == f"oauth_{provider}"
    (call,) = calls_to(fake_stytch, services.AUTHENTICATE_OAUTH)
    assert set(call) == {"oauth_token", "intermediate_session_token", "pkce_code_verifier"}


def test_the_oauth_service_keeps_no_provider_token(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    answer = enter(api, fake_stytch, "google")
    start_url = services.oauth_start_url(
        provider="google",
        organization_id=answer["organization"]["organization_id"],
        login_redirect_url="http://testserver/back",
    )
    token = query_of(fake_stytch.sign_in(start_url, EMAIL))["token"]

    result = services.authenticate_oauth(oauth_token=token, intermediate_session_token=ist_of(api))

    assert result.member_id == members["google"]
    assert "provider_values" not in result.raw
    assert result.raw["provider_type"] == "Google"


def test_a_callback_in_a_browser_that_did_not_start_is_refused_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")
    started = start(api, "primary/sso/start")
    callback = fake_stytch.sign_in(started["Location"], EMAIL)
    other = APIClient()
    enter(other, fake_stytch, "wayne")  # its own step, but no start of its own
    before = stytch_calls(fake_stytch)

    refused = other.get(path_of(callback))

    assert error_of(refused) == "redirect_state_invalid"
    assert stytch_calls(fake_stytch) == before
    assert pending_flow(other)["id"] == "primary_authenticate"  # the step stays: start again


def test_a_state_moved_to_another_browser_is_refused(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    callback, other = state_copied_to_another_browser(api, fake_stytch)
    before = stytch_calls(fake_stytch)

    refused = other.get(path_of(callback))

    assert error_of(refused) == "redirect_state_invalid"  # bound to the first browser's IST
    assert stytch_calls(fake_stytch) == before


def test_a_state_presented_for_another_step_does_not_use_up_its_start(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    callback, other = state_copied_to_another_browser(api, fake_stytch)
    assert error_of(other.get(path_of(callback))) == "redirect_state_invalid"

    landed = api.get(path_of(callback))

    assert error_of(landed) is None  # the browser that started still finishes


def test_a_state_serves_one_callback(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")
    started = start(api, "primary/sso/start")
    state = api.cookies[redirects.cookie_name()].value
    fake_stytch.add_fault(services.AUTHENTICATE_SSO, status=503)
    callback = fake_stytch.sign_in(started["Location"], EMAIL)
    assert error_of(api.get(path_of(callback))) == "stytch_unavailable"
    api.cookies[redirects.cookie_name()] = state  # replayed
    before = stytch_calls(fake_stytch)

    replayed = api.get(path_of(callback))

    assert error_of(replayed) == "redirect_state_invalid"
    assert stytch_calls(fake_stytch) == before


def test_an_sso_start_cannot_finish_on_the_oauth_callback(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")
    started = start(api, "primary/sso/start")
    callback = urlsplit(fake_stytch.sign_in(started["Location"], EMAIL))
    before = stytch_calls(fake_stytch)

    crossed = api.get(
        url("primary/oauth/authenticate") + "?stytch_token_type=oauth&" + callback.query.split("&")[-1]
    )

    assert error_of(crossed) == "redirect_state_invalid"
    assert stytch_calls(fake_stytch) == before


def test_a_used_token_keeps_the_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    landed = sso_back_with_fault(api, fake_stytch, status=404, error_type="sso_token_not_found")

    assert error_of(landed) == "redirect_token_invalid"
    assert app_settings.IST_COOKIE_NAME not in landed.cookies
    assert app_settings.PENDING_COOKIE_NAME not in landed.cookies
    assert error_of(come_back(api, fake_stytch, "primary/sso/start")) is None  # and it can start again


def test_a_token_for_another_person_is_refused(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")

    landed = come_back(api, fake_stytch, "primary/sso/start", email="mallory@acme.example")

    assert error_of(landed) == "organization_access_denied"  # Stytch: not this IST's email
    assert app_settings.SESSION_COOKIE_NAME not in landed.cookies


def answered_for_someone_else(client: APIClient, fake: FakeStytch) -> tuple[Any, list[str]]:
    """SSO back into ``wayne``, Stytch answering for another member; the session tokens it gave."""
    enter(client, fake, "wayne")
    with answering_for_someone_else(fake, services.AUTHENTICATE_SSO) as given:
        return come_back(client, fake, "primary/sso/start"), given


def test_an_answer_for_another_member_sets_no_session_and_ends_it_at_stytch(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    landed, given = answered_for_someone_else(api, fake_stytch)

    assert error_of(landed) == "identity_mismatch"
    assert app_settings.SESSION_COOKIE_NAME not in landed.cookies
    assert len(given) == 1
    assert len(calls_to(fake_stytch, "/v1/b2b/sessions/revoke")) == 1
    assert not session_lives(fake_stytch, given[0])
    assert nothing_recorded_for_someone_else()


def test_a_failed_revoke_still_refuses_the_other_member(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    fake_stytch.add_fault("/v1/b2b/sessions/revoke", status=500, error_type="internal_server_error")

    with caplog.at_level(logging.WARNING, logger="stytch_discovery"):
        landed, given = answered_for_someone_else(api, fake_stytch)

    assert error_of(landed) == "identity_mismatch"
    assert app_settings.SESSION_COOKIE_NAME not in landed.cookies
    assert "was not revoked" in caplog.text
    assert given[0] not in caplog.text


def test_a_pkce_refusal_means_another_start(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")
    first = fake_stytch.sign_in(start(api, "primary/sso/start")["Location"], EMAIL)
    start(api, "primary/sso/start")  # a second start: its own state and challenge

    landed = api.get(path_of(first))

    assert error_of(landed) == "redirect_state_invalid"  # Stytch: pkce_mismatch


@pytest.mark.parametrize("error_type", [*SSO_TYPES, *GENERIC_TYPES])
def test_every_sso_error_type_has_its_code(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], error_type: str
) -> None:
    landed = sso_back_with_fault(api, fake_stytch, status=400, error_type=error_type)

    assert error_of(landed) == STYTCH_ERROR_TYPES[error_type]


@pytest.mark.parametrize("error_type", [*sorted(CALLBACK_ERROR_TYPES), *GENERIC_TYPES])
def test_every_oauth_error_type_has_its_code(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], error_type: str
) -> None:
    enter(api, fake_stytch, "google")
    fake_stytch.add_fault(services.AUTHENTICATE_OAUTH, status=400, error_type=error_type)

    landed = come_back(api, fake_stytch, "primary/oauth/google/start")

    expected = CALLBACK_ERROR_TYPES.get(error_type) or STYTCH_ERROR_TYPES[error_type]
    assert error_of(landed) == expected


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ({"status": 503}, "stytch_unavailable"),
        ({"malformed": True}, "stytch_bad_response"),
        ({"drop": True}, "stytch_unavailable"),
    ],
)
def test_stytch_failing_on_the_way_back_is_a_documented_code(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], fault: dict[str, Any], code: str
) -> None:
    landed = sso_back_with_fault(api, fake_stytch, **fault)

    assert error_of(landed) == code
    assert app_settings.SESSION_COOKIE_NAME not in landed.cookies


def test_a_malformed_token_costs_no_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")
    start(api, "primary/sso/start")
    before = stytch_calls(fake_stytch)

    landed = api.get(url("primary/sso/authenticate"), {"stytch_token_type": "sso", "token": "not a token"})
    wrong_type = api.get(url("primary/sso/authenticate"), {"stytch_token_type": "oauth", "token": "x" * 44})

    assert error_of(landed) == error_of(wrong_type) == "validation_error"
    assert stytch_calls(fake_stytch) == before


def test_an_ist_stytch_no_longer_knows_ends_the_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    landed = sso_back_with_fault(api, fake_stytch, status=404, error_type="intermediate_session_not_found")

    assert error_of(landed) == "intermediate_session_invalid"
    assert landed.cookies[app_settings.IST_COOKIE_NAME].value == ""
    assert landed.cookies[app_settings.PENDING_COOKIE_NAME].value == ""


def test_the_callbacks_token_is_scrubbed_from_the_request_once_read(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne")
    callback = urlsplit(fake_stytch.sign_in(start(api, "primary/sso/start")["Location"], EMAIL))
    token = query_of(callback.geturl())["token"]

    landed = api.get(f"{callback.path}?{callback.query}")

    assert error_of(landed) is None
    assert token not in landed.wsgi_request.META["QUERY_STRING"]
    assert "token=****" in landed.wsgi_request.META["QUERY_STRING"]
    assert token not in landed["Location"]


def test_starts_are_throttled_per_member(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.redirect_start": "2/min"},
    }
    enter(api, fake_stytch, "wayne")
    assert [error_of(start(api, "primary/sso/start")) for _ in range(2)] == [None, None]

    third = start(api, "primary/sso/start")

    assert error_of(third) == "throttled"
    assert redirects.cookie_name() not in third.cookies


def test_django_session_login_signs_the_user_in_after_sso(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "DJANGO_SESSION_LOGIN": True}
    enter(api, fake_stytch, "wayne")

    landed = come_back(api, fake_stytch, "primary/sso/start")

    assert error_of(landed) is None
    user = landed.wsgi_request.user
    assert user.is_authenticated
    assert user.email == EMAIL


def test_a_callback_replayed_once_mfa_is_pending_is_refused_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter(api, fake_stytch, "wayne-mfa")
    started = start(api, "primary/sso/start")
    state = api.cookies[redirects.cookie_name()].value
    callback = path_of(fake_stytch.sign_in(started["Location"], EMAIL))
    assert error_of(api.get(callback)) is None  # MFA is pending now
    api.cookies[redirects.cookie_name()] = state
    before = stytch_calls(fake_stytch)

    replayed = api.get(callback)

    assert error_of(replayed) == "step_not_pending"
    assert stytch_calls(fake_stytch) == before
    assert pending_flow(api)["id"] == "mfa_authenticate"
