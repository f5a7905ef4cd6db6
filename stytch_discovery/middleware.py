"""Public: the middleware, at a stable dotted path for ``MIDDLEWARE``."""

from __future__ import annotations

from .sessions.middleware import StytchSessionMiddleware

__all__ = ["StytchSessionMiddleware"]
