"""The base view of every endpoint: pinned DRF plumbing, request guards, one error path, logging.

The host project's ``REST_FRAMEWORK`` settings do not apply (JSON only, the session user,
CSRF for everyone, scoped throttles), and every failure becomes the documented error shape
here, so the feature views only say what they do. Views log the endpoint and the outcome
code, never a token (logger ``stytch_discovery.views``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views.decorators.debug import sensitive_post_parameters
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from stytch_discovery.internal.net import namespaced

from . import cookies, drf, guards, openapi, outages, reporting
from .code_budget import WRONG_ANSWERS, WrongCodeBudget
from .errors import CACHE_DOWN_CODES, ErrorAnswer, answer_for
from .fields import RequestSerializer
from .throttling import EmailAddressThrottle, StytchDiscoveryThrottle

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

logger = logging.getLogger("stytch_discovery.views")

#: What ``add_never_cache_headers`` writes into a response that has neither header yet (a test
#: checks that it still does).
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def never_cached(response: HttpResponseBase) -> None:
    """``add_never_cache_headers(response)``; for a response with neither ``Cache-Control`` nor
    ``Expires`` of its own (every answer here but a view's own choice), the two headers are
    written directly: Django's merge parses and rebuilds ``Cache-Control`` twice, 35 µs against 7."""
    if response.has_header("Cache-Control") or response.has_header("Expires"):
        add_never_cache_headers(response)
        return
    response.headers["Expires"] = http_date(time.time())
    response.headers["Cache-Control"] = NEVER_CACHE


class StytchDiscoveryView(APIView):
    """Base of every view here; the host project's ``REST_FRAMEWORK`` settings do not apply."""

    #: Marks the views the schema (``stytch_discovery.schema``) documents.
    is_stytch_discovery_endpoint: ClassVar[bool] = True

    parser_classes = [drf.StrictJSONParser]
    renderer_classes = [drf.ASCIIJSONRenderer]
    content_negotiation_class: type[BaseContentNegotiation] = drf.JSONOnlyNegotiation
    authentication_classes = [drf.SessionUserAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [StytchDiscoveryThrottle]
    metadata_class = None  # no OPTIONS self-description: the OpenAPI schema is the description
    schema = openapi.view_schema()
    throttle_scope: str | None = None
    #: A second scope, counted per email address by ``throttle_email`` (None: not counted).
    email_throttle_scope: str | None = None
    #: The bucket of wrong one-time codes ``code_attempt`` spends (a view that checks codes names one).
    code_budget_scope: str | None = None
    #: The token the request used, so a 401 can clear the cookie it came from.
    credential: cookies.Credential | None = None
    #: The error this request was answered with, once logged (so success is not logged too).
    failure: ErrorAnswer | None = None
    #: Whether that error's cause was reported (``outages``), so Django need not log the answer.
    failure_reported = False
    #: Token query parameters as they came, taken out of the request before anything else.
    query_tokens: dict[str, list[str]]

    @method_decorator(sensitive_post_parameters())
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        reporting.protect(request)
        # First: a validation error, a throttle or a crash below must find no live token to log.
        self.query_tokens = reporting.take_query_tokens(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def allowed_methods(self) -> list[str]:
        # OPTIONS is answered 405 (metadata_class = None), so the Allow header must not offer it.
        return [method for method in super().allowed_methods if method != "OPTIONS"]

    @property
    def django_request(self) -> HttpRequest:
        """The Django request under DRF's wrapper (cookies, META, the session)."""
        return self.request._request

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before CSRF and throttling, so a wrong method is a 405 and not a 403.
        if (request.method or "").upper() not in self.allowed_methods:
            raise MethodNotAllowed(request.method or "")
        guards.check_body_size(request._request)
        super().initial(request, *args, **kwargs)  # negotiation, authentication, permissions
        if request.method not in SAFE_METHODS:
            guards.check_json_body(request._request, self.get_parsers())
            guards.enforce_csrf(request._request)
            guards.check_no_token_in_query(request._request)
        # Last: a request refused above (a cross-site form post, a 415) must not spend the quota
        # of the caller it names, or a hostile page could lock a victim out.
        super().check_throttles(request)

    def check_throttles(self, request: Request) -> None:
        """Not where DRF calls it (inside ``APIView.initial``): :meth:`initial` throttles after the guards."""

    def service_user(self) -> AbstractBaseUser | None:
        user = self.request.user
        return user if user.is_authenticated else None

    def own_url(self, name: str, configured: str | None = None) -> str:
        """``configured`` when set, else the absolute URL of this app's view ``name``, in the URL
        namespace this request came through (where Stytch sends the browser back, typically)."""
        return configured or self.request.build_absolute_uri(reverse(namespaced(self.django_request, name)))

    def throttle_email(self, email_address: str) -> None:
        """Count this request against ``email_throttle_scope`` for ``email_address`` (429 when over)."""
        throttle = EmailAddressThrottle(email_address)
        if not throttle.allow_request(self.request, self):
            self.throttled(self.request, throttle.wait())

    @contextmanager
    def code_attempt(self, subject: str) -> Iterator[None]:
        """Around the Stytch call that checks a one-time code of ``subject`` (``email:…``,
        ``member:…``): refused with 429 ``code_attempts_exhausted``, before the call, once the
        subject's wrong-code budget is spent; spends it only when the code is answered wrong."""
        budget = WrongCodeBudget(subject)
        if not budget.allow_request(self.request, self):
            raise budget.refusal()
        try:
            yield
        except Exception as error:
            answer = self.error_answer(error)  # this view's reading of it (email_not_found: wrong)
            if answer is None or answer.code not in WRONG_ANSWERS:
                budget.take_back()
            raise
        budget.take_back()

    def validated(self, serializer_class: type[RequestSerializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def error_answer(self, exc: Exception) -> ErrorAnswer | None:
        """The documented answer for ``exc`` (None: not an expected failure, let it raise).

        Subclasses may map their own exceptions here before deferring to this.
        """
        return answer_for(exc)

    def handle_exception(self, exc: Exception) -> Response:
        answer = self.error_answer(exc)
        if answer is None:
            raise exc
        self.log_failure(answer, exc)
        set_rollback()  # as DRF's own handler does under ATOMIC_REQUESTS
        response = Response(answer.body(), status=answer.status)
        if answer.retry_after is not None:
            response["Retry-After"] = str(answer.retry_after)
        if self.failure_reported or answer.code in CACHE_DOWN_CODES:
            # Django's request logger logs every 5xx at ERROR (and mails it to the admins) unless
            # the response says it was logged: the failure was, once a minute (by ``log_failure``,
            # or where the cache failed).
            outages.mark_logged(response)
        challenge = self.get_authenticate_header(self.request) if answer.status == 401 else None
        if challenge:
            response["WWW-Authenticate"] = challenge
        if self.credential and self.credential.cookie and answer.status == 401:
            # The cookie's token is dead: drop it so the next request does not resend it.
            cookies.delete(response, self.credential.cookie)
        return response

    def log_failure(self, answer: ErrorAnswer, exc: Exception) -> None:
        """The request's own line; Stytch failing every request alike is also reported, once a minute."""
        self.failure = answer
        # Domain exceptions carry no token (exceptions.py), so their text is safe to log.
        detail = f": {exc}" if answer.log_level > logging.INFO else ""
        logger.log(
            answer.log_level,
            "stytch_discovery %s -> %d %s%s",
            self.endpoint_name,
            answer.status,
            answer.code,
            detail,
        )
        self.failure_reported = outages.report(answer, f"{self.endpoint_name} refused the request", exc)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Cookie changes authentication decided (a refreshed JWT, a dead session's cookies).
        cookies.apply_deferred(request._request, response)
        # Answers carry personal data and set credentials: no cache may keep them.
        never_cached(response)
        if self.failure is None:
            logger.info("stytch_discovery %s -> %d ok", self.endpoint_name, response.status_code)
        return response

    @property
    def endpoint_name(self) -> str:
        match = getattr(self.request, "resolver_match", None)
        return (match.url_name if match else None) or type(self).__name__
