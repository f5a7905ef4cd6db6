"""Requests and answers of the discovery magic-link endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from stytch_discovery.discovery.serializers import (
    DiscoveryEmailRequestSerializer,
    DiscoveryEmailSentSerializer,
)
from stytch_discovery.internal.http.fields import TokenField, token_type_field


class MagicLinkQuerySerializer(serializers.Serializer[Any]):
    """The query string of Stytch's link; other parameters (``next``, yours) are left alone."""

    token = TokenField(required=True, help_text="The magic-link token Stytch put in the link.")
    stytch_token_type = token_type_field("discovery")


class SendMagicLinkRequestSerializer(DiscoveryEmailRequestSerializer):
    """``POST discovery/magic-links/send``; the redirect URL is the server's, never the caller's."""

    refused_fields = {
        "discovery_redirect_url": "Set by the server (DISCOVERY_REDIRECT_URL), never by the caller.",
    }


class MagicLinkSentSerializer(DiscoveryEmailSentSerializer):
    """Answer of ``POST discovery/magic-links/send``."""
