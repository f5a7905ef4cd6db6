"""The query string of the OAuth callback (the start takes only ``next``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from stytch_discovery.internal.http.fields import EnumField, TokenField


class OAuthCallbackQuerySerializer(serializers.Serializer[Any]):
    """What Stytch appends to ``discovery_redirect_url``: ``token`` and its type."""

    token = TokenField(required=True)
    stytch_token_type = EnumField(choices=("discovery_oauth",), required=False)
