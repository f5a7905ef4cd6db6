"""The SPA page and the dev inbox it uses besides the app's API.

The page learns who is signed in from the app's ``GET session``; the index view only tells it
whether this browser holds any credential cookie at all, so a first visit asks nothing.
``dev_outbox`` is the dev inbox: it exists only while the demo runs against the in-process fake.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from stytch_discovery.conf import app_settings

from . import fake

# The endpoints the page calls, by URL name, so the page follows wherever the app is mounted.
API_URL_NAMES = {
    "csrf": "stytch_discovery:csrf",
    "send": "stytch_discovery:magic-link-send",
    "organizations": "stytch_discovery:organization-list",
    "create": "stytch_discovery:organization-create",
    "exchange": "stytch_discovery:intermediate-session-exchange",
    "session": "stytch_discovery:session",
    "switch": "stytch_discovery:session-exchange",
    "logout": "stytch_discovery:logout",
    "outbox": "dev-outbox",
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
    }
    return render(request, "demo/index.html", {"config": config})


@require_GET
def dev_outbox(request: HttpRequest) -> JsonResponse:
    """The magic links the fake "sent", newest first (the link is what an inbox would show)."""
    running = fake.running()
    if running is None:
        body = {
            "code": "not_found",
            "message": "The dev inbox exists only while the demo runs on the fake Stytch.",
        }
        return JsonResponse(body, status=404)
    messages = [
        {"email_address": message["email_address"], "url": message["url"], "sent_at": message["sent_at"]}
        for message in reversed(running.outbox())
    ]
    return JsonResponse({"messages": messages[:20]})
