"""Builders shared by the cache tests: typed Stytch results and row snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stytch_discovery import types
from stytch_discovery.models import CachedOrganization
from tests.helpers import stytch_json

EMAIL = stytch_json.EMAIL


def org_id(number: int) -> str:
    return f"organization-test-{number:08d}"


def listing(
    numbers: Iterable[int], membership_type: str = "active_member"
) -> tuple[types.DiscoveredOrganization, ...]:
    """What a list call returns for organizations ``numbers`` (name and slug derive from them)."""
    return tuple(
        types.DiscoveredOrganization.from_json(
            stytch_json.discovered(
                membership_type,
                organization=stytch_json.organization(
                    organization_id=org_id(number),
                    organization_name=f"Org {number}",
                    organization_slug=f"org-{number}",
                ),
            )
        )
        for number in numbers
    )


def snapshot() -> list[dict[str, Any]]:
    """Every column of every cached row, in a stable order."""
    return list(CachedOrganization.objects.order_by("email_address", "organization_id").values())


def cached_ids(email_address: str = EMAIL) -> list[str]:
    rows = CachedOrganization.objects.filter(email_address=email_address.lower())
    return sorted(rows.values_list("organization_id", flat=True))
