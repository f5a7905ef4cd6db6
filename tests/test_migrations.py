"""The migrations match the models and can be unapplied and reapplied."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

TABLE = "stytch_discovery_discoveredorganization"


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
    assert ["refreshed_at"] in indexed
    assert ["user_id"] in indexed
