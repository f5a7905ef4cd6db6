"""SSO and OAuth as the primary step: a start that sends the browser to Stytch, a callback it
comes back to (the start's state and PKCE: ``primary.redirects``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.http import HttpResponseRedirect
from django.views.decorators.debug import sensitive_variables
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryAPIError
from stytch_discovery.internal.http import openapi
from stytch_discovery.internal.http.errors import ErrorAnswer, Problem
from stytch_discovery.primary import redirects, services
from stytch_discovery.primary.serializers import (
    OAuthQuerySerializer,
    RedirectQuerySerializer,
    SsoQuerySerializer,
    SsoStartQuerySerializer,
)
from stytch_discovery.sessions.types import MemberAuthentication

from .base import PrimaryNavigationView

#: Stytch error types with a meaning of their own on the SSO and OAuth callbacks. The PKCE ones
#: say the token came back to a browser that did not start it; the OAuth ones are kept here rather
#: than in ``stytch_errors.STYTCH_ERROR_TYPES``, whose OAuth entries are about discovery's callback.
CALLBACK_ERROR_TYPES: dict[str, str] = {
    "pkce_mismatch": "redirect_state_invalid",
    "pkce_expected_code_verifier": "redirect_state_invalid",
    "pkce_did_not_expect_code_verifier": "redirect_state_invalid",
    "oauth_token_not_found": "redirect_token_invalid",
    "expired_oauth_response": "redirect_token_invalid",
    "oauth_flow_callback_error": "identity_provider_error",
    "oauth_non_discovery_flow_callback_error": "identity_provider_error",
    "oauth_auth_code_error": "identity_provider_error",
    "oauth_invalid_callback_request": "identity_provider_error",
    "oauth_invalid_state": "identity_provider_error",
    "oauth_state_mismatch": "identity_provider_error",
    "oauth_state_used": "identity_provider_error",
    "oauth_unverified_email": "identity_provider_error",
    "oauth_app_not_authorized": "identity_provider_error",
    "unable_to_authorize_oauth_provider": "identity_provider_error",
    "invalid_google_hosted_domain_error": "identity_provider_error",
    "invalid_oauth_tenant_for_jit_provisioning": "organization_access_denied",
    "no_match_for_provided_oauth_url": "stytch_misconfigured",
    "invalid_login_oauth_url": "stytch_misconfigured",
    "invalid_signup_oauth_url": "stytch_misconfigured",
    "oauth_config_not_found": "stytch_misconfigured",
    "oauth_token_exchange_invalid_client": "stytch_misconfigured",
    "oauth_token_exchange_unauthorized_client": "stytch_misconfigured",
    "oauth_token_exchange_microsoft_expired_secret": "stytch_misconfigured",
    "oauth_token_exchange_microsoft_invalid_secret": "stytch_misconfigured",
}


def start_document(
    summary: str, query: type[serializers.Serializer[Any]] | None = None
) -> Callable[[Any], Any]:
    return openapi.document(
        summary=summary,
        responses={
            302: openapi.redirect_response(
                "To Stytch; on failure to the SPA with stytch_discovery_error=<code>."
            )
        },
        errors=(405,),
        parameters=openapi.query_parameters(
            ("next", False, "Where to land afterwards: a path, or a URL on an allowed host."),
            serializer=query,
        ),
    )


def callback_document(summary: str, query: type[RedirectQuerySerializer]) -> Callable[[Any], Any]:
    return openapi.document(
        summary=summary,
        responses={302: openapi.redirect_response("To the SPA; stytch_discovery_error=<code> on failure.")},
        errors=(405,),
        parameters=openapi.query_parameters(serializer=query),
    )


class RedirectStartView(PrimaryNavigationView):
    """Base of ``primary/sso/start`` and ``primary/oauth/<provider>/start``: no Stytch call.

    It records the start (``redirects``: the state in a cookie, the PKCE verifier derived from it)
    and sends the browser to Stytch's public start URL, which comes back to ``callback_name``.
    """

    # The scope of every start that sends the browser to an identity provider (OAuth discovery's
    # too), counted here per member of the step.
    throttle_scope = "stytch_discovery.redirect_start"
    kind: ClassVar[str]
    callback_name: ClassVar[str]

    def start(self, target: str, start_url: Callable[[str, str], str]) -> HttpResponseRedirect:
        """Send the browser to ``start_url(callback URL, PKCE challenge)`` for ``target``."""
        step = self.pending_step()
        if not app_settings.PUBLIC_TOKEN:
            raise Problem("stytch_not_configured")
        started = redirects.Started(
            kind=self.kind,
            target=target,
            ist_digest=step.ist_digest,
            member_id=step.member_id,
            landing=self.redirect_target(),
        )
        begun = redirects.begin(started, step)
        callback = self.own_url(self.callback_name)
        response = HttpResponseRedirect(start_url(callback, begun.challenge))
        begun.remember(response)
        return response


class SsoStartView(RedirectStartView):
    """``GET primary/sso/start[?connection_id=]``: sign in through the organization's SSO connection."""

    method = "sso"
    kind = redirects.SSO
    callback_name = "primary-sso-authenticate"

    @start_document(
        "Primary: start SSO through one of the organization's connections (redirects to Stytch)",
        SsoStartQuerySerializer,
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        query = SsoStartQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        connection_id = redirects.sso_connection(
            self.pending_step(), query.validated_data.get("connection_id")
        )
        return self.start(
            connection_id,
            lambda callback, challenge: services.sso_start_url(
                connection_id=connection_id, login_redirect_url=callback, pkce_code_challenge=challenge
            ),
        )


class OAuthStartView(RedirectStartView):
    """``GET primary/oauth/<provider>/start``: sign in to the organization with Google or Microsoft."""

    kind = redirects.OAUTH
    callback_name = "primary-oauth-authenticate"
    #: Set per route (``as_view(provider=...)``), with ``method`` its ``allowed_auth_methods`` value.
    provider: ClassVar[str] = ""

    @start_document("Primary: start OAuth with the provider, for the organization (redirects to Stytch)")
    def get(self, request: Request) -> HttpResponseRedirect:
        step = self.pending_step()
        if self.provider not in app_settings.OAUTH_PROVIDERS:
            raise Problem("auth_method_not_allowed", "This server does not offer that sign-in method.")
        return self.start(
            self.provider,
            lambda callback, challenge: services.oauth_start_url(
                provider=self.provider,
                organization_id=step.organization_id,
                login_redirect_url=callback,
                pkce_code_challenge=challenge,
                login_hint=step.email_address,
            ),
        )


class RedirectCallbackView(PrimaryNavigationView):
    """Base of ``primary/sso/authenticate`` and ``primary/oauth/authenticate``: Stytch's redirect back.

    The token is validated and scrubbed, the start is taken (once, from this browser's state
    cookie, for this step), then one Stytch call adds the factor to the step's IST with the PKCE
    verifier. The result must be the step's own member (the service's ``member_id``, checked before
    anything is recorded): then signed in, or the next step recorded.
    """

    throttle_scope = "stytch_discovery.authenticate"
    kind: ClassVar[str]
    _landing: str | None = None

    #: The service that adds the factor to the step's IST, and its name for the token.
    service: ClassVar[Callable[..., MemberAuthentication]]
    credential_keyword: ClassVar[str]

    def check_start(self, started: redirects.Started) -> None:
        """Refuse a start this callback may not finish, before the Stytch call (none by default)."""

    @sensitive_variables("token", "verifier")
    def authenticate(self, token: str, started: redirects.Started, verifier: str) -> MemberAuthentication:
        self.check_start(started)
        return self.service(
            **{self.credential_keyword: token},
            intermediate_session_token=self.step_ist(),
            pkce_code_verifier=verifier,
            user=self.service_user(),
            member_id=self.pending_step().member_id,
        )

    @sensitive_variables("token", "verifier", "result")
    def get(self, request: Request) -> HttpResponseRedirect:
        token = self.link_token()
        step = self.pending_step()
        started, verifier = redirects.take(self.django_request, kind=self.kind, step=step)
        self._landing = started.landing
        result = self.authenticate(token, started, verifier)
        self.check_way_forward(result)
        response = self.redirect()
        self.finish(response, result)
        return response

    def redirect_target(self) -> str:
        """Where the start said to land (its ``next``, checked then), else as any link target."""
        return self._landing or super().redirect_target()

    def error_answer(self, exc: Exception) -> ErrorAnswer | None:
        if isinstance(exc, StytchDiscoveryAPIError) and exc.error_type in CALLBACK_ERROR_TYPES:
            return ErrorAnswer.of(
                CALLBACK_ERROR_TYPES[exc.error_type],
                stytch_error_type=exc.error_type,
                stytch_request_id=exc.request_id or None,
            )
        return super().error_answer(exc)

    def forget_dead_credentials(self, response: HttpResponseRedirect, answer: ErrorAnswer) -> None:
        if answer.code != "redirect_token_invalid":  # about Stytch's token: the step stays, to retry
            super().forget_dead_credentials(response, answer)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        redirects.forget(response)  # taken or not, a state serves one callback
        return super().finalize_response(request, response, *args, **kwargs)


class SsoAuthenticateView(RedirectCallbackView):
    """``GET primary/sso/authenticate?stytch_token_type=sso&token=...``: where SSO comes back."""

    method = "sso"
    kind = redirects.SSO
    query_serializer = SsoQuerySerializer
    service = staticmethod(services.authenticate_sso)
    credential_keyword = "sso_token"

    @callback_document(
        "Primary: SSO's redirect back; sets the session (or the next step) and redirects", SsoQuerySerializer
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        return super().get(request)


class OAuthAuthenticateView(RedirectCallbackView):
    """``GET primary/oauth/authenticate?stytch_token_type=oauth&token=...``: where OAuth comes back."""

    kind = redirects.OAUTH
    query_serializer = OAuthQuerySerializer
    service = staticmethod(services.authenticate_oauth)
    credential_keyword = "oauth_token"

    @callback_document(
        "Primary: OAuth's redirect back; sets the session (or the next step) and redirects",
        OAuthQuerySerializer,
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        return super().get(request)

    def check_start(self, started: redirects.Started) -> None:
        if f"{started.target}_oauth" not in self.pending_step().primary_auth_methods:
            raise Problem("auth_method_not_allowed")
