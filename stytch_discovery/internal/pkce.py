"""PKCE (RFC 7636) for the browser redirects that start at Stytch: OAuth discovery, SSO and OAuth
as the primary step.

The verifier is derived from the flow's random state id with ``SECRET_KEY`` (Django's
``salted_hmac``), so it is stored nowhere and never sent to the browser: the server that holds the
key computes it again at the callback. Every host therefore needs the same ``SECRET_KEY``. A start
derives with the current key; a callback finds the key again among the current one and
``SECRET_KEY_FALLBACKS`` (as Django's signing verifies), by the challenge the start recorded, so
a sign-in under way when the key is rotated still finishes.
"""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.debug import sensitive_variables


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@sensitive_variables("state_id", "secret")
def _derived(state_id: str, salt: str, secret: str | bytes) -> str:
    return _base64url(salted_hmac(salt, state_id, secret=secret, algorithm="sha256").digest())


@sensitive_variables("state_id")
def code_verifier(state_id: str, *, salt: str) -> str:
    """The verifier of ``state_id`` under the current ``SECRET_KEY`` (43 characters of base64url,
    RFC 7636's shortest); ``salt`` names the flow kind, so two kinds never share a verifier."""
    return _derived(state_id, salt, settings.SECRET_KEY)


@sensitive_variables("state_id", "verifier")
def verifier_of(state_id: str, *, salt: str, challenge: str) -> str | None:
    """The verifier of ``state_id`` whose challenge is ``challenge``, under ``SECRET_KEY`` or else
    one of ``SECRET_KEY_FALLBACKS`` (a start made before the key was rotated); None when no key
    kept gives it (the key was dropped, or the challenge is not this state's)."""
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        verifier = _derived(state_id, salt, secret)
        if constant_time_compare(code_challenge(verifier), challenge):
            return verifier
    return None


def code_challenge(verifier: str) -> str:
    """``S256``: the base64url SHA-256 of the verifier, unpadded, as Stytch expects it."""
    return _base64url(hashlib.sha256(verifier.encode()).digest())
