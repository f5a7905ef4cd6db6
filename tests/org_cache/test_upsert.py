"""``stytch_discovery.upsert``: the rows ``bulk_create(update_conflicts=True)`` and a delete would leave."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from django.db import connection
from pytest_django import DjangoAssertNumQueries

from stytch_discovery.models import CachedOrganization
from stytch_discovery.org_cache.upsert import upsert
from tests.testapp.models import User

pytestmark = pytest.mark.django_db

UNIQUE = ("email_address", "organization_id")
UPDATED = ("organization_name", "organization", "primary_required", "refreshed_at")
SEEN = datetime(2025, 6, 1, 12, 30, 15, 123456, tzinfo=timezone.utc)


def row(number: int, **fields: Any) -> dict[str, Any]:
    """One organization's own columns, as the cache builds them."""
    return {
        "organization_id": f"o-{number}",
        "organization_name": f'Org {number} ünïcode "quoted" {{braces}} $.path',
        "organization_slug": f"org-{number}",
        "organization_logo_url": "",
        "membership_type": "invited_member",
        "member_authenticated": number % 2 == 0,
        "primary_required": {"allowed_auth_methods": ["sso", "password"]} if number % 2 else None,
        "mfa_required": None,
        "organization": {"organization_id": f"o-{number}", "trusted_metadata": {"tier": 3, "ok": True}},
        **fields,
    }


def shared(email: str, *, user: User | None = None, at: datetime = SEEN) -> dict[str, Any]:
    return {
        "email_address": email,
        "user_id": user.pk if user else None,
        "first_seen_at": at,
        "refreshed_at": at,
    }


def write(
    email: str, rows: list[dict[str, Any]], *, replace: bool = False, at: datetime = SEEN, **options: Any
) -> None:
    upsert(
        CachedOrganization,
        rows=rows,
        shared=shared(email, at=at, **options),
        unique_fields=UNIQUE,
        update_fields=UPDATED,
        replace=replace,
        using="default",
    )


def stored(email: str) -> list[dict[str, Any]]:
    rows = CachedOrganization.objects.filter(email_address=email).order_by("organization_id")
    return [
        {key: value for key, value in values.items() if key not in ("id", "email_address")}
        for values in rows.values()
    ]


def test_new_rows_read_back_exactly_as_bulk_create_writes_them() -> None:
    user = User.objects.create_user(username="ada", email="ada@acme.example")
    CachedOrganization.objects.bulk_create(
        [CachedOrganization(**row(n), **shared("twin@acme.example", user=user)) for n in range(3)]
    )

    write("ada@acme.example", [row(n) for n in range(3)], user=user)

    assert stored("ada@acme.example") == stored("twin@acme.example")
    assert len(stored("ada@acme.example")) == 3
    assert stored("ada@acme.example")[1]["first_seen_at"] == SEEN  # microseconds and zone kept
    assert stored("ada@acme.example")[1]["user_id"] == user.pk
    assert stored("ada@acme.example")[0]["primary_required"] is None
    # SQL NULL, as Django stores None in a nullable JSONField, not the JSON text "null".
    assert CachedOrganization.objects.filter(primary_required__isnull=True).count() == 4


def test_a_conflict_overwrites_only_the_update_fields(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    write("ada@acme.example", [row(n) for n in range(2)])
    later = SEEN + timedelta(days=1)
    changed = [row(n, organization_name="Renamed", membership_type="active_member") for n in range(3)]

    with django_assert_num_queries(1):
        write("ada@acme.example", changed, at=later)

    rows = stored("ada@acme.example")
    assert [r["organization_name"] for r in rows] == ["Renamed"] * 3
    assert [r["refreshed_at"] for r in rows] == [later] * 3
    # Not in update_fields: the first write's values stay.
    assert [r["membership_type"] for r in rows] == ["invited_member", "invited_member", "active_member"]
    assert [r["first_seen_at"] for r in rows] == [SEEN, SEEN, later]


def test_replace_deletes_the_scopes_other_rows_and_no_one_elses(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    write("ada@acme.example", [row(n) for n in range(4)])
    write("bob@acme.example", [row(n) for n in range(4)])

    # PostgreSQL deletes inside the INSERT statement; SQLite needs a second one.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        write("ada@acme.example", [row(2), row(5)], replace=True)

    assert [r["organization_id"] for r in stored("ada@acme.example")] == ["o-2", "o-5"]
    assert [r["organization_id"] for r in stored("bob@acme.example")] == ["o-0", "o-1", "o-2", "o-3"]


def test_replace_with_no_rows_empties_the_scope() -> None:
    write("ada@acme.example", [row(n) for n in range(3)])
    write("bob@acme.example", [row(1)])

    write("ada@acme.example", [], replace=True)

    assert stored("ada@acme.example") == []
    assert len(stored("bob@acme.example")) == 1


def test_no_rows_no_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(0):
        write("ada@acme.example", [])


def test_replace_needs_one_key_the_rows_carry() -> None:
    with pytest.raises(ValueError, match="exactly one unique field"):
        upsert(
            CachedOrganization,
            rows=[row(1)],
            shared=shared("ada@acme.example"),
            unique_fields=("email_address",),
            update_fields=UPDATED,
            replace=True,
            using="default",
        )


def test_a_row_missing_a_column_is_refused_before_any_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    incomplete = row(1)
    del incomplete["organization_slug"]

    with django_assert_num_queries(0), pytest.raises(ValueError, match="organization_slug"):
        write("ada@acme.example", [incomplete])
