"""Builders shared by the cache tests: typed Stytch results and row snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.test import TestCase

from stytch_discovery import types
from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.org_cache import store
from stytch_discovery.signals import organizations_discovered
from tests.helpers import stytch_json
from tests.helpers.mfa import MASKED, PHONE

EMAIL = stytch_json.EMAIL
#: A member's full phone number, and its digits without the ``+``: the cache stores neither.
FULL_PHONE = (PHONE, PHONE.lstrip("+"))


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


def mfa_by_sms(phone: str) -> dict[str, Any]:
    """Stytch's ``mfa_required`` for a member who has the phone number ``phone``."""
    return {
        "member_options": {"mfa_phone_number": phone, "totp_registration_id": "member-totp-test-1"},
        "secondary_auth_initiated": None,
    }


def with_phone(number: int, phone: str) -> types.DiscoveredOrganization:
    """Organization ``number`` as Stytch lists it for a member who must finish MFA with ``phone``."""
    return types.DiscoveredOrganization.from_json(
        stytch_json.discovered(
            "active_member",
            member_authenticated=False,
            organization=stytch_json.organization(
                organization_id=org_id(number),
                organization_name=f"Org {number}",
                organization_slug=f"org-{number}",
            ),
            mfa_required=mfa_by_sms(phone),
        )
    )


def snapshot() -> list[dict[str, Any]]:
    """Every column of every cached row, in a stable order."""
    return list(CachedOrganization.objects.order_by("email_address", "organization_id").values())


def stored_text() -> str:
    """Every column of every row of both cache tables, as text."""
    return repr(snapshot()) + repr(list(CachedIdentity.objects.values()))


def assert_masked_only(text: str) -> None:
    """``text`` shows the member's phone number masked, and never in full."""
    for full in FULL_PHONE:
        assert full not in text
    assert MASKED in text


def cached_ids(email_address: str = EMAIL) -> list[str]:
    rows = CachedOrganization.objects.filter(email_address=email_address.lower())
    return sorted(rows.values_list("organization_id", flat=True))


def refreshed(
    discovered: tuple[types.DiscoveredOrganization, ...], user: Any = None, *, email_address: str = EMAIL
) -> bool:
    """Refresh ``email_address`` with ``discovered``; True when rows were written (the signal says so)."""
    seen: list[bool] = []

    def receiver(changed: bool, **kwargs: Any) -> None:
        seen.append(changed)

    organizations_discovered.connect(receiver, weak=False)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            store.record_discovery(email_address=email_address, discovered=discovered, user=user)
    finally:
        organizations_discovered.disconnect(receiver)
    (changed,) = seen
    return changed
