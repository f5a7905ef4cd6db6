"""``stytch_discovery.upsert``: the same rows ``bulk_create(update_conflicts=True)`` would write."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from stytch_discovery.models import DiscoveredOrganization
from stytch_discovery.upsert import upsert
from tests.testapp.models import User

pytestmark = pytest.mark.django_db

UNIQUE = ["email_address", "organization_id"]
UPDATED = ["organization_name", "organization", "primary_required", "refreshed_at"]
SEEN = datetime(2025, 6, 1, 12, 30, 15, 123456, tzinfo=timezone.utc)


def row(email: str, number: int, **fields: Any) -> DiscoveredOrganization:
    values: dict[str, Any] = {
        "organization_name": f"Org {number} ünïcode",
        "organization_slug": f"org-{number}",
        "membership_type": "invited_member",
        "member_authenticated": number % 2 == 0,
        "primary_required": {"allowed_auth_methods": ["sso", "password"]} if number % 2 else None,
        "mfa_required": None,
        "organization": {"organization_id": f"o-{number}", "trusted_metadata": {"tier": 3, "ok": True}},
        "first_seen_at": SEEN,
        "refreshed_at": SEEN,
        **fields,
    }
    return DiscoveredOrganization(email_address=email, organization_id=f"o-{number}", **values)


def stored(email: str) -> list[dict[str, Any]]:
    rows = DiscoveredOrganization.objects.filter(email_address=email).order_by("organization_id")
    return [
        {key: value for key, value in values.items() if key not in ("id", "email_address")}
        for values in rows.values()
    ]


def test_new_rows_read_back_exactly_as_bulk_create_writes_them() -> None:
    user = User.objects.create_user(username="ada", email="ada@acme.example")
    DiscoveredOrganization.objects.bulk_create([row("twin@acme.example", n, user=user) for n in range(3)])

    upsert(
        [row("ada@acme.example", n, user=user) for n in range(3)],
        unique_fields=UNIQUE,
        update_fields=UPDATED,
        using="default",
    )

    assert stored("ada@acme.example") == stored("twin@acme.example")
    assert stored("ada@acme.example")[1]["first_seen_at"] == SEEN  # microseconds and zone kept
    assert stored("ada@acme.example")[0]["primary_required"] is None  # SQL NULL, not JSON null


def test_a_conflict_overwrites_only_the_update_fields(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    upsert(
        [row("ada@acme.example", n) for n in range(2)],
        unique_fields=UNIQUE,
        update_fields=UPDATED,
        using="default",
    )
    later = SEEN + timedelta(days=1)
    changed = [
        row(
            "ada@acme.example",
            n,
            organization_name="Renamed",
            membership_type="active_member",
            first_seen_at=later,
            refreshed_at=later,
        )
        for n in range(3)
    ]

    with django_assert_num_queries(1):
        upsert(changed, unique_fields=UNIQUE, update_fields=UPDATED, using="default")

    rows = stored("ada@acme.example")
    assert [r["organization_name"] for r in rows] == ["Renamed"] * 3
    assert [r["refreshed_at"] for r in rows] == [later] * 3
    # Not in update_fields: the first write's values stay.
    assert [r["membership_type"] for r in rows] == ["invited_member", "invited_member", "active_member"]
    assert [r["first_seen_at"] for r in rows] == [SEEN, SEEN, later]


def test_no_rows_no_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(0):
        upsert([], unique_fields=UNIQUE, update_fields=UPDATED, using="default")
