"""Typed results of discovery by OAuth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stytch_discovery.discovery.types import DiscoveryAuthentication
from stytch_discovery.internal.parsing import JSON, frozen

if TYPE_CHECKING:
    from typing_extensions import Self


@dataclass(frozen=True)
class OAuthDiscoveryAuthentication(DiscoveryAuthentication):
    """Answer of ``authenticate_discovery_oauth``: an IST, what it can enter, and who the provider says.

    ``provider_tenant_id`` is set only when the member belongs to exactly one tenant.
    """

    provider_type: str = ""
    provider_tenant_id: str = ""
    provider_tenant_ids: tuple[str, ...] = ()
    full_name: str = ""

    @classmethod
    def from_json(cls, data: JSON) -> Self:
        return frozen(
            cls,
            **cls.fields_from_json(data),
            provider_type=str(data["provider_type"]),
            provider_tenant_id=str(data.get("provider_tenant_id") or ""),
            provider_tenant_ids=tuple(str(tenant) for tenant in data.get("provider_tenant_ids") or ()),
            full_name=str(data.get("full_name") or ""),
        )
