"""The MFA endpoints: finish the pending step with an SMS code, an authenticator app or a recovery code.

Each view takes the organization, the member and the IST from the pending step and its cookie
(``sessions.views.PendingStepBaseView``), checks locally what it can (the step, the method, the
input), then makes one Stytch call. A finished step sets the session cookies and clears the step.
Codes are checked within the member's wrong-code budget (``internal.http.code_budget``).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import ClassVar, TypedDict

from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.internal.http import openapi
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.phones import mask_phone_number
from stytch_discovery.internal.rules import TOTP_ENROLMENT_MINUTES
from stytch_discovery.sessions import pending
from stytch_discovery.sessions.serializers import MemberAuthenticationSerializer, StepRequestSerializer
from stytch_discovery.sessions.types import MemberAuthentication
from stytch_discovery.sessions.views import PendingStepBaseView

from . import services
from .serializers import (
    CodeRequestSerializer,
    RecoveredSerializer,
    RecoveryCodeRequestSerializer,
    SendSmsRequestSerializer,
    SmsSentSerializer,
    TotpCreatedSerializer,
)

#: One wrong-code bucket per member for every second factor: SMS, authenticator and recovery codes.
MFA_CODES = "stytch_discovery.wrong_codes.mfa"


def _iso(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(int(seconds), tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def field_error(field: str, message: str) -> Problem:
    return Problem("validation_error", fields={field: [message]})


def refuse_another_factor(step: pending.PendingStep) -> None:
    """A member with an active factor adds another only from a session that carries it, never
    with the step's IST (sessions contract §B.2): Stytch would refuse the call."""
    if step.mfa_enrolled:
        raise Problem(
            "mfa_factor_missing", "Finish with a method you have set up; add another once signed in."
        )


class StepMember(TypedDict):
    """Who the MFA services act for: the pending step's member, and its IST (from the cookie)."""

    organization_id: str
    member_id: str
    intermediate_session_token: str


class MfaView(PendingStepBaseView):
    """Base of the MFA views: the Stytch calls name the step's member and carry its IST."""

    def step_member(self) -> StepMember:
        step = self.pending_step()
        return {
            "organization_id": step.organization_id,
            "member_id": step.member_id,
            "intermediate_session_token": self.step_ist(),
        }


class SendSmsView(MfaView):
    """``POST mfa/sms/send``: text the member a code, unless a code sent for this step still works."""

    method = pending.SMS
    throttle_scope = "stytch_discovery.code_send"

    @openapi.document(
        summary="MFA: text a code to the member's phone (or link a first phone number)",
        request=SendSmsRequestSerializer,
        responses={200: SmsSentSerializer},
        errors=openapi.STEP_ERRORS,
    )
    @sensitive_variables("body")
    def post(self, request: Request) -> Response:
        body = self.validated(SendSmsRequestSerializer)
        step = self.pending_step()
        number = body.get("mfa_phone_number")
        if step.phone_number and number:
            raise field_error("mfa_phone_number", "This member already has a phone number; leave this out.")
        if not step.phone_number and not number:
            raise field_error("mfa_phone_number", "This member has no phone number yet: give one.")
        if number:
            refuse_another_factor(step)
        live = step.sms_code_expires_at
        if live is not None:
            # A new code would invalidate the one already sent (by Stytch itself, or by us).
            return self.sms_answer(step.phone_number, until=live, sent=False)
        result = services.send_sms_otp(
            **self.step_member(),
            **body,
        )
        masked = mask_phone_number(str(result.member.raw.get("mfa_phone_number") or number or ""))
        now = time.time()
        response = self.sms_answer(masked, until=now + pending.SMS_CODE_SECONDS, sent=True)
        self.remember(response, sms_sent_at=now, phone_number=masked)
        return response

    def sms_answer(self, phone_number: str, *, until: float, sent: bool) -> Response:
        data = {"sent": sent, "phone_number": phone_number, "code_expires_at": _iso(until)}
        return Response(SmsSentSerializer(data).data)


class CodeView(MfaView):
    """Shared by the SMS and TOTP authenticate views: a 6-digit code for a session."""

    throttle_scope = "stytch_discovery.code_attempt"
    code_budget_scope = MFA_CODES
    #: The service that checks the code.
    service: ClassVar[Callable[..., MemberAuthentication]]
    #: What to say when the member has no such factor to check a code against.
    missing: ClassVar[str]

    def has_factor(self, step: pending.PendingStep) -> bool:
        raise NotImplementedError

    @sensitive_variables("body", "result")
    def finish_with_code(self) -> Response:
        body = self.validated(CodeRequestSerializer)
        step = self.pending_step()
        if not self.has_factor(step):
            raise Problem("mfa_factor_missing", self.missing)
        with self.code_attempt(self.member_subject()):
            result = self.service(
                **self.step_member(),
                user=self.service_user(),
                **body,
            )
        return self.answer(result, status=200)


class AuthenticateSmsView(CodeView):
    """``POST mfa/sms/authenticate``: the texted code."""

    method = pending.SMS
    service = staticmethod(services.authenticate_sms_otp)
    missing = "No code was texted: send one first."

    def has_factor(self, step: pending.PendingStep) -> bool:
        return bool(step.phone_number)

    @openapi.document(
        summary="MFA: finish with the texted code",
        request=CodeRequestSerializer,
        responses={200: MemberAuthenticationSerializer},
        errors=openapi.STEP_ERRORS,
    )
    def post(self, request: Request) -> Response:
        return self.finish_with_code()


class AuthenticateTotpView(CodeView):
    """``POST mfa/totp/authenticate``: the authenticator app's code (activates a new registration)."""

    method = pending.TOTP
    service = staticmethod(services.authenticate_totp)
    missing = "No authenticator app is set up: set one up first."

    def has_factor(self, step: pending.PendingStep) -> bool:
        return pending.TOTP in step.mfa_types

    @openapi.document(
        summary="MFA: finish with an authenticator app's code",
        request=CodeRequestSerializer,
        responses={200: MemberAuthenticationSerializer},
        errors=openapi.STEP_ERRORS,
    )
    def post(self, request: Request) -> Response:
        return self.finish_with_code()


class CreateTotpView(MfaView):
    """``POST mfa/totp/create``: set up an authenticator app; its secrets are answered once."""

    method = pending.TOTP
    throttle_scope = "stytch_discovery.code_send"

    @openapi.document(
        summary="MFA: set up an authenticator app (secret, QR code and recovery codes, shown once)",
        request=None,
        responses={200: TotpCreatedSerializer},
        errors=openapi.STEP_ERRORS,
    )
    @sensitive_variables("result", "data")
    def post(self, request: Request) -> Response:
        self.validated(StepRequestSerializer)  # an empty object: any field is refused
        step = self.pending_step()
        if pending.TOTP in step.mfa_enrolled:
            raise Problem("totp_exists")
        refuse_another_factor(step)
        result = services.create_totp(
            **self.step_member(),
            expiration_minutes=TOTP_ENROLMENT_MINUTES,
        )
        data = {
            "totp_registration_id": result.totp_registration_id,
            "secret": result.secret,
            "qr_code": result.qr_code,
            "recovery_codes": list(result.recovery_codes),
            "expires_at": _iso(min(step.expires_at, time.time() + TOTP_ENROLMENT_MINUTES * 60)),
        }
        response = Response(TotpCreatedSerializer(data).data)
        self.remember(response, enrolling=pending.TOTP)
        return response


class RecoverView(MfaView):
    """``POST mfa/recovery-codes/recover``: one recovery code (it works once) for a session."""

    method = pending.TOTP  # recovery codes back an authenticator app
    throttle_scope = "stytch_discovery.code_attempt"
    code_budget_scope = MFA_CODES

    @openapi.document(
        summary="MFA: finish with a recovery code",
        request=RecoveryCodeRequestSerializer,
        responses={200: RecoveredSerializer},
        errors=openapi.STEP_ERRORS,
    )
    @sensitive_variables("body", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(RecoveryCodeRequestSerializer)
        step = self.pending_step()
        if pending.RECOVERY_CODES not in step.mfa_types:
            raise Problem("mfa_factor_missing", "This member has no recovery codes (no authenticator app).")
        with self.code_attempt(self.member_subject()):
            result = services.recover_with_recovery_code(
                **self.step_member(),
                user=self.service_user(),
                **body,
            )
        return self.answer(
            result.authentication,
            status=200,
            extra={"recovery_codes_remaining": result.recovery_codes_remaining},
        )
