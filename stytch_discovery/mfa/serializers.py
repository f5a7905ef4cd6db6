"""Requests and answers of the MFA endpoints.

No request names an organization, a member or an IST: those come from the server-held pending
step and the IST's cookie, so these fields are refused like any unknown field (with a reason).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from stytch_discovery.internal.http.fields import EnumField, PatternField, StrictBooleanField
from stytch_discovery.internal.rules import (
    E164_MESSAGE,
    E164_RE,
    EXCHANGE_LOCALES,
    MFA_ENROLLMENT,
    RECOVERY_CODE_MESSAGE,
    RECOVERY_CODE_RE,
)
from stytch_discovery.sessions.serializers import (
    MemberAuthenticationSerializer,
    StepRequestSerializer,
    StepSessionOptionsSerializer,
    code_field,
)


class SendSmsRequestSerializer(StepRequestSerializer):
    """``POST mfa/sms/send``: a number only for a member who has none yet."""

    mfa_phone_number = PatternField(pattern=E164_RE, message=E164_MESSAGE, max_length=16, required=False)
    locale = EnumField(choices=EXCHANGE_LOCALES, required=False)


class CodeRequestSerializer(StepSessionOptionsSerializer):
    """``POST mfa/sms/authenticate`` and ``mfa/totp/authenticate``."""

    code = code_field()
    set_mfa_enrollment = EnumField(choices=MFA_ENROLLMENT, required=False)
    set_default_mfa = StrictBooleanField(required=False)


class RecoveryCodeRequestSerializer(StepSessionOptionsSerializer):
    """``POST mfa/recovery-codes/recover``."""

    recovery_code = PatternField(
        pattern=RECOVERY_CODE_RE, message=RECOVERY_CODE_MESSAGE, max_length=14, write_only=True
    )


class SmsSentSerializer(serializers.Serializer[Any]):
    """``sent`` is false when a code sent less than 2 minutes ago still works (none was sent)."""

    sent = serializers.BooleanField()
    phone_number = serializers.CharField()
    code_expires_at = serializers.CharField()


class TotpCreatedSerializer(serializers.Serializer[Any]):
    """Shown once, never stored: the secret, its QR code (a PNG data URI) and the recovery codes."""

    totp_registration_id = serializers.CharField()
    secret = serializers.CharField()
    qr_code = serializers.CharField()
    recovery_codes = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.CharField()


class RecoveredSerializer(MemberAuthenticationSerializer):
    """A ``MemberAuthentication`` plus the number of recovery codes left."""

    recovery_codes_remaining = serializers.IntegerField()
