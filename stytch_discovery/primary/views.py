"""The primary-authentication endpoints: an organization-scoped email magic link or email code,
and SSO or OAuth through the browser redirects that start them and Stytch's redirect back.

Each view takes the organization, the member's email and the IST from the pending primary step
(``sessions.views.PendingStepBaseView``), checks that the organization allows its method, then
makes one Stytch call (a start makes none: it sends the browser to Stytch). An authenticate that
meets the organization's requirements sets the session cookies; one that leaves MFA to do keeps
the same IST and records the MFA step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryAPIError
from stytch_discovery.internal.http import openapi
from stytch_discovery.internal.http.errors import ErrorAnswer, Problem
from stytch_discovery.internal.http.links import LinkTargetView
from stytch_discovery.internal.net import namespaced
from stytch_discovery.sessions import pending
from stytch_discovery.sessions.serializers import MemberAuthenticationSerializer
from stytch_discovery.sessions.types import MemberAuthentication
from stytch_discovery.sessions.views import PendingStepBaseView

from . import redirects, services
from .serializers import (
    EmailCodeRequestSerializer,
    EmailSentSerializer,
    MagicLinkQuerySerializer,
    OAuthQuerySerializer,
    SendRequestSerializer,
    SsoQuerySerializer,
    SsoStartQuerySerializer,
)

STEP_ERRORS = (*openapi.COMMON_POST_ERRORS, 401, 409, *openapi.STYTCH_ERRORS)


class PrimaryStepView(PendingStepBaseView):
    step_kind = pending.PRIMARY

    def sent(self) -> Response:
        data = {"email_address": self.pending_step().email_address, "sent": True}
        return Response(EmailSentSerializer(data).data)


class SendMagicLinkView(PrimaryStepView):
    """``POST primary/magic-links/send``: email the member a magic link for the organization."""

    method = "magic_link"
    throttle_scope = "stytch_discovery.code_send"

    @openapi.document(
        summary="Primary: email an organization magic link (to the pending step's member)",
        request=SendRequestSerializer,
        responses={200: EmailSentSerializer},
        errors=STEP_ERRORS,
    )
    def post(self, request: Request) -> Response:
        body = self.validated(SendRequestSerializer)
        step = self.pending_step()
        target = app_settings.PRIMARY_MAGIC_LINK_REDIRECT_URL or request.build_absolute_uri(
            reverse(namespaced(self.django_request, "primary-magic-link-authenticate"))
        )
        services.send_login_magic_link(
            organization_id=step.organization_id,
            email_address=step.email_address,
            login_redirect_url=target,
            signup_redirect_url=target,
            **body,
        )
        return self.sent()


class PrimaryNavigationView(LinkTargetView, PrimaryStepView):
    """Base of the primary-step views a browser navigates to: failures redirect to the SPA too.

    A 401 about the IST ends the step, so its cookie goes with the IST's.
    """

    def forget_dead_credentials(self, response: HttpResponseRedirect, answer: ErrorAnswer) -> None:
        super().forget_dead_credentials(response, answer)
        pending.forget(response)


class MagicLinkAuthenticateView(PrimaryNavigationView):
    """``GET primary/magic-links/authenticate?token=...``: the organization link's target.

    It must open in the browser that holds the pending step and its IST (the link is added to that
    IST). Then it redirects to ``LOGIN_REDIRECT_URL`` (or an allowed ``next``), signed in or with
    the next step recorded; failures redirect with ``?stytch_discovery_error=<code>``.
    """

    method = "magic_link"
    throttle_scope = "stytch_discovery.authenticate"
    query_serializer = MagicLinkQuerySerializer

    @LinkTargetView.document(
        summary="Primary: organization magic-link target; sets the session (or the next step) and redirects",
        link_type="multi_tenant_magic_links",
    )
    @sensitive_variables("token", "result")
    def get(self, request: Request) -> HttpResponseRedirect:
        token = self.link_token()
        self.pending_step()
        result = services.authenticate_magic_link(
            magic_links_token=token,
            intermediate_session_token=self.step_ist(),
            user=self.service_user(),
        )
        self.check_way_forward(result)
        response = self.redirect()
        self.finish(response, result)
        return response


class SendEmailCodeView(PrimaryStepView):
    """``POST primary/email-codes/send``: email the member a code for the organization."""

    method = "email_otp"
    throttle_scope = "stytch_discovery.code_send"

    @openapi.document(
        summary="Primary: email an organization code (to the pending step's member)",
        request=SendRequestSerializer,
        responses={200: EmailSentSerializer},
        errors=STEP_ERRORS,
    )
    def post(self, request: Request) -> Response:
        body = self.validated(SendRequestSerializer)
        step = self.pending_step()
        services.send_login_email_otp(
            organization_id=step.organization_id, email_address=step.email_address, **body
        )
        return self.sent()


class AuthenticateEmailCodeView(PrimaryStepView):
    """``POST primary/email-codes/authenticate``: the emailed code; may carry on to MFA."""

    method = "email_otp"
    throttle_scope = "stytch_discovery.code_attempt"

    @openapi.document(
        summary="Primary: finish with the emailed code (a session, or the MFA step next)",
        request=EmailCodeRequestSerializer,
        responses={200: MemberAuthenticationSerializer},
        errors=STEP_ERRORS,
    )
    @sensitive_variables("body", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(EmailCodeRequestSerializer)
        step = self.pending_step()
        result = services.authenticate_email_otp(
            organization_id=step.organization_id,
            email_address=step.email_address,
            intermediate_session_token=self.step_ist(),
            user=self.service_user(),
            **body,
        )
        return self.answer(result, status=200)


# --- SSO and OAuth: a start that sends the browser to Stytch, a callback it comes back to ---------

#: Stytch error types with a meaning of their own on the SSO and OAuth callbacks. The PKCE ones
#: say the token came back to a browser that did not start it; the OAuth ones are kept here rather
#: than in ``errors.STYTCH_ERROR_TYPES``, whose OAuth entries are about discovery's callback.
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


def start_document(summary: str, *extra: tuple[str, bool, str]) -> Callable[[Any], Any]:
    return openapi.document(
        summary=summary,
        responses={
            302: openapi.redirect_response(
                "To Stytch; on failure to the SPA with stytch_discovery_error=<code>."
            )
        },
        errors=(405,),
        parameters=openapi.query_parameters(
            *extra, ("next", False, "Where to land afterwards: a path, or a URL on an allowed host.")
        ),
    )


def callback_document(summary: str, token_type: str) -> Callable[[Any], Any]:
    return openapi.document(
        summary=summary,
        responses={302: openapi.redirect_response("To the SPA; stytch_discovery_error=<code> on failure.")},
        errors=(405,),
        parameters=openapi.query_parameters(
            ("token", True, "The token Stytch put in its redirect."),
            ("stytch_token_type", False, f"Must be '{token_type}' when present."),
        ),
    )


class RedirectStartView(PrimaryNavigationView):
    """Base of ``primary/sso/start`` and ``primary/oauth/<provider>/start``: no Stytch call.

    It records the start (``redirects``: the state in a cookie, the PKCE verifier derived from it)
    and sends the browser to Stytch's public start URL, which comes back to ``callback_name``.
    """

    throttle_scope = "stytch_discovery.authenticate"
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
        callback = self.request.build_absolute_uri(
            reverse(namespaced(self.django_request, self.callback_name))
        )
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
        (
            "connection_id",
            False,
            "One of the pending flow's sso_connections; default: the organization's default or only one.",
        ),
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
            ),
        )


class RedirectCallbackView(PrimaryNavigationView):
    """Base of ``primary/sso/authenticate`` and ``primary/oauth/authenticate``: Stytch's redirect back.

    The token is validated and scrubbed, the start is taken (once, from this browser's state
    cookie, for this step), then one Stytch call adds the factor to the step's IST with the PKCE
    verifier. The result must be the step's own member: then signed in, or the next step recorded.
    """

    throttle_scope = "stytch_discovery.authenticate"
    kind: ClassVar[str]
    _landing: str | None = None

    def authenticate(self, token: str, started: redirects.Started, verifier: str) -> MemberAuthentication:
        raise NotImplementedError

    @sensitive_variables("token", "verifier", "result")
    def get(self, request: Request) -> HttpResponseRedirect:
        token = self.link_token()
        step = self.pending_step()
        started, verifier = redirects.take(self.django_request, kind=self.kind, step=step)
        self._landing = started.landing
        result = self.authenticate(token, started, verifier)
        if (result.member_id, result.organization.organization_id) != (step.member_id, step.organization_id):
            raise Problem("identity_mismatch")
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

    @callback_document(
        "Primary: SSO's redirect back; sets the session (or the next step) and redirects", "sso"
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        return super().get(request)

    def authenticate(self, token: str, started: redirects.Started, verifier: str) -> MemberAuthentication:
        return services.authenticate_sso(
            sso_token=token,
            intermediate_session_token=self.step_ist(),
            pkce_code_verifier=verifier,
            user=self.service_user(),
        )


class OAuthAuthenticateView(RedirectCallbackView):
    """``GET primary/oauth/authenticate?stytch_token_type=oauth&token=...``: where OAuth comes back."""

    kind = redirects.OAUTH
    query_serializer = OAuthQuerySerializer

    @callback_document(
        "Primary: OAuth's redirect back; sets the session (or the next step) and redirects", "oauth"
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        return super().get(request)

    def authenticate(self, token: str, started: redirects.Started, verifier: str) -> MemberAuthentication:
        if f"{started.target}_oauth" not in self.pending_step().primary_auth_methods:
            raise Problem("auth_method_not_allowed")
        return services.authenticate_oauth(
            oauth_token=token,
            intermediate_session_token=self.step_ist(),
            pkce_code_verifier=verifier,
            user=self.service_user(),
        )
