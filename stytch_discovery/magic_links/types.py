"""Typed results of the discovery magic link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stytch_discovery.discovery.types import DiscoveredOrganization, discovered
from stytch_discovery.internal.parsing import JSON, frozen, parse_timestamp, without_tokens


@dataclass(frozen=True)
class MagicLinkAuthentication:
    """Answer of ``authenticate_discovery_magic_link``: an IST and what it can enter."""

    email_address: str
    discovered_organizations: tuple[DiscoveredOrganization, ...]
    intermediate_session_token_expires_at: datetime | None
    request_id: str
    raw: dict[str, Any] = field(repr=False)
    intermediate_session_token: str = field(default="", repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> MagicLinkAuthentication:
        return frozen(
            cls,
            email_address=data["email_address"],
            discovered_organizations=discovered(data),
            intermediate_session_token_expires_at=parse_timestamp(
                data.get("intermediate_session_token_expires_at")
            ),
            request_id=data["request_id"],
            raw=without_tokens(data),
            intermediate_session_token=data["intermediate_session_token"],
        )


@dataclass(frozen=True)
class MagicLinkSent:
    """Answer of ``send_discovery_magic_link``."""

    email_address: str
    request_id: str
