"""``StytchSessionMiddleware``: the Stytch member session for every view, DRF or not.

Sets ``request.stytch`` (the verified ``MemberSession``, or None) and, when there is one,
``request.user`` (the member's Django user, looked up only when used); writes a JWT that Stytch
refreshed back to the cookies, and deletes a dead session's. Place it after Django's
``AuthenticationMiddleware`` (system check W008). A request whose session is invalid, or whose
expired JWT Stytch could not refresh, goes on as anonymous: the view decides what that means.
``Authorization: Bearer`` requests with a valid JWT skip Django's CSRF check (a browser never
sends that header by itself); cookie-borne ones do not. A view (or its template) reading
``request.user`` of a member Stytch must name and cannot is answered with the documented refusal
(``requests.request_user``), in the error shape, not a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from stytch_discovery.exceptions import StytchDiscoveryError, StytchDiscoveryInvalidSession
from stytch_discovery.internal.http import cookies, outages
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.sessions import refusals
from stytch_discovery.sessions.requests import authenticate_request, lazy_user

logger = logging.getLogger("stytch_discovery.sessions")

_ANONYMOUS = "StytchSessionMiddleware let the request go on anonymous"


class StytchSessionMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.stytch = None  # type: ignore[attr-defined]
        try:
            verified = authenticate_request(request)
        except StytchDiscoveryInvalidSession:
            verified = None  # its cookies are deleted with the response
        except StytchDiscoveryError as error:
            logger.warning("Stytch session not verified (%s); the request goes on anonymous", error)
            # The view answers, not us: nothing to keep off Django's request logger.
            outages.report(outages.answer_of(error), _ANONYMOUS, error)
            verified = None
        if verified is not None:
            request.user = lazy_user(request, verified)  # type: ignore[assignment]
            if verified.credential.bearer:
                # Django's CsrfViewMiddleware honours this flag (its test client sets it too).
                request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        refusals.answered(request, response)  # a middleware of the host's may read request.user yet
        cookies.apply_deferred(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        # Django asks this for what the view, or the rendering of its answer, raised. A Problem is
        # this package's refusal (request.user of a member Stytch could not name); DRF answers
        # its own views' before this, except what their rendering raises.
        if isinstance(exception, Problem):
            return refusals.refusal_of(exception)
        return None
