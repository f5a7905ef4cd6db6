"""The discovery magic-link endpoints: send a link, and the link's target."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.views import keep_intermediate_session
from stytch_discovery.internal.http import openapi
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.internal.http.links import ERROR_PARAMETER, LinkTargetView

from . import services
from .serializers import MagicLinkQuerySerializer, MagicLinkSentSerializer, SendMagicLinkRequestSerializer

__all__ = ["ERROR_PARAMETER", "MagicLinkAuthenticateView", "SendMagicLinkView"]


class SendMagicLinkView(StytchDiscoveryView):
    """``POST discovery/magic-links/send``: emails a discovery magic link."""

    throttle_scope = "stytch_discovery.send"
    email_throttle_scope = "stytch_discovery.email_send"

    @openapi.document(
        summary="Send a discovery magic link",
        request=SendMagicLinkRequestSerializer,
        responses={200: MagicLinkSentSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, *openapi.STYTCH_ERRORS),
    )
    def post(self, request: Request) -> Response:
        body = self.validated(SendMagicLinkRequestSerializer)
        self.throttle_email(body["email_address"])
        redirect_url = self.own_url("magic-link-authenticate", app_settings.DISCOVERY_REDIRECT_URL)
        result = services.send_discovery_magic_link(discovery_redirect_url=redirect_url, **body)
        return Response(MagicLinkSentSerializer({"email_address": result.email_address, "sent": True}).data)


class MagicLinkAuthenticateView(LinkTargetView):
    """``GET discovery/magic-links/authenticate?token=...``: the link's target.

    Trades the token for an IST, keeps it in the HttpOnly IST cookie and redirects to
    ``LOGIN_REDIRECT_URL`` (or an allowed ``next``). Failures redirect there too, with
    ``?stytch_discovery_error=<code>``; the token is never rendered.
    """

    throttle_scope = "stytch_discovery.authenticate"
    query_serializer = MagicLinkQuerySerializer

    @LinkTargetView.document(
        summary="Magic-link target: sets the IST cookie and redirects to the SPA",
        query=MagicLinkQuerySerializer,
    )
    @sensitive_variables("result")
    def get(self, request: Request) -> HttpResponseRedirect:
        result = services.authenticate_discovery_magic_link(token=self.link_token(), user=self.service_user())
        return keep_intermediate_session(self.redirect(), result)
