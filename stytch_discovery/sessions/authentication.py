"""``StytchSessionAuthentication``: DRF authentication by the Stytch member session.

``request.user`` becomes the member's Django user (looked up only when used), ``request.auth``
and ``request.stytch`` the verified ``MemberSession``. A request without a session credential
is left to the next authentication class; a bad one is a 401 in the documented error shape,
under DRF's default exception handler too. Cookie-borne sessions need CSRF on unsafe methods,
as Django's own session does; ``Authorization: Bearer`` callers do not. The cookie changes
verifying decides (a JWT Stytch refreshed, a dead session's cookies deleted) go out with the
view's answer, with or without ``StytchSessionMiddleware``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from stytch_discovery.exceptions import StytchDiscoveryError, StytchDiscoveryInvalidSession
from stytch_discovery.internal.http import cookies, guards, outages

# Imported for its effect: drf-spectacular (when installed) learns to document this class wherever
# it is used, a host project's own views included.
from stytch_discovery.internal.http import openapi as _openapi  # noqa: F401
from stytch_discovery.internal.http.errors import AuthenticationProblem, Problem
from stytch_discovery.sessions.requests import CHALLENGE, authenticate_request, lazy_user


class StytchSessionAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        try:
            verified = authenticate_request(request._request)
        except StytchDiscoveryInvalidSession as error:
            raise AuthenticationProblem("session_invalid") from error
        except StytchDiscoveryError as error:
            # Stytch had to refresh an expired JWT and could not: its documented status, not a 500,
            # logged here (the host's view does not), once a minute at ERROR when every request fails.
            answer = outages.refused(request._request, error)
            raise Problem(answer.code) from error
        finally:
            _write_cookie_changes_with_the_answer(request)
        if verified is None:
            return None
        if not verified.credential.bearer:
            guards.enforce_csrf(request._request)
        return lazy_user(verified), verified.authentication.member_session

    def authenticate_header(self, request: Request) -> str:
        return CHALLENGE


def _write_cookie_changes_with_the_answer(request: Request) -> None:
    """Have the view that authenticates ``request`` put its deferred cookie changes on its answer.

    Authentication runs before there is a response, and without the middleware nothing of ours
    stands between the view and the browser. The view does: DRF's ``APIView`` names itself in
    every request's ``parser_context``, and its ``dispatch`` passes every answer, a refusal's
    included, through ``finalize_response``; ``as_view`` makes one instance per request, so that
    method is wrapped on this request's instance alone. Authenticated only after the view answered
    (a lazy ``perform_authentication``, then the browsable API's renderer reading ``request.user``),
    the answer is not sent yet either: the changes go on it at once. Applying them empties the
    list, so the middleware or the package's base view finding them applied writes nothing twice.
    (A failure reported once a minute marks the answer as logged the same way: ``outages``.)
    """
    view: Any = (request.parser_context or {}).get("view")
    finalize = getattr(view, "finalize_response", None)
    if finalize is None:
        return  # a Request made by hand: StytchSessionMiddleware, when installed, writes them
    answered = getattr(view, "response", None)
    if isinstance(answered, HttpResponseBase):
        cookies.apply_deferred(request._request, answered)
        return

    def finalize_response(drf_request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = finalize(drf_request, response, *args, **kwargs)
        cookies.apply_deferred(drf_request._request, response)
        return response

    view.finalize_response = finalize_response
