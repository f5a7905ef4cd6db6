"""Public: the DRF authentication class, at a stable dotted path for ``REST_FRAMEWORK``."""

from __future__ import annotations

from .sessions.authentication import StytchSessionAuthentication

__all__ = ["StytchSessionAuthentication"]
