"""Every endpoint's throttle scope, and each scope's limit at N (let through) and N + 1 (429).

The requests are ones each view answers without throttling (a valid body, or one refused by the
view itself), from one client address, with JSON bodies and no CSRF enforcement: what counts here
is the scope and its count, not the order of the other checks.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from stytch_discovery.defaults import DEFAULT_THROTTLE_RATES
from stytch_discovery.internal.http.errors import message_of
from stytch_discovery.testing import FakeStytch
from stytch_discovery.urls import urlpatterns
from tests.helpers.api import EMAIL, ist_cookie, seed_orgs, stytch_calls

ERROR_KEYS = {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}

#: URL name -> the scope its view counts in (None: never throttled).
SCOPES: dict[str, str | None] = {
    "csrf": None,
    "session": "stytch_discovery.session",
    "session-exchange": "stytch_discovery.session_exchange",
    "logout": None,
    "magic-link-send": "stytch_discovery.send",
    "magic-link-authenticate": "stytch_discovery.authenticate",
    "organization-list": "stytch_discovery.list",
    "organization-create": "stytch_discovery.create",
    "organization-cached": "stytch_discovery.cached",
    "intermediate-session-exchange": "stytch_discovery.exchange",
    "mfa-sms-send": "stytch_discovery.code_send",
    "mfa-sms-authenticate": "stytch_discovery.code_attempt",
    "mfa-totp-create": "stytch_discovery.code_send",
    "mfa-totp-authenticate": "stytch_discovery.code_attempt",
    "mfa-recovery-code-recover": "stytch_discovery.code_attempt",
    "primary-magic-link-send": "stytch_discovery.code_send",
    "primary-magic-link-authenticate": "stytch_discovery.authenticate",
    "primary-email-code-send": "stytch_discovery.code_send",
    "primary-email-code-authenticate": "stytch_discovery.code_attempt",
    "email-code-send": "stytch_discovery.send",
    "email-code-authenticate": "stytch_discovery.authenticate",
    "oauth-google-start": "stytch_discovery.redirect_start",
    "oauth-microsoft-start": "stytch_discovery.redirect_start",
    "oauth-discovery-authenticate": "stytch_discovery.authenticate",
    "primary-sso-start": "stytch_discovery.redirect_start",
    "primary-sso-authenticate": "stytch_discovery.authenticate",
    "primary-oauth-google-start": "stytch_discovery.redirect_start",
    "primary-oauth-microsoft-start": "stytch_discovery.redirect_start",
    "primary-oauth-authenticate": "stytch_discovery.authenticate",
}
#: URL name -> the second scope its view counts in, per email address.
EMAIL_SCOPES: dict[str, str] = {
    "magic-link-send": "stytch_discovery.email_send",
    "email-code-send": "stytch_discovery.email_send",
    "email-code-authenticate": "stytch_discovery.email_attempt",
}
#: URL name -> the wrong-code bucket its codes spend (``code_budget``); the others check no code.
CODE_BUDGETS: dict[str, str] = {
    "email-code-authenticate": "stytch_discovery.wrong_codes.discovery",
    "primary-email-code-authenticate": "stytch_discovery.wrong_codes.primary",
    "mfa-sms-authenticate": "stytch_discovery.wrong_codes.mfa",
    "mfa-totp-authenticate": "stytch_discovery.wrong_codes.mfa",
    "mfa-recovery-code-recover": "stytch_discovery.wrong_codes.mfa",
}

#: URL name -> (method, JSON body) of a request the view answers itself, below the limit.
REQUESTS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "session": ("get", None),
    "session-exchange": ("post", {"organization_id": "acme"}),
    "magic-link-send": ("post", {"email_address": EMAIL}),
    "magic-link-authenticate": ("get", {"token": "unknown-token"}),
    "organization-list": ("post", {}),
    "organization-create": ("post", {"organization_name": "x!"}),
    "organization-cached": ("get", None),
    "intermediate-session-exchange": ("post", {"organization_id": "acme"}),
    "mfa-sms-send": ("post", {}),
    "mfa-sms-authenticate": ("post", {"code": "000000"}),
    "mfa-totp-create": ("post", {}),
    "mfa-totp-authenticate": ("post", {"code": "000000"}),
    "mfa-recovery-code-recover": ("post", {"recovery_code": "abcd-1234-efgh"}),
    "primary-magic-link-send": ("post", {}),
    "primary-magic-link-authenticate": ("get", {"token": "unknown-token"}),
    "primary-email-code-send": ("post", {}),
    "primary-email-code-authenticate": ("post", {"code": "000000"}),
    "email-code-send": ("post", {"email_address": EMAIL}),
    "email-code-authenticate": ("post", {"email_address": EMAIL, "code": "000000"}),
    "oauth-google-start": ("get", None),
    "oauth-microsoft-start": ("get", None),
    "oauth-discovery-authenticate": ("get", {"token": "unknown-token"}),
    "primary-sso-start": ("get", None),
    "primary-sso-authenticate": ("get", {"token": "unknown-token"}),
    "primary-oauth-google-start": ("get", None),
    "primary-oauth-microsoft-start": ("get", None),
    "primary-oauth-authenticate": ("get", {"token": "unknown-token"}),
}
#: Views a browser navigates to: a throttled one is a redirect carrying the code.
REDIRECTS = {
    "magic-link-authenticate",
    "primary-magic-link-authenticate",
    *(name for name in REQUESTS if name.endswith(("-start", "sso-authenticate", "oauth-authenticate"))),
    "oauth-discovery-authenticate",
}
LIMIT = 3


def view_class(name: str) -> Any:
    return resolve(reverse(f"stytch_discovery:{name}")).func.view_class  # type: ignore[attr-defined]


def every_url_name() -> set[str]:
    return {pattern.name for pattern in urlpatterns if pattern.name and pattern.name != "schema"}


def test_the_scope_table_covers_every_endpoint() -> None:
    assert set(SCOPES) == every_url_name()
    assert set(REQUESTS) == {name for name, scope in SCOPES.items() if scope}


@pytest.mark.parametrize(("name", "scope"), sorted(SCOPES.items()))
def test_each_view_counts_in_its_scope(name: str, scope: str | None) -> None:
    assert view_class(name).throttle_scope == scope


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_each_view_counts_per_address_where_the_table_says(name: str) -> None:
    assert getattr(view_class(name), "email_throttle_scope", None) == EMAIL_SCOPES.get(name)


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_each_view_that_checks_a_code_spends_its_wrong_code_budget(name: str) -> None:
    assert view_class(name).code_budget_scope == CODE_BUDGETS.get(name)


def test_every_scope_has_a_default_rate_and_every_default_rate_a_view() -> None:
    scopes = {scope for scope in [*SCOPES.values(), *EMAIL_SCOPES.values()] if scope}
    # The schema's own scope: tests/http/test_openapi_strict.py (the URL exists with the extra only).
    assert scopes | {"stytch_discovery.schema"} == set(DEFAULT_THROTTLE_RATES)


def send(client: APIClient, name: str) -> Any:
    method, body = REQUESTS[name]
    path = reverse(f"stytch_discovery:{name}")
    if method == "get":
        return client.get(path, body or {})
    return client.post(path, body, format="json")


def is_throttled(name: str, response: Any) -> bool:
    if name in REDIRECTS:
        return bool(response.status_code == 302 and response["Location"].endswith("error=throttled"))
    return bool(response.status_code == 429)


@pytest.fixture
def client(api: APIClient, fake_stytch: FakeStytch) -> APIClient:
    """A client with an IST cookie and a Django session (for the cached endpoint)."""
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    api.force_login(get_user_model().objects.create_user("ada", EMAIL))
    return api


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_the_limit_lets_n_through_and_refuses_n_plus_one(
    client: APIClient, fake_stytch: FakeStytch, settings: Any, name: str
) -> None:
    scope = SCOPES[name]
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "THROTTLE_RATES": {scope: f"{LIMIT}/min"}}

    below = [send(client, name) for _ in range(LIMIT)]
    calls = stytch_calls(fake_stytch)
    over = send(client, name)

    assert [is_throttled(name, response) for response in below] == [False] * LIMIT
    assert is_throttled(name, over), (over.status_code, over.content)
    assert stytch_calls(fake_stytch) == calls  # the refused request never reached Stytch
    if name not in REDIRECTS:
        data = over.json()
        assert set(data) == ERROR_KEYS
        assert data["code"] == "throttled"
        assert data["message"].startswith(message_of("throttled").split(";")[0])
        assert 1 <= int(over["Retry-After"]) <= 60


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_another_scope_does_not_count(client: APIClient, settings: Any, name: str) -> None:
    # Each of the others at 1/min: none of them may count this view's requests.
    others = set(DEFAULT_THROTTLE_RATES) - {SCOPES[name], EMAIL_SCOPES.get(name)}
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {**dict.fromkeys(others, "1/min"), SCOPES[name]: f"{LIMIT}/min"},
    }
    responses = [send(client, name) for _ in range(LIMIT)]
    assert not any(is_throttled(name, response) for response in responses)
