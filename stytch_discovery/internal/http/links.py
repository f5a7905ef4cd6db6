"""Views an emailed link lands on: they answer with a redirect to the SPA, errors included.

``next`` may pick the redirect's target when it stays on an allowed host (no open redirect), else
``LOGIN_REDIRECT_URL``; a failure adds ``?stytch_discovery_error=<code>``. The answer carries
``Referrer-Policy: no-referrer``: the link's URL held a token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_variables
from rest_framework import serializers
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.net import is_loopback, with_query

from . import cookies, openapi
from .base import StytchDiscoveryView
from .errors import ErrorAnswer

#: The query parameter a link view adds to its redirect when something failed.
ERROR_PARAMETER = "stytch_discovery_error"
#: 401s about the link itself: they say nothing about the cookies the browser holds.
LINK_CODES = frozenset({"magic_link_invalid"})


class BrowserRedirectView(StytchDiscoveryView):
    """Base of the ``GET`` views a browser navigates to: they answer with a redirect to the SPA.

    Success and failure alike end on the SPA (``next`` or ``LOGIN_REDIRECT_URL``); a failure adds
    ``?stytch_discovery_error=<code>``.
    """

    def redirect_target(self) -> str:
        """``next`` when it stays on an allowed host (no open redirect), else ``LOGIN_REDIRECT_URL``."""
        return self.safe_next(self.request.query_params.get("next", ""))

    def safe_next(self, candidate: str) -> str:
        """``candidate`` when it stays on an allowed host (no open redirect), else ``LOGIN_REDIRECT_URL``."""
        if candidate:
            try:
                host = urlsplit(candidate).hostname
            except ValueError:  # "http://[", "https://[x]/": no URL at all, so nowhere to go
                return app_settings.LOGIN_REDIRECT_URL
            allowed = {self.django_request.get_host(), *app_settings.ALLOWED_REDIRECT_HOSTS}
            if url_has_allowed_host_and_scheme(
                candidate,
                allowed_hosts=allowed,
                require_https=not (settings.DEBUG or (host is not None and is_loopback(host))),
            ):
                return candidate
        return app_settings.LOGIN_REDIRECT_URL

    def redirect(self, **params: str) -> HttpResponseRedirect:
        response = HttpResponseRedirect(with_query(self.redirect_target(), **params))
        # The link's URL held the token: do not let the next page learn it as a referrer.
        response["Referrer-Policy"] = "no-referrer"
        return response

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, MethodNotAllowed):
            # Not a browser following the link: answer like every other view.
            return super().handle_exception(exc)
        answer = self.error_answer(exc)
        if answer is None:
            raise exc
        self.log_failure(answer, exc)
        response = self.redirect(**{ERROR_PARAMETER: answer.code})
        if answer.status == 401 and answer.code not in LINK_CODES:
            self.forget_dead_credentials(response, answer)
        return response  # type: ignore[return-value]

    def forget_dead_credentials(self, response: HttpResponseRedirect, answer: ErrorAnswer) -> None:
        """A 401 for a token read from a cookie: the cookie goes, as for the JSON views."""
        if self.credential is not None and self.credential.cookie:
            cookies.delete(response, self.credential.cookie)


class LinkTargetView(BrowserRedirectView):
    """Base of the ``GET`` views an emailed link points at."""

    #: The link's query string: ``token`` (required) and Stytch's ``stytch_token_type``.
    query_serializer: ClassVar[type[serializers.Serializer[Any]]]

    @sensitive_variables("query", "data")
    def link_token(self) -> str:
        """The link's token, validated (the base view took it out of the request on arrival)."""
        data = self.request.query_params.copy()
        for name, values in self.query_tokens.items():
            data.setlist(name, values)
        query = self.query_serializer(data=data)
        query.is_valid(raise_exception=True)
        return str(query.validated_data["token"])

    @staticmethod
    def document(
        *, summary: str, query: type[serializers.Serializer[Any]], with_next: bool = True
    ) -> Callable[[Any], Any]:
        """The OpenAPI description every link target shares: its ``query_serializer``'s fields."""
        landing = [("next", False, "Where to go afterwards: a path, or a URL on an allowed host.")]
        return openapi.document(
            summary=summary,
            responses={
                302: openapi.redirect_response("To the SPA; stytch_discovery_error=<code> on failure.")
            },
            errors=(405,),
            parameters=openapi.query_parameters(*(landing if with_next else []), serializer=query),
        )
