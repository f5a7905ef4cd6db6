"""After a whole flow at DEBUG log level, no secret or token shows anywhere it should not.

Allowed: a token in the Set-Cookie of the cookie meant for it. Forbidden: response bodies,
other headers, log records (message, arguments, traceback) and exception texts.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.services import CREATE_ORGANIZATION, EXCHANGE_INTERMEDIATE_SESSION
from stytch_discovery.internal.http import errors
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.internal.http.cookies import SDK_IST_COOKIE_NAME
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, seed_orgs, url

EXCHANGE = "discovery/intermediate-sessions/exchange"


class Recorder:
    """Every response and every exception the views mapped, for inspection at the end."""

    def __init__(self) -> None:
        self.responses: list[Any] = []
        self.exceptions: list[BaseException] = []

    def error_answer(self, error: Exception) -> errors.ErrorAnswer | None:
        self.exceptions.append(error)
        return errors.answer_for(error)

    def keep(self, response: Any) -> Any:
        self.responses.append(response)
        return response

    def tokens_in_cookies(self) -> set[str]:
        return {
            morsel.value
            for response in self.responses
            for morsel in response.cookies.values()
            if morsel.value and morsel.key in token_cookies()
        }


def token_cookies() -> set[str]:
    return {
        app_settings.IST_COOKIE_NAME,
        app_settings.SESSION_COOKIE_NAME,
        app_settings.SESSION_JWT_COOKIE_NAME,
        SDK_IST_COOKIE_NAME,
    }


def run_flow(api: APIClient, fake: FakeStytch, rec: Recorder) -> set[str]:
    """CSRF → send → link → list → create → list by session → exchange (MFA) → errors → logout."""
    seed_orgs(fake)
    rec.keep(api.get(url("csrf")))
    rec.keep(post(api, "discovery/magic-links/send", {"email_address": EMAIL}))
    sent = fake.outbox()[-1]
    link = urlsplit(sent["url"])
    rec.keep(api.get(f"{link.path}?{link.query}&next=/app"))
    rec.keep(post(api, "discovery/organizations"))
    rec.keep(post(api, "discovery/organizations/create", {"organization_slug": "leakproof"}))
    rec.keep(post(api, "discovery/organizations"))
    body_ist = fake.mint_intermediate_session(EMAIL)
    rec.keep(post(api, EXCHANGE, {"organization_id": "vault", "intermediate_session_token": body_ist}))
    rec.keep(post(api, EXCHANGE, {"organization_id": "acme"}))  # with the fresh IST from the cookie
    # Failures, with tokens in flight.
    rec.keep(post(api, "discovery/organizations", {"intermediate_session_token": body_ist}))
    fake.add_fault(EXCHANGE_INTERMEDIATE_SESSION, status=500)
    rec.keep(
        post(
            api,
            EXCHANGE,
            {"organization_id": "acme", "intermediate_session_token": fake.mint_intermediate_session(EMAIL)},
        )
    )
    fake.add_fault(CREATE_ORGANIZATION, malformed=True)
    rec.keep(
        post(
            api,
            "discovery/organizations/create",
            {"intermediate_session_token": fake.mint_intermediate_session(EMAIL)},
        )
    )
    rec.keep(api.get(f"{link.path}?{link.query}"))  # the used magic link again
    rec.keep(post(api, "logout"))
    return {sent["token"], body_ist, fake.secret} | rec.tokens_in_cookies()


def test_no_token_or_secret_leaks(
    api: APIClient, fake_stytch: FakeStytch, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = Recorder()
    monkeypatch.setattr(StytchDiscoveryView, "error_answer", lambda view, error: rec.error_answer(error))
    caplog.set_level(logging.DEBUG)
    secrets = run_flow(api, fake_stytch, rec)

    # The flow really produced every kind of token, and the cookies carried them.
    cookie_tokens = rec.tokens_in_cookies()
    assert len(cookie_tokens) >= 5  # ISTs (link, MFA step), session tokens and JWTs
    assert any(token.count(".") == 2 for token in cookie_tokens)  # a session JWT
    assert len(rec.exceptions) >= 4
    assert rec.responses[-1].json() == {"logged_out": True}
    assert parse_qs(urlsplit(rec.responses[-2]["Location"]).query) == {
        "stytch_discovery_error": ["magic_link_invalid"]
    }

    for response in rec.responses:
        body = response.content.decode()
        headers = {key: value for key, value in response.items() if key.lower() != "set-cookie"}
        for secret in secrets:
            assert secret not in body
            assert not any(secret in value for value in headers.values())
        for morsel in response.cookies.values():
            if any(secret in morsel.OutputString() for secret in secrets):
                assert morsel.key in token_cookies()

    formatter = logging.Formatter()
    records = [record for record in caplog.records if not record.name.startswith("stytch_discovery.testing")]
    assert any(record.name == "stytch_discovery.views" for record in records)
    for record in records:
        text = " ".join(
            [
                record.getMessage(),
                repr(record.args),
                formatter.formatException(record.exc_info) if record.exc_info else "",
            ]
        )
        for secret in secrets:
            assert secret not in text, record.name

    for error in rec.exceptions:
        for secret in secrets:
            assert secret not in str(error)
            assert secret not in repr(error)
