"""The query string of the OAuth callback (the start takes only ``next``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from stytch_discovery.internal.http.fields import TokenField, token_type_field


class OAuthCallbackQuerySerializer(serializers.Serializer[Any]):
    """What Stytch appends to ``discovery_redirect_url``: ``token`` and its type."""

    token = TokenField(required=True, help_text="The discovery OAuth token Stytch put in the callback URL.")
    stytch_token_type = token_type_field("discovery_oauth")
