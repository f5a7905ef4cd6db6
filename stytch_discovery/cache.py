"""Public reads of the organization cache, at the import path the README documents.

The cache lives in ``stytch_discovery.org_cache``; user resolution in ``stytch_discovery.users``.
"""

from __future__ import annotations

from .org_cache import last_refreshed_at, organizations_for_user
from .users import default_user_resolver

__all__ = ["default_user_resolver", "last_refreshed_at", "organizations_for_user"]
