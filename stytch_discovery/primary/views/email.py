"""The organization-scoped email magic link and email code as the primary step."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import openapi
from stytch_discovery.internal.http.links import LinkTargetView
from stytch_discovery.primary import services
from stytch_discovery.primary.serializers import (
    EmailCodeRequestSerializer,
    EmailSentSerializer,
    MagicLinkQuerySerializer,
    SendRequestSerializer,
)
from stytch_discovery.sessions.serializers import MemberAuthenticationSerializer

from .base import PrimaryNavigationView, PrimaryStepView


class SendMagicLinkView(PrimaryStepView):
    """``POST primary/magic-links/send``: email the member a magic link for the organization."""

    method = "magic_link"
    throttle_scope = "stytch_discovery.code_send"

    @openapi.document(
        summary="Primary: email an organization magic link (to the pending step's member)",
        request=SendRequestSerializer,
        responses={200: EmailSentSerializer},
        errors=openapi.STEP_ERRORS,
    )
    def post(self, request: Request) -> Response:
        target = self.own_url("primary-magic-link-authenticate", app_settings.PRIMARY_MAGIC_LINK_REDIRECT_URL)
        return self.send(
            services.send_login_magic_link, login_redirect_url=target, signup_redirect_url=target
        )


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
        query=MagicLinkQuerySerializer,
    )
    @sensitive_variables("token", "result")
    def get(self, request: Request) -> HttpResponseRedirect:
        token = self.link_token()
        result = services.authenticate_magic_link(
            magic_links_token=token,
            intermediate_session_token=self.step_ist(),
            user=self.service_user(),
            member_id=self.pending_step().member_id,
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
        errors=openapi.STEP_ERRORS,
    )
    def post(self, request: Request) -> Response:
        return self.send(services.send_login_email_otp)


class AuthenticateEmailCodeView(PrimaryStepView):
    """``POST primary/email-codes/authenticate``: the emailed code; may carry on to MFA."""

    method = "email_otp"
    throttle_scope = "stytch_discovery.code_attempt"
    code_budget_scope = "stytch_discovery.wrong_codes.primary"

    @openapi.document(
        summary="Primary: finish with the emailed code (a session, or the MFA step next)",
        request=EmailCodeRequestSerializer,
        responses={200: MemberAuthenticationSerializer},
        errors=openapi.STEP_ERRORS,
    )
    @sensitive_variables("body", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(EmailCodeRequestSerializer)
        step = self.pending_step()
        with self.code_attempt(self.member_subject()):
            result = services.authenticate_email_otp(
                organization_id=step.organization_id,
                email_address=step.email_address,
                intermediate_session_token=self.step_ist(),
                user=self.service_user(),
                member_id=step.member_id,
                **body,
            )
        return self.answer(result, status=200)
