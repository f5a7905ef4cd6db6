"""Requests and answers of the primary-authentication endpoints.

The organization, the email and the IST are the pending step's, never the request's.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from stytch_discovery.internal.http.fields import EnumField, TokenField
from stytch_discovery.internal.rules import EXCHANGE_LOCALES, SEND_LOCALES
from stytch_discovery.sessions.serializers import (
    StepRequestSerializer,
    StepSessionOptionsSerializer,
    code_field,
)


class SendRequestSerializer(StepRequestSerializer):
    """``POST primary/magic-links/send`` and ``primary/email-codes/send``."""

    locale = EnumField(choices=SEND_LOCALES, required=False)


class EmailCodeRequestSerializer(StepSessionOptionsSerializer):
    """``POST primary/email-codes/authenticate``; ``locale`` is for an SMS code Stytch may send next."""

    code = code_field()
    locale = EnumField(choices=EXCHANGE_LOCALES, required=False)


class MagicLinkQuerySerializer(serializers.Serializer[Any]):
    """The query string of an organization magic link; ``next`` and others are left alone."""

    token = TokenField(required=True)
    stytch_token_type = EnumField(choices=("multi_tenant_magic_links",), required=False)


class EmailSentSerializer(serializers.Serializer[Any]):
    email_address = serializers.CharField()
    sent = serializers.BooleanField()
