"""The discovery magic-link endpoints: send a link, and the link's target."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_variables
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import cookies, openapi, reporting
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.internal.net import is_loopback, namespaced, with_query

from . import services
from .serializers import MagicLinkQuerySerializer, MagicLinkSentSerializer, SendMagicLinkRequestSerializer

#: The query parameter the magic-link view adds to its redirect when something failed.
ERROR_PARAMETER = "stytch_discovery_error"


class SendMagicLinkView(StytchDiscoveryView):
    """``POST discovery/magic-links/send``: emails a discovery magic link."""

    throttle_scope = "stytch_discovery.send"

    @openapi.document(
        summary="Send a discovery magic link",
        request=SendMagicLinkRequestSerializer,
        responses={200: MagicLinkSentSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, *openapi.STYTCH_ERRORS),
    )
    def post(self, request: Request) -> Response:
        body = self.validated(SendMagicLinkRequestSerializer)
        redirect_url = app_settings.DISCOVERY_REDIRECT_URL or request.build_absolute_uri(
            reverse(namespaced(self.django_request, "magic-link-authenticate"))
        )
        result = services.send_discovery_magic_link(discovery_redirect_url=redirect_url, **body)
        return Response(MagicLinkSentSerializer({"email_address": result.email_address, "sent": True}).data)


class MagicLinkAuthenticateView(StytchDiscoveryView):
    """``GET discovery/magic-links/authenticate?token=...``: the link's target.

    Trades the token for an IST, keeps it in the HttpOnly IST cookie and redirects to
    ``LOGIN_REDIRECT_URL`` (or an allowed ``next``). Failures redirect there too, with
    ``?stytch_discovery_error=<code>``; the token is never rendered.
    """

    throttle_scope = "stytch_discovery.authenticate"

    def redirect_target(self) -> str:
        """``next`` when it stays on an allowed host (no open redirect), else ``LOGIN_REDIRECT_URL``."""
        candidate = self.request.query_params.get("next", "")
        if candidate:
            host = urlsplit(candidate).hostname
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
        return self.redirect(**{ERROR_PARAMETER: answer.code})  # type: ignore[return-value]

    @openapi.document(
        summary="Magic-link target: sets the IST cookie and redirects to the SPA",
        responses={302: openapi.redirect_response("To the SPA; stytch_discovery_error=<code> on failure.")},
        errors=(405,),
        parameters=openapi.query_parameters(
            ("token", True, "The discovery magic-link token Stytch put in the link."),
            ("stytch_token_type", False, "Must be 'discovery' when present."),
            ("next", False, "Where to go afterwards: a path, or a URL on an allowed host."),
        ),
    )
    @sensitive_variables("query", "result")
    def get(self, request: Request) -> HttpResponseRedirect:
        query = MagicLinkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        reporting.scrub_query_parameter(self.django_request, "token")
        result = services.authenticate_discovery_magic_link(
            token=query.validated_data["token"], user=self.service_user()
        )
        response = self.redirect()
        cookies.set_intermediate_session(
            response, result.intermediate_session_token, result.intermediate_session_token_expires_at
        )
        return response
