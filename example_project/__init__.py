"""The example project: stytch_discovery mounted in a Django site with a no-build SPA."""

from __future__ import annotations
