"""The emailed-code endpoints: send a discovery code, and trade it for the organization list.

Both count per client (their scope) and per email address (``email_throttle_scope``), so neither
one client nor many can flood an inbox or guess at one address's code; and the address's wrong
codes spend its wrong-code budget (``internal.http.code_budget``). The code never appears in
an answer or a log line; the IST goes to its HttpOnly cookie, as after a magic link.
"""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.serializers import (
    DiscoveredOrganizationsSerializer,
    DiscoveryEmailSentSerializer,
)
from stytch_discovery.discovery.views import discovered_answer, keep_intermediate_session
from stytch_discovery.exceptions import StytchDiscoveryAPIError
from stytch_discovery.internal.http import openapi
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.internal.http.errors import ErrorAnswer, Problem, stytch_answer
from stytch_discovery.internal.http.throttling import email_subject
from stytch_discovery.internal.tokens import IST

from . import services
from .serializers import AuthenticateEmailCodeRequestSerializer, SendEmailCodeRequestSerializer

ERRORS = (*openapi.COMMON_POST_ERRORS, 404, *openapi.STYTCH_ERRORS)


class EmailCodeView(StytchDiscoveryView):
    """Base of both: off (404 ``entry_point_disabled``) unless ``EMAIL_CODES_ENABLED``."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not app_settings.EMAIL_CODES_ENABLED:
            raise Problem("entry_point_disabled")


class SendEmailCodeView(EmailCodeView):
    """``POST discovery/otps/send``: emails a 6-digit discovery code."""

    throttle_scope = "stytch_discovery.send"
    email_throttle_scope = "stytch_discovery.email_send"

    @openapi.document(
        summary="Email a discovery code",
        request=SendEmailCodeRequestSerializer,
        responses={200: DiscoveryEmailSentSerializer},
        errors=ERRORS,
    )
    def post(self, request: Request) -> Response:
        body = self.validated(SendEmailCodeRequestSerializer)
        self.throttle_email(body["email_address"])
        result = services.send_discovery_email_otp(**body)
        return Response(
            DiscoveryEmailSentSerializer({"email_address": result.email_address, "sent": True}).data
        )


class AuthenticateEmailCodeView(EmailCodeView):
    """``POST discovery/otps/authenticate``: the code buys an IST (in its cookie) and the list."""

    throttle_scope = "stytch_discovery.authenticate"
    email_throttle_scope = "stytch_discovery.email_attempt"
    code_budget_scope = "stytch_discovery.wrong_codes.discovery"

    @openapi.document(
        summary="Trade an emailed discovery code for the organizations (IST in its cookie)",
        request=AuthenticateEmailCodeRequestSerializer,
        responses={200: DiscoveredOrganizationsSerializer},
        errors=(*ERRORS, 401),
    )
    @sensitive_variables("body", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(AuthenticateEmailCodeRequestSerializer)
        self.throttle_email(body["email_address"])
        with self.code_attempt(email_subject(body["email_address"])):
            result = services.authenticate_discovery_email_otp(user=self.service_user(), **body)
        answer = discovered_answer(
            email_address=result.email_address, discovered_organizations=result.discovered_organizations
        )
        if app_settings.RETURN_TOKENS_IN_BODY:  # a client without cookies needs the IST itself
            answer[IST] = result.intermediate_session_token
        return keep_intermediate_session(Response(answer), result)

    def error_answer(self, exc: Exception) -> ErrorAnswer | None:
        # Stytch's word for "no code was sent to this address": to the person typing, a wrong code.
        if isinstance(exc, StytchDiscoveryAPIError) and exc.error_type == "email_not_found":
            return stytch_answer(exc, "code_invalid")
        return super().error_answer(exc)
