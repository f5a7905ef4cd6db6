"""Every row of the error table, driven through the fake Stytch (fault injection included)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.services import EXCHANGE_INTERMEDIATE_SESSION, LIST_ORGANIZATIONS
from stytch_discovery.internal.http.errors import message_of
from stytch_discovery.sessions.services import REVOKE_SESSION
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, seed_orgs, stytch_calls, url

ERROR_KEYS = {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
EXCHANGE = "discovery/intermediate-sessions/exchange"


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    data: dict[str, Any] = response.json()
    assert set(data) == ERROR_KEYS
    assert data["code"] == code
    assert isinstance(data["message"], str)
    assert data["message"]
    assert isinstance(data["fields"], dict)
    return data


def exchange(api: APIClient, fake: FakeStytch, organization_id: str = "acme") -> Any:
    seed_orgs(fake)
    ist_cookie(api, fake)
    return post(api, EXCHANGE, {"organization_id": organization_id})


# -- token problems --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["discovery/organizations", "discovery/organizations/create", EXCHANGE])
def test_no_ist_anywhere_is_401_without_calling_stytch(
    api: APIClient, fake_stytch: FakeStytch, path: str
) -> None:
    body = {"organization_id": "acme"} if path == EXCHANGE else {}
    assert_error(post(api, path, body), 401, "intermediate_session_required")
    assert stytch_calls(fake_stytch) == 0


def test_unknown_ist_is_intermediate_session_invalid_and_clears_the_cookie(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    api.cookies[app_settings.IST_COOKIE_NAME] = "unknown-ist-token"
    response = post(api, "discovery/organizations")
    data = assert_error(response, 401, "intermediate_session_invalid")
    assert data["stytch_error_type"] == "intermediate_session_not_found"
    assert data["stytch_request_id"]
    assert response.cookies[app_settings.IST_COOKIE_NAME]["max-age"] == 0


def test_used_ist_cannot_be_used_twice(api: APIClient, fake_stytch: FakeStytch) -> None:
    token = fake_stytch.mint_intermediate_session(EMAIL)
    body = {"intermediate_session_token": token, "organization_slug": "first"}
    assert post(api, "discovery/organizations/create", body).status_code == 201
    body["organization_slug"] = "second"
    assert_error(post(api, "discovery/organizations/create", body), 401, "intermediate_session_invalid")


@pytest.mark.parametrize("kind", ["session_token", "session_jwt"])
def test_unknown_session_is_session_invalid(api: APIClient, fake_stytch: FakeStytch, kind: str) -> None:
    token = "unknown-session" if kind == "session_token" else "a.b.c"
    data = assert_error(post(api, "discovery/organizations", {kind: token}), 401, "session_invalid")
    assert data["stytch_error_type"] in {"session_not_found", "unable_to_parse_session_jwt"}


def test_mangled_cookie_is_refused_without_calling_stytch(api: APIClient, fake_stytch: FakeStytch) -> None:
    api.cookies[app_settings.SESSION_COOKIE_NAME] = "not a token"
    assert_error(post(api, "discovery/organizations"), 401, "session_invalid")
    assert stytch_calls(fake_stytch) == 0


def test_unknown_magic_link_redirects_with_the_code(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = api.get(url("discovery/magic-links/authenticate"), {"token": "no-such-token"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/"
    assert parse_qs(location.query) == {"stytch_discovery_error": ["magic_link_invalid"]}
    assert app_settings.IST_COOKIE_NAME not in response.cookies


def test_used_magic_link_redirects_with_the_code(api: APIClient, fake_stytch: FakeStytch) -> None:
    post(api, "discovery/magic-links/send", {"email_address": EMAIL})
    link = urlsplit(fake_stytch.outbox()[0]["url"])
    assert "stytch_discovery_error" not in api.get(f"{link.path}?{link.query}")["Location"]
    again = api.get(f"{link.path}?{link.query}")
    assert again["Location"] == "/?stytch_discovery_error=magic_link_invalid"


@pytest.mark.parametrize("query", [{}, {"token": "x", "stytch_token_type": "multi_tenant_magic_links"}])
def test_magic_link_without_a_usable_token_redirects_with_validation_error(
    api: APIClient, fake_stytch: FakeStytch, query: dict[str, str]
) -> None:
    response = api.get(url("discovery/magic-links/authenticate"), query)
    assert response["Location"] == "/?stytch_discovery_error=validation_error"
    assert stytch_calls(fake_stytch) == 0


# -- organization problems ------------------------------------------------------------------------


def test_taken_slug_is_409(api: APIClient, fake_stytch: FakeStytch) -> None:
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    response = post(api, "discovery/organizations/create", {"organization_slug": "acme"})
    data = assert_error(response, 409, "organization_slug_taken")
    assert list(data["fields"]) == ["organization_slug"]
    assert data["stytch_error_type"] == "organization_slug_already_used"


def test_taken_external_id_is_409(api: APIClient, fake_stytch: FakeStytch) -> None:
    fake_stytch.seed({"organizations": [{"organization_slug": "ext", "organization_external_id": "crm-1"}]})
    ist_cookie(api, fake_stytch)
    response = post(api, "discovery/organizations/create", {"organization_external_id": "crm-1"})
    data = assert_error(response, 409, "organization_external_id_taken")
    assert list(data["fields"]) == ["organization_external_id"]


def test_unknown_organization_is_404(api: APIClient, fake_stytch: FakeStytch) -> None:
    assert_error(exchange(api, fake_stytch, "no-such-org"), 404, "organization_not_found")


def test_organization_that_refuses_entry_is_403(api: APIClient, fake_stytch: FakeStytch) -> None:
    fake_stytch.seed({"organizations": [{"organization_slug": "closed"}]})
    ist_cookie(api, fake_stytch, "stranger@elsewhere.example")
    data = assert_error(post(api, EXCHANGE, {"organization_id": "closed"}), 403, "organization_access_denied")
    assert data["stytch_error_type"] == "invalid_intermediate_session_token_for_organization"


def test_other_stytch_validation_errors_are_stytch_rejected(api: APIClient, fake_stytch: FakeStytch) -> None:
    ist_cookie(api, fake_stytch)
    # Stytch's list of "too common" domains is not documented, so only Stytch refuses this.
    response = post(api, "discovery/organizations/create", {"email_allowed_domains": ["gmail.com"]})
    data = assert_error(response, 400, "stytch_rejected")
    assert data["stytch_error_type"] == "organization_settings_domain_too_common"
    assert data["message"] == message_of("stytch_rejected")  # ours: Stytch's text may name the person


# -- Stytch failing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"status": 401}, 502, "stytch_misconfigured"),
        ({"status": 401, "error_type": "unauthorized_project_id_live"}, 502, "stytch_misconfigured"),
        ({"status": 500}, 502, "stytch_unavailable"),
        ({"status": 503}, 502, "stytch_unavailable"),
        ({"drop": True}, 502, "stytch_unavailable"),
        ({"malformed": True}, 502, "stytch_bad_response"),
        ({"status": 400, "error_type": "invalid_argument"}, 400, "stytch_rejected"),
    ],
)
def test_stytch_failures_map_to_the_table(
    api: APIClient, fake_stytch: FakeStytch, fault: dict[str, Any], status: int, code: str
) -> None:
    fake_stytch.add_fault(EXCHANGE_INTERMEDIATE_SESSION, **fault)
    data = assert_error(exchange(api, fake_stytch), status, code)
    assert (
        app_settings.SESSION_COOKIE_NAME not in api.cookies
        or not api.cookies[app_settings.SESSION_COOKIE_NAME].value
    )
    if "status" in fault:
        assert data["stytch_request_id"]


def test_stytch_rate_limit_is_429_with_retry_after(api: APIClient, fake_stytch: FakeStytch) -> None:
    fake_stytch.add_fault(EXCHANGE_INTERMEDIATE_SESSION, retry_after=7)
    response = exchange(api, fake_stytch)
    assert_error(response, 429, "stytch_rate_limited")
    assert response["Retry-After"] == "7"


def test_stytch_timeout_is_504(api: APIClient, fake_stytch: FakeStytch, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "READ_TIMEOUT": 0.2, "MAX_RETRIES": 0}
    fake_stytch.add_fault(EXCHANGE_INTERMEDIATE_SESSION, latency_ms=1500)
    assert_error(exchange(api, fake_stytch), 504, "stytch_timeout")


def test_list_retries_a_transient_failure(api: APIClient, fake_stytch: FakeStytch) -> None:
    fake_stytch.add_fault(LIST_ORGANIZATIONS, status=503)
    ist_cookie(api, fake_stytch)
    assert post(api, "discovery/organizations").status_code == 200


def test_wrong_secret_is_misconfigured_and_logged_as_error(
    api: APIClient, fake_stytch: FakeStytch, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "SECRET": "secret-test-wrong"}
    with caplog.at_level(logging.INFO, logger="stytch_discovery"):
        data = assert_error(
            post(api, "discovery/magic-links/send", {"email_address": EMAIL}), 502, "stytch_misconfigured"
        )
    assert data["stytch_error_type"] == "unauthorized_credentials"
    assert "not your fault" in data["message"]
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert errors
    assert "stytch_misconfigured" in errors[0].getMessage()


def test_missing_credentials_is_503(api: APIClient, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STYTCH_SECRET", raising=False)
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "SECRET": None}
    assert_error(
        post(api, "discovery/magic-links/send", {"email_address": EMAIL}), 503, "stytch_not_configured"
    )


# -- our own refusals ------------------------------------------------------------------------------


def test_throttle_is_429_with_retry_after(api: APIClient, fake_stytch: FakeStytch, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.send": "2/min"},
    }
    for _ in range(2):
        assert post(api, "discovery/magic-links/send", {"email_address": EMAIL}).status_code == 200
    response = post(api, "discovery/magic-links/send", {"email_address": EMAIL})
    assert_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert stytch_calls(fake_stytch) == 2


def test_default_rates_make_send_and_create_stricter_than_list() -> None:
    rates = app_settings.THROTTLE_RATES

    def per_hour(rate: str | None) -> float:
        assert rate is not None
        count, period = rate.split("/")
        return int(count) * {"s": 3600, "m": 60, "h": 1, "d": 1 / 24}[period[0]]

    assert per_hour(rates["stytch_discovery.send"]) < per_hour(rates["stytch_discovery.list"])
    assert per_hour(rates["stytch_discovery.create"]) < per_hour(rates["stytch_discovery.list"])


def test_throttled_magic_link_redirects_with_the_code(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.authenticate": "1/min"},
    }
    api.get(url("discovery/magic-links/authenticate"), {"token": "first"})
    response = api.get(url("discovery/magic-links/authenticate"), {"token": "second"})
    assert response["Location"] == "/?stytch_discovery_error=throttled"


def test_cached_endpoint_refuses_anonymous_callers(api: APIClient) -> None:
    response = api.get(url("discovery/organizations/cached"))
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="stytch"'


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "discovery/organizations"),
        ("put", "discovery/organizations/create"),
        ("delete", "logout"),
        ("post", "csrf"),
    ],
)
def test_wrong_method_is_405(csrf_api: APIClient, method: str, path: str) -> None:
    response = getattr(csrf_api, method)(url(path))
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"]


@pytest.mark.parametrize(
    "fault", [{"status": 503}, {"drop": True}, {"status": 404, "error_type": "session_not_found"}]
)
def test_logout_clears_cookies_even_when_stytch_cannot_revoke(
    api: APIClient, fake_stytch: FakeStytch, fault: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    api.cookies[app_settings.SESSION_COOKIE_NAME] = "some-session-token"
    fake_stytch.add_fault(REVOKE_SESSION, **fault)
    with caplog.at_level(logging.WARNING, logger="stytch_discovery"):
        response = post(api, "logout")
    assert response.status_code == 200
    assert response.cookies[app_settings.SESSION_COOKIE_NAME]["max-age"] == 0
    assert any("not revoked" in record.getMessage() for record in caplog.records)
    assert "some-session-token" not in caplog.text


def test_options_is_refused_and_not_advertised(api: APIClient) -> None:
    response = api.options(url("discovery/organizations"))
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"
    assert api.get(url("csrf"))["Allow"] == "GET, HEAD"
