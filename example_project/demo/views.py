"""The SPA page and the dev inbox it uses besides the app's API.

The page learns who is signed in from the app's ``GET session``; the index view only tells it
whether this browser holds any credential cookie at all, so a first visit asks nothing.
``dev_outbox`` is the dev inbox and ``dev_totp_code`` the dev authenticator app (the code the fake's
secret gives now): both exist only while the demo runs against the in-process fake.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import ApiError

from . import fake

# The endpoints the page calls, by URL name, so the page follows wherever the app is mounted.
API_URL_NAMES = {
    "csrf": "stytch_discovery:csrf",
    "send": "stytch_discovery:magic-link-send",
    "codeSend": "stytch_discovery:email-code-send",
    "codeAuthenticate": "stytch_discovery:email-code-authenticate",
    "organizations": "stytch_discovery:organization-list",
    "create": "stytch_discovery:organization-create",
    "exchange": "stytch_discovery:intermediate-session-exchange",
    "session": "stytch_discovery:session",
    "switch": "stytch_discovery:session-exchange",
    "logout": "stytch_discovery:logout",
    "mfaSmsSend": "stytch_discovery:mfa-sms-send",
    "mfaSmsAuthenticate": "stytch_discovery:mfa-sms-authenticate",
    "mfaTotpCreate": "stytch_discovery:mfa-totp-create",
    "mfaTotpAuthenticate": "stytch_discovery:mfa-totp-authenticate",
    "mfaRecover": "stytch_discovery:mfa-recovery-code-recover",
    "primaryCodeSend": "stytch_discovery:primary-email-code-send",
    "primaryCodeAuthenticate": "stytch_discovery:primary-email-code-authenticate",
    "primaryLinkSend": "stytch_discovery:primary-magic-link-send",
    "outbox": "dev-outbox",
    "devTotp": "dev-totp-code",
}


def holds_credential(request: HttpRequest) -> bool:
    """Whether any of the app's credential cookies (or the pending step's) came with the request."""
    names = (
        app_settings.IST_COOKIE_NAME,
        app_settings.SESSION_COOKIE_NAME,
        app_settings.SESSION_JWT_COOKIE_NAME,
        app_settings.PENDING_COOKIE_NAME,
    )
    return any(request.COOKIES.get(name) for name in names)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    config = {
        "urls": {key: reverse(name) for key, name in API_URL_NAMES.items()},
        "devInbox": fake.running() is not None,
        "holdsCredential": holds_credential(request),
        "entryPoints": entry_points(),
    }
    return render(request, "demo/index.html", {"config": config})


NOT_WITHOUT_THE_FAKE = JsonResponse(
    {"code": "not_found", "message": "The dev tools exist only while the demo runs on the fake Stytch."},
    status=404,
)
#: The buttons' labels of the OAuth providers this app can start.
PROVIDER_LABELS = {"google": "Google", "microsoft": "Microsoft"}


def entry_points() -> dict[str, Any]:
    """The sign-in screen's ways in besides the magic link: those the app's settings turn on."""
    return {
        "emailCodes": app_settings.EMAIL_CODES_ENABLED,
        "oauth": [
            {
                "provider": provider,
                "label": PROVIDER_LABELS.get(provider, provider),
                "url": reverse(f"stytch_discovery:oauth-{provider}-start"),
            }
            for provider in app_settings.OAUTH_PROVIDERS
        ],
    }


#: What an inbox or a phone would show of each message the fake "sent".
SHOWN = ("kind", "email_address", "phone_number", "url", "code", "sent_at")


@require_GET
def dev_outbox(request: HttpRequest) -> JsonResponse:
    """The links and codes the fake "sent" (emails and texts), newest first."""
    running = fake.running()
    if running is None:
        return NOT_WITHOUT_THE_FAKE
    messages = [
        {key: message[key] for key in SHOWN if key in message} for message in reversed(running.outbox())
    ]
    return JsonResponse({"messages": messages[:20]})


@require_GET
def dev_totp_code(request: HttpRequest) -> JsonResponse:
    """The code the member's authenticator app would show now, from the fake's secret (dev only)."""
    running = fake.running()
    if running is None:
        return NOT_WITHOUT_THE_FAKE
    member_id = request.GET.get("member_id", "")
    try:
        code = running.app.control.totp_code(member_id)
    except ApiError as error:
        return JsonResponse({"code": error.error_type, "message": error.message}, status=404)
    return JsonResponse(code)
