"""The migrations match the models and can be unapplied and reapplied."""

from __future__ import annotations

from importlib import import_module
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.org_cache import store
from tests.helpers.mfa import MASKED, PHONE
from tests.helpers.org_cache import (
    assert_masked_only,
    listing,
    mfa_by_sms,
    refreshed,
    snapshot,
    stored_text,
    with_phone,
)

TABLE = CachedOrganization._meta.db_table
IDENTITY_TABLE = CachedIdentity._meta.db_table
#: The table's name before 0003 renamed the model.
OLD_TABLE = "stytch_discovery_discoveredorganization"


@pytest.mark.django_db
def test_makemigrations_check_is_clean() -> None:
    out = StringIO()

    # Exits with status 1 (SystemExit) when a model change lacks a migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)

    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrations_unapply_and_reapply() -> None:
    call_command("migrate", "stytch_discovery", "zero", verbosity=0)
    assert TABLE not in connection.introspection.table_names()

    call_command("migrate", "stytch_discovery", verbosity=0)

    assert TABLE in connection.introspection.table_names()
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    unique = [c["columns"] for c in constraints.values() if c["unique"] and not c["primary_key"]]
    indexed = [c["columns"] for c in constraints.values() if c["index"] and not c["unique"]]
    assert ["email_address", "organization_id"] in unique
    assert ["organization_id"] in indexed
    assert ["refreshed_at"] not in indexed  # 0002: refreshes rewrite it, see models.py
    assert ["user_id"] in indexed
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [TABLE])
            assert cursor.fetchone() == (["fillfactor=50"],)


@pytest.mark.django_db(transaction=True)
def test_0005_adds_the_identity_table_rewritten_in_place() -> None:
    call_command("migrate", "stytch_discovery", "0004", verbosity=0)
    try:
        assert IDENTITY_TABLE not in connection.introspection.table_names()
    finally:
        call_command("migrate", "stytch_discovery", verbosity=0)

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, IDENTITY_TABLE)
        unique = [c["columns"] for c in constraints.values() if c["unique"] and not c["primary_key"]]
        indexed = [c["columns"] for c in constraints.values() if c["index"] and not c["unique"]]
        assert unique == [["email_address"]]
        assert ["user_id"] in indexed
        # Nothing an unchanged list writes is indexed (PostgreSQL adds a LIKE index on the email).
        assert all(set(columns) <= {"email_address", "user_id"} for columns in indexed)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [IDENTITY_TABLE])
            assert cursor.fetchone() == (["fillfactor=50"],)


@pytest.mark.django_db(transaction=True)
def test_unapplying_0002_restores_the_index_and_full_pages() -> None:
    call_command("migrate", "stytch_discovery", "0001", verbosity=0)
    try:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, OLD_TABLE)
            assert "stytch_disc_refreshed_idx" in constraints
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [OLD_TABLE])
                assert cursor.fetchone() == (None,)
    finally:
        call_command("migrate", "stytch_discovery", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_0003_renames_the_table_and_keeps_its_rows_and_storage() -> None:
    call_command("migrate", "stytch_discovery", "0002", verbosity=0)
    try:
        assert OLD_TABLE in connection.introspection.table_names()
        assert TABLE not in connection.introspection.table_names()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {OLD_TABLE} (email_address, organization_id, organization_name, "  # noqa: S608
                "organization_slug, organization_logo_url, membership_type, member_authenticated, "
                "organization, first_seen_at, refreshed_at) VALUES "
                "('ada@acme.example', 'organization-test-1', 'Acme', 'acme', '', 'active_member', "
                "%s, '{}', %s, %s)",
                [True, "2025-06-01T12:00:00+00:00", "2025-06-01T12:00:00+00:00"],
            )
        call_command("migrate", "stytch_discovery", "0003", verbosity=0)
        assert OLD_TABLE not in connection.introspection.table_names()
        assert list(CachedOrganization.objects.values_list("organization_slug", flat=True)) == ["acme"]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [TABLE])
                assert cursor.fetchone() == (["fillfactor=50"],)
    finally:
        CachedOrganization.objects.all().delete()
        call_command("migrate", "stytch_discovery", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_0007_masks_the_phone_numbers_already_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    call_command("migrate", "stytch_discovery", "0006", verbosity=0)
    try:
        with monkeypatch.context() as old_code:  # the rows as the code before 0007 wrote them
            old_code.setattr(store, "masked_mfa_required", lambda mfa_required: mfa_required)
            for number in range(5):  # more than one of the migration's batches, below
                store.record_discovery(
                    email_address=f"member{number}@acme.example",
                    discovered=(with_phone(number, PHONE), *listing([10 + number])),
                    user=None,
                )
            store.record_discovery(email_address="nophone@acme.example", discovered=listing([20]), user=None)
        assert PHONE in repr(snapshot())
        untouched = {row["id"]: row for row in snapshot() if row["mfa_required"] is None}
        monkeypatch.setattr(import_module("stytch_discovery.migrations.0007_mask_phone_numbers"), "CHUNK", 2)

        call_command("migrate", "stytch_discovery", "0007", verbosity=0)

        masked = CachedOrganization.objects.filter(mfa_required__isnull=False)
        assert masked.count() == 5
        assert [row.mfa_required for row in masked] == [mfa_by_sms(MASKED)] * 5
        assert_masked_only(stored_text())
        assert {row["id"]: row for row in snapshot() if row["mfa_required"] is None} == untouched

        # The next list of an identity that held a number rewrites it once, then matches again;
        # an identity that held none still matches at once.
        member = (with_phone(0, PHONE), *listing([10]))
        assert refreshed(member, email_address="member0@acme.example") is True
        assert refreshed(member, email_address="member0@acme.example") is False
        assert refreshed(listing([20]), email_address="nophone@acme.example") is False

        # Unapplying it changes nothing (a full number is gone for good).
        before = snapshot()
        call_command("migrate", "stytch_discovery", "0006", verbosity=0)
        assert snapshot() == before
    finally:
        CachedOrganization.objects.all().delete()
        CachedIdentity.objects.all().delete()
        call_command("migrate", "stytch_discovery", verbosity=0)
