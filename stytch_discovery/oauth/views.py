"""The OAuth discovery endpoints: the start (a redirect to Stytch) and the callback.

Both are browser navigations and end on the SPA: success and failure redirect to ``next`` (given
to the start, kept with its state) or ``LOGIN_REDIRECT_URL``, a failure with
``?stytch_discovery_error=<code>``. The callback refuses, without a Stytch call, a browser that
holds no started flow (``oauth_state_missing``) or one already used (``oauth_state_used``); Stytch
refuses a verifier that does not fit the token, i.e. a flow started in another browser
(``oauth_state_mismatch``).
"""

from __future__ import annotations

from typing import ClassVar

from django.http import HttpResponseRedirect
from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request

from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.views import keep_intermediate_session
from stytch_discovery.exceptions import StytchDiscoveryAPIError
from stytch_discovery.internal.http import openapi
from stytch_discovery.internal.http.errors import ErrorAnswer, Problem, stytch_answer
from stytch_discovery.internal.http.links import BrowserRedirectView, LinkTargetView

from . import services, state
from .serializers import OAuthCallbackQuerySerializer

#: Stytch's PKCE refusals: the verifier (this browser's flow) does not fit the token (another's).
PKCE_ERRORS = frozenset({"pkce_mismatch", "pkce_expected_code_verifier", "pkce_did_not_expect_code_verifier"})


class OAuthStartView(BrowserRedirectView):
    """``GET discovery/oauth/<provider>/start``: to the provider through Stytch, PKCE and state set."""

    #: Set per route (``as_view(provider=...)``).
    provider: ClassVar[str] = ""
    throttle_scope = "stytch_discovery.redirect_start"

    @openapi.document(
        summary="Start OAuth discovery: redirects to Stytch, which sends the browser to the provider",
        responses={302: openapi.redirect_response("To Stytch's OAuth start; to the SPA with the error.")},
        errors=(405,),
        parameters=openapi.query_parameters(
            ("next", False, "Where to go after the callback: a path, or a URL on an allowed host."),
        ),
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        if self.provider not in app_settings.OAUTH_PROVIDERS:
            raise Problem("entry_point_disabled")
        start = state.begin(provider=self.provider, next_url=self.redirect_target())
        callback = self.own_url("oauth-discovery-authenticate", app_settings.OAUTH_DISCOVERY_REDIRECT_URL)
        url = services.oauth_discovery_start_url(
            provider=self.provider,
            discovery_redirect_url=callback,
            pkce_code_challenge=start.code_challenge,
            custom_scopes=app_settings.oauth_custom_scopes(self.provider),
            provider_params=app_settings.oauth_provider_params(self.provider),
        )
        response = HttpResponseRedirect(url)
        response["Referrer-Policy"] = "no-referrer"
        state.remember(response, start)
        return response


class OAuthAuthenticateView(LinkTargetView):
    """``GET discovery/oauth/authenticate?token=...``: the callback Stytch sends the browser to.

    Trades the token, with the verifier of the flow this browser started, for an IST (kept in
    its HttpOnly cookie) and redirects to the SPA; the token is never rendered, and the state
    cookie goes either way.
    """

    throttle_scope = "stytch_discovery.authenticate"
    query_serializer = OAuthCallbackQuerySerializer
    start: state.OAuthStart | None = None

    @LinkTargetView.document(
        summary="OAuth discovery callback: sets the IST cookie and redirects to the SPA",
        query=OAuthCallbackQuerySerializer,
        with_next=False,
    )
    @sensitive_variables("token", "result")
    def get(self, request: Request) -> HttpResponseRedirect:
        token = self.link_token()
        self.start = state.take(self.django_request)
        result = services.authenticate_discovery_oauth(
            discovery_oauth_token=token,
            pkce_code_verifier=self.start.code_verifier,
            user=self.service_user(),
        )
        return keep_intermediate_session(self.redirect(), result)

    def redirect_target(self) -> str:
        """The ``next`` the start was given (checked again), else ``LOGIN_REDIRECT_URL``."""
        return self.safe_next(self.start.next_url if self.start else "")

    def redirect(self, **params: str) -> HttpResponseRedirect:
        response = super().redirect(**params)
        state.forget(response, self.django_request)
        return response

    def error_answer(self, exc: Exception) -> ErrorAnswer | None:
        if isinstance(exc, StytchDiscoveryAPIError) and exc.error_type in PKCE_ERRORS:
            return stytch_answer(exc, "oauth_state_mismatch")
        return super().error_answer(exc)
