"""``StytchSessionAuthentication``: DRF authentication by the Stytch member session.

``request.user`` becomes the member's Django user (looked up only when used), ``request.auth``
and ``request.stytch`` the verified ``MemberSession``. A request without a session credential
is left to the next authentication class; a bad one is a 401 in the documented error shape,
under DRF's default exception handler too. Cookie-borne sessions need CSRF on unsafe methods,
as Django's own session does; ``Authorization: Bearer`` callers do not.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from stytch_discovery.exceptions import StytchDiscoveryError, StytchDiscoveryInvalidSession
from stytch_discovery.internal.http import guards

# Imported for its effect: drf-spectacular (when installed) learns to document this class wherever
# it is used, a host project's own views included.
from stytch_discovery.internal.http import openapi as _openapi  # noqa: F401
from stytch_discovery.internal.http.errors import AuthenticationProblem, problem_for
from stytch_discovery.sessions.requests import CHALLENGE, authenticate_request, lazy_user


class StytchSessionAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        try:
            verified = authenticate_request(request._request)
        except StytchDiscoveryInvalidSession as error:
            raise AuthenticationProblem("session_invalid") from error
        except StytchDiscoveryError as error:
            # Stytch had to refresh an expired JWT and could not: its documented status, not a 500.
            raise problem_for(error) from error
        if verified is None:
            return None
        if not verified.credential.bearer:
            guards.enforce_csrf(request._request)
        return lazy_user(verified), verified.authentication.member_session

    def authenticate_header(self, request: Request) -> str:
        return CHALLENGE
