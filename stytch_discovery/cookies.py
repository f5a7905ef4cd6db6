"""Token transport between the browser and the views: which token a request carries, and cookies.

Tokens live in HttpOnly cookies so the SPA's JavaScript never holds one. Flags come from the
``COOKIE_*`` settings; every cookie is set and deleted with the same path and domain, or the
browser would keep a stale copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from .conf import app_settings
from .errors import Problem
from .serializers import MAX_JWT_LENGTH, MAX_TOKEN_LENGTH, TOKEN_RE
from .types import MemberAuthentication

#: The cookie the Stytch frontend SDK stores the IST in (JS-readable, so read as a fallback).
SDK_IST_COOKIE_NAME = "stytch_intermediate_session_token"
#: Stytch's documented IST lifetime, used when an answer does not say when the IST expires.
IST_MAX_AGE = 600

# Request field names, not secrets.
IST = "intermediate_session_token"
SESSION_TOKEN = "session_token"  # noqa: S105
SESSION_JWT = "session_jwt"


@dataclass(frozen=True)
class Credential:
    """One token and where it came from (``cookie`` is None for the JSON body)."""

    kind: str
    token: str = field(repr=False)
    cookie: str | None = None

    @property
    def is_intermediate(self) -> bool:
        return self.kind == IST

    def token_if(self, kind: str) -> str | None:
        """The token when it is of ``kind``: one keyword per kind for the service call."""
        return self.token if self.kind == kind else None


def _from_cookie(request: HttpRequest, name: str, kind: str) -> Credential | None:
    value = request.COOKIES.get(name)
    if not value:
        return None
    limit = MAX_JWT_LENGTH if kind == SESSION_JWT else MAX_TOKEN_LENGTH
    if len(value) > limit or not TOKEN_RE.match(value):
        # A mangled cookie cannot be a token Stytch issued: refuse without asking Stytch.
        raise Problem(401, "intermediate_session_invalid" if kind == IST else "session_invalid")
    return Credential(kind=kind, token=value, cookie=name)


def intermediate_session_cookies() -> list[str]:
    names = [app_settings.IST_COOKIE_NAME]
    if app_settings.ACCEPT_SDK_IST_COOKIE:
        names.append(SDK_IST_COOKIE_NAME)
    return names


def intermediate_session(request: HttpRequest, body: Mapping[str, Any]) -> Credential | None:
    """The IST: from the body, else the app's cookie, else the Stytch SDK's cookie."""
    if body.get(IST):
        return Credential(kind=IST, token=body[IST])
    for name in intermediate_session_cookies():
        credential = _from_cookie(request, name, IST)
        if credential is not None:
            return credential
    return None


def any_session(request: HttpRequest, body: Mapping[str, Any]) -> Credential | None:
    """For listing: a body token, else an IST cookie, else the member-session cookies."""
    for kind in (IST, SESSION_TOKEN, SESSION_JWT):
        if body.get(kind):
            return Credential(kind=kind, token=body[kind])
    return intermediate_session(request, {}) or member_session(request)


def member_session(request: HttpRequest) -> Credential | None:
    """The member session from its cookies: the session token, else the session JWT."""
    for name, kind in (
        (app_settings.SESSION_COOKIE_NAME, SESSION_TOKEN),
        (app_settings.SESSION_JWT_COOKIE_NAME, SESSION_JWT),
    ):
        found = _from_cookie(request, name, kind)
        if found is not None:
            return found
    return None


def _seconds_until(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return max(0, int((moment - timezone.now()).total_seconds()))


def _set(response: HttpResponseBase, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=app_settings.COOKIE_PATH,
        domain=app_settings.COOKIE_DOMAIN,
        secure=app_settings.COOKIE_SECURE,
        httponly=True,
        # checks.py guarantees one of Django's accepted values.
        samesite=cast(Literal["Lax", "Strict", "None"], app_settings.COOKIE_SAMESITE),
    )


def delete(response: HttpResponseBase, *names: str) -> None:
    for name in names:
        _set(response, name, "", 0)


def set_intermediate_session(response: HttpResponseBase, token: str, expires_at: datetime | None) -> None:
    max_age = _seconds_until(expires_at)
    _set(response, app_settings.IST_COOKIE_NAME, token, IST_MAX_AGE if max_age is None else max_age)


def store_authentication(
    response: HttpResponseBase, request: HttpRequest, result: MemberAuthentication
) -> None:
    """After create/exchange: a session into the session cookies, or the fresh IST into its cookie.

    The IST used is spent either way, so the IST cookies the request carried are cleared first.
    """
    delete(response, *(name for name in intermediate_session_cookies() if name in request.COOKIES))
    if result.member_authenticated:
        max_age = _seconds_until(result.member_session.expires_at if result.member_session else None)
        _set(response, app_settings.SESSION_COOKIE_NAME, result.session_token, max_age)
        _set(response, app_settings.SESSION_JWT_COOKIE_NAME, result.session_jwt, max_age)
    elif result.intermediate_session_token:
        set_intermediate_session(
            response, result.intermediate_session_token, result.intermediate_session_token_expires_at
        )


def all_names() -> list[str]:
    return [
        *intermediate_session_cookies(),
        app_settings.SESSION_COOKIE_NAME,
        app_settings.SESSION_JWT_COOKIE_NAME,
    ]
