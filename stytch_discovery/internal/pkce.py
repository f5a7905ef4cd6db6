"""PKCE (RFC 7636) for the browser redirects that start at Stytch: OAuth discovery, SSO and OAuth
as the primary step.

The verifier is derived from the flow's random state id with ``SECRET_KEY`` (an HMAC), so it is
stored nowhere and never sent to the browser: the server that holds the key computes it again at
the callback. Every host therefore needs the same ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import hashlib

from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@sensitive_variables("state_id")
def code_verifier(state_id: str, *, salt: str) -> str:
    """The verifier of ``state_id`` (43 characters of base64url, RFC 7636's shortest); ``salt``
    names the flow kind, so two kinds never share a verifier."""
    return _base64url(salted_hmac(salt, state_id, algorithm="sha256").digest())


def code_challenge(verifier: str) -> str:
    """``S256``: the base64url SHA-256 of the verifier, unpadded, as Stytch expects it."""
    return _base64url(hashlib.sha256(verifier.encode()).digest())
