"""Requests and answers of the primary-authentication endpoints.

The organization, the email and the IST are the pending step's, never the request's.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers

from stytch_discovery.internal.http.fields import EnumField, PatternField, TokenField, token_type_field
from stytch_discovery.internal.rules import EXCHANGE_LOCALES, EXTERNAL_ID_RE, SEND_LOCALES
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

    token = TokenField(required=True, help_text="The magic-link token Stytch put in the link.")
    stytch_token_type = token_type_field("multi_tenant_magic_links")


class SsoStartQuerySerializer(serializers.Serializer[Any]):
    """``GET primary/sso/start``: which of the organization's connections, when it has several."""

    connection_id = PatternField(
        pattern=EXTERNAL_ID_RE,
        message="Not a connection id.",
        max_length=128,
        required=False,
        help_text=(
            "One of the pending flow's sso_connections; default: the organization's default or only one."
        ),
    )


class RedirectQuerySerializer(serializers.Serializer[Any]):
    """Where Stytch sends the browser back: ``token`` and its ``stytch_token_type``."""

    token = TokenField(required=True, help_text="The token Stytch put in its redirect.")
    #: The one ``stytch_token_type`` a callback accepts (set by each subclass).
    accepted_type: ClassVar[str]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {**super().get_fields(), "stytch_token_type": token_type_field(self.accepted_type)}


class SsoQuerySerializer(RedirectQuerySerializer):
    accepted_type = "sso"


class OAuthQuerySerializer(RedirectQuerySerializer):
    accepted_type = "oauth"


class EmailSentSerializer(serializers.Serializer[Any]):
    email_address = serializers.CharField()
    sent = serializers.BooleanField()
