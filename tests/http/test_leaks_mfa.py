"""After every MFA and primary step at DEBUG log level, no code, secret or token leaks.

The TOTP secret and the recovery codes appear in exactly one place: the body of the TOTP create
answer, shown once. Codes, ISTs and session tokens appear in no body, log record, exception or
database row (the cookies meant for a token excepted).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import errors
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import post
from tests.helpers.mfa import RECOVERY_CODES, SECRET, enter, last_code, seed_mfa

TOKEN_COOKIES = {
    app_settings.IST_COOKIE_NAME,
    app_settings.SESSION_COOKIE_NAME,
    app_settings.SESSION_JWT_COOKIE_NAME,
}


def database_text() -> str:
    rows = []
    for model in apps.get_models():
        rows += [repr(row) for row in model._default_manager.values()]
    return "\n".join(rows)


@pytest.mark.django_db(transaction=True)
def test_no_code_secret_or_token_leaks(
    fake_stytch: FakeStytch, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caught: list[BaseException] = []

    def error_answer(view: Any, error: Exception) -> errors.ErrorAnswer | None:
        caught.append(error)
        return errors.answer_for(error)

    monkeypatch.setattr(StytchDiscoveryView, "error_answer", error_answer)
    caplog.set_level(logging.DEBUG)
    members = seed_mfa(fake_stytch)
    responses: list[Any] = []
    api = APIClient()

    enter(api, fake_stytch, "sms", locale="en")
    responses.append(post(api, "mfa/sms/authenticate", {"code": "000000"}))
    responses.append(post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)}))
    enter(api, fake_stytch, "bare")
    created = post(api, "mfa/totp/create", {})
    responses.append(post(api, "mfa/totp/authenticate", {"code": fake_stytch.totp_code(members["bare"])}))
    enter(api, fake_stytch, "totp")
    responses.append(post(api, "mfa/totp/authenticate", {"code": fake_stytch.totp_code(members["totp"])}))
    enter(api, fake_stytch, "totp")
    responses.append(post(api, "mfa/recovery-codes/recover", {"recovery_code": RECOVERY_CODES[0]}))
    enter(api, fake_stytch, "codes-mfa")
    responses.append(post(api, "primary/email-codes/send", {}))
    responses.append(
        post(api, "primary/email-codes/authenticate", {"code": last_code(fake_stytch, "email_otp")})
    )
    responses.append(post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)}))
    responses.append(post(api, "logout"))

    shown_once = {created.json()["secret"], SECRET, *created.json()["recovery_codes"], *RECOVERY_CODES}
    codes = {message["code"] for message in fake_stytch.outbox() if "code" in message}
    tokens = {
        morsel.value
        for response in [*responses, created]
        for morsel in response.cookies.values()
        if morsel.key in TOKEN_COOKIES and morsel.value
    }
    assert len(codes) >= 3
    assert len(tokens) >= 6
    assert len(caught) >= 1
    for secret in (*codes, *tokens):
        assert secret not in created.content.decode()
    for response in responses:
        body = response.content.decode()
        for secret in (*shown_once, *codes, *tokens):
            assert secret not in body
    text = " ".join(
        f"{record.getMessage()} {record.args!r}"
        for record in caplog.records
        if not record.name.startswith("stytch_discovery.testing")
    )
    stored = database_text()
    assert members["sms"] in stored  # the member links were written: the scan sees real rows
    for secret in (*shown_once, *codes, *tokens):
        assert secret not in text
        assert secret not in stored
        for error in caught:
            assert secret not in f"{error} {error!r}"
