"""Requests of the emailed-code endpoints (the answers are the discovery feature's)."""

from __future__ import annotations

from stytch_discovery.discovery.serializers import DiscoveryEmailRequestSerializer
from stytch_discovery.internal.http.fields import RequestSerializer, StrictEmailField
from stytch_discovery.sessions.serializers import code_field


class SendEmailCodeRequestSerializer(DiscoveryEmailRequestSerializer):
    """``POST discovery/otps/send``; how long the code lives is the server's setting."""


class AuthenticateEmailCodeRequestSerializer(RequestSerializer):
    """``POST discovery/otps/authenticate``: the address the code was sent to, and the code."""

    email_address = StrictEmailField(max_length=254)
    code = code_field()
