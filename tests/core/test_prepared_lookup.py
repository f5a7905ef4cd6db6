"""``internal.prepared``: the default resolvers' lookup by email, compiled once, finds what the ORM
finds, builds the same users, and leaves a manager that decides per call to the ORM. Run on SQLite
and, with ``DATABASE_URL``, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from django.contrib.auth.models import UserManager
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from stytch_discovery.internal import prepared
from stytch_discovery.models import CachedOrganization
from stytch_discovery.users import default_member_resolver, default_user_resolver
from tests.testapp.models import User

EMAIL = "ada@acme.example"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unprepared() -> Iterator[None]:
    prepared._prepared.clear()
    yield
    prepared._prepared.clear()


@pytest.fixture
def compilations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL of every query the ORM compiles from now on."""
    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counting(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        sql, params = as_sql(self, *args, **kwargs)
        compiled.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return compiled


def test_the_lookup_by_email_is_compiled_once_then_only_run(compilations: list[str]) -> None:
    ada = User.objects.create(username="ada", email=EMAIL)
    assert default_user_resolver(email_address=EMAIL, user=None) == ada
    compilations.clear()

    with CaptureQueriesContext(connection) as queries:
        assert default_user_resolver(email_address="ADA@acme.example", user=None) == ada
        assert default_user_resolver(email_address="bob@acme.example", user=None) is None
        assert default_member_resolver(email_address=EMAIL, member_id="member-test-1") == ada

    assert compilations == []
    assert len(queries) == 3


def test_a_prepared_lookup_builds_the_user_the_orm_builds() -> None:
    last_login = datetime(2026, 11, 30, 8, 15, 30, 123456, tzinfo=timezone.utc)
    created = User.objects.create(
        username="ada", email="Ada@Acme.example", first_name="Ada", is_staff=True, last_login=last_login
    )
    default_user_resolver(email_address="nobody@acme.example", user=None)  # prepares the lookup

    found = default_user_resolver(email_address=EMAIL, user=None)

    assert isinstance(found, User)
    loaded = User.objects.get(pk=created.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(loaded, field.attname), field.name
        assert type(getattr(found, field.attname)) is type(getattr(loaded, field.attname)), field.name
    assert found.last_login == last_login
    assert found._state.db == "default"
    assert not found._state.adding
    found.first_name = "Augusta"
    found.save()  # an UPDATE of the row it was read from, not a second user
    assert list(User.objects.values_list("first_name", flat=True)) == ["Augusta"]


def test_two_users_with_one_address_still_link_no_one() -> None:
    User.objects.create(username="ada", email="ada@acme.example")
    User.objects.create(username="ada2", email="ADA@acme.example")
    default_user_resolver(email_address="nobody@acme.example", user=None)

    assert default_user_resolver(email_address=EMAIL, user=None) is None


def test_a_manager_that_decides_per_call_is_asked_on_every_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """A default manager whose ``get_queryset`` filters (by a tenant, a flag read per request) must
    not be frozen into SQL compiled once: it runs through the ORM on each lookup."""
    hidden: list[str] = []

    class Hiding(UserManager[User]):
        def get_queryset(self) -> Any:
            return super().get_queryset().exclude(username__in=list(hidden))

    ada = User.objects.create(username="ada", email=EMAIL)
    assert default_user_resolver(email_address=EMAIL, user=None) == ada  # prepared, plain manager
    manager = Hiding()
    manager.model = User
    monkeypatch.setattr(User._meta, "default_manager", manager)

    assert default_user_resolver(email_address=EMAIL, user=None) == ada
    hidden.append("ada")
    assert default_user_resolver(email_address=EMAIL, user=None) is None


def test_a_query_that_selects_more_than_its_models_columns_runs_through_the_orm(
    compilations: list[str],
) -> None:
    ada = User.objects.create(username="ada", email=EMAIL)
    CachedOrganization.objects.create(
        email_address=EMAIL, organization_id="organization-test-1", organization_name="Acme", user=ada
    )

    def rows(value: str) -> Any:
        return CachedOrganization.objects.select_related("user").filter(email_address=value)

    for _ in range(2):
        (row,) = prepared.instances("test.rows", CachedOrganization, rows, EMAIL)
        with CaptureQueriesContext(connection) as queries:
            assert row.user == ada
        assert len(queries) == 0  # the user came with the row
    assert len(compilations) == 2
