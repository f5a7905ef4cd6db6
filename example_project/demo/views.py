"""The SPA page and the two helper endpoints it uses besides the app's API.

``me`` shows how a host project uses the session cookie the app sets: it asks Stytch whether
the session is live (``services.authenticate_session``) before trusting it. ``dev_outbox``
is the dev inbox: it exists only while the demo runs against the in-process fake Stytch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from stytch_discovery import services
from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryAPIError, StytchDiscoveryError

from . import fake

# Only these fields leave the server: Stytch's answer also carries the session token and JWT.
ORGANIZATION_FIELDS = ("organization_id", "organization_name", "organization_slug", "mfa_policy")
MEMBER_FIELDS = ("member_id", "email_address", "name", "status", "is_admin")
SESSION_FIELDS = ("organization_id", "organization_slug", "started_at", "expires_at", "roles")

# The endpoints the page calls, by URL name, so the page follows wherever the app is mounted.
API_URL_NAMES = {
    "csrf": "stytch_discovery:csrf",
    "send": "stytch_discovery:magic-link-send",
    "organizations": "stytch_discovery:organization-list",
    "create": "stytch_discovery:organization-create",
    "exchange": "stytch_discovery:intermediate-session-exchange",
    "logout": "stytch_discovery:logout",
    "me": "me",
    "outbox": "dev-outbox",
}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    config = {
        "urls": {key: reverse(name) for key, name in API_URL_NAMES.items()},
        "devInbox": fake.running() is not None,
    }
    return render(request, "demo/index.html", {"config": config})


def _pick(data: Any, fields: tuple[str, ...]) -> dict[str, Any] | None:
    if not isinstance(data, Mapping):
        return None
    return {field: data.get(field) for field in fields}


def _error(status: int, code: str, message: str, stytch: StytchDiscoveryError | None = None) -> JsonResponse:
    """The app's documented error shape, so the page handles every answer the same way."""
    api_error = stytch if isinstance(stytch, StytchDiscoveryAPIError) else None
    return JsonResponse(
        {
            "code": code,
            "message": message,
            "fields": {},
            "stytch_error_type": api_error.error_type if api_error else None,
            "stytch_request_id": (stytch.request_id or None) if stytch else None,
        },
        status=status,
    )


@require_GET
def me(request: HttpRequest) -> JsonResponse:
    """The signed-in member and organization, from the session cookie checked with Stytch."""
    token = request.COOKIES.get(app_settings.SESSION_COOKIE_NAME)
    jwt = request.COOKIES.get(app_settings.SESSION_JWT_COOKIE_NAME)
    if not token and not jwt:
        return _error(401, "not_signed_in", "You are not signed in to an organization.")
    try:
        result = (
            services.authenticate_session(session_token=token)
            if token
            else services.authenticate_session(session_jwt=jwt)
        )
    except StytchDiscoveryAPIError as error:
        if error.status_code in (401, 404):
            return _error(401, "session_invalid", "Your session has ended; please sign in again.", error)
        return _error(502, "stytch_rejected", "Stytch could not check your session.", error)
    except StytchDiscoveryError as error:
        return _error(502, "stytch_unavailable", "Stytch could not be reached to check your session.", error)
    return JsonResponse(
        {
            "organization": _pick(result.organization.raw, ORGANIZATION_FIELDS),
            "member": _pick(result.member.raw, MEMBER_FIELDS),
            "member_session": _pick(result.member_session.raw, SESSION_FIELDS),
        }
    )


@require_GET
def dev_outbox(request: HttpRequest) -> JsonResponse:
    """The magic links the fake "sent", newest first (the link is what an inbox would show)."""
    running = fake.running()
    if running is None:
        return _error(404, "not_found", "The dev inbox exists only while the demo runs on the fake Stytch.")
    messages = [
        {"email_address": message["email_address"], "url": message["url"], "sent_at": message["sent_at"]}
        for message in reversed(running.outbox())
    ]
    return JsonResponse({"messages": messages[:20]})
