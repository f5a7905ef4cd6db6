"""The public Python API: keyword-only, settings-driven calls to Stytch, one import away.

Each function lives with its feature (``discovery``, ``magic_links``, ``sessions``); this module
re-exports them so ``from stytch_discovery import services`` stays the one place to look.
"""

from __future__ import annotations

from .discovery.services import (
    CreateOrganizationFields,
    create_organization,
    exchange_intermediate_session,
    list_discovered_organizations,
)
from .magic_links.services import authenticate_discovery_magic_link, send_discovery_magic_link
from .sessions.services import authenticate_session, exchange_session, revoke_session

__all__ = [
    "CreateOrganizationFields",
    "authenticate_discovery_magic_link",
    "authenticate_session",
    "create_organization",
    "exchange_intermediate_session",
    "exchange_session",
    "list_discovered_organizations",
    "revoke_session",
    "send_discovery_magic_link",
]
