"""``stytch_discovery.cache``: refresh semantics, user linking, visibility, signals, safety."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from stytch_discovery import cache, services, types
from stytch_discovery.discovery.services import (
    CREATE_ORGANIZATION,
    EXCHANGE_INTERMEDIATE_SESSION,
    LIST_ORGANIZATIONS,
)
from stytch_discovery.exceptions import StytchDiscoveryAPIError
from stytch_discovery.models import CachedOrganization
from stytch_discovery.org_cache import store
from stytch_discovery.signals import organization_created, organizations_discovered
from stytch_discovery.testing import FakeStytch
from stytch_discovery.users import EmailKey
from tests.helpers import stytch_json
from tests.helpers.org_cache import EMAIL, cached_ids, listing, org_id, snapshot
from tests.testapp.models import User

pytestmark = pytest.mark.django_db

#: A rewrite inside the test's transaction: SAVEPOINT, user lookup, the identity's UPDATE (which
#: finds the digest changed), INSERT … ON CONFLICT, DELETE, the identity's upsert, RELEASE on
#: SQLite; on PostgreSQL the advisory lock instead of a separate DELETE (which travels inside the
#: INSERT statement).
REFRESH_QUERIES = 7


@pytest.fixture
def ada() -> User:
    user: User = User.objects.create_user(username="ada", email=EMAIL)
    return user


@pytest.fixture
def bob() -> User:
    user: User = User.objects.create_user(username="bob", email="bob@other.example")
    return user


def membership(*, authenticated: bool = True, **organization: Any) -> types.MemberAuthentication:
    body = stytch_json.authentication_body(authenticated=authenticated)
    body["organization"] = {**body["organization"], **organization}
    return types.MemberAuthentication.from_json(body)


# -- refresh: insert, update, delete, idempotence --------------------------------------------


def test_refresh_inserts_one_row_per_organization_with_every_field() -> None:
    entry = types.DiscoveredOrganization.from_json(
        stytch_json.discovered(
            "eligible_to_join_by_email_domain",
            primary_required={"allowed_auth_methods": ["sso"]},
            mfa_required={"member_options": None},
            organization=stytch_json.organization(organization_logo_url="https://logo.example/a.png"),
        )
    )

    store.record_discovery(email_address="Ada@ACME.example", discovered=[entry], user=None)

    row = CachedOrganization.objects.get()
    assert row.email_address == EMAIL
    assert row.user is None
    assert row.organization_id == stytch_json.ORGANIZATION_ID
    assert row.organization_name == "Acme Co"
    assert row.organization_slug == "acme-co"
    assert row.organization_logo_url == "https://logo.example/a.png"
    assert row.membership_type == "eligible_to_join_by_email_domain"
    assert row.member_authenticated is False
    assert row.primary_required == {"allowed_auth_methods": ["sso"]}
    assert row.mfa_required == {"member_options": None}
    assert row.organization["future_organization_field"] == "kept"
    assert row.organization["mfa_policy"] == "OPTIONAL"
    assert row.first_seen_at == row.refreshed_at
    assert abs(timezone.now() - row.refreshed_at) < timedelta(seconds=5)


def test_refresh_updates_rows_but_keeps_first_seen() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)
    before = CachedOrganization.objects.get()

    renamed = types.DiscoveredOrganization.from_json(
        stytch_json.discovered(
            "invited_member",
            organization=stytch_json.organization(
                organization_id=org_id(1), organization_name="Renamed", organization_slug="renamed"
            ),
        )
    )
    store.record_discovery(email_address=EMAIL, discovered=[renamed], user=None)

    after = CachedOrganization.objects.get()
    assert after.pk == before.pk
    assert (after.organization_name, after.organization_slug) == ("Renamed", "renamed")
    assert after.membership_type == "invited_member"
    assert after.first_seen_at == before.first_seen_at
    assert after.refreshed_at > before.refreshed_at


def test_refresh_deletes_what_stytch_no_longer_returns_for_that_identity_only() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2, 3]), user=None)
    store.record_discovery(email_address="bob@other.example", discovered=listing([1, 2]), user=None)

    store.record_discovery(email_address=EMAIL, discovered=listing([2, 4]), user=None)

    assert cached_ids() == [org_id(2), org_id(4)]
    assert cached_ids("bob@other.example") == [org_id(1), org_id(2)]


def test_an_empty_list_clears_the_identity() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=None)

    store.record_discovery(email_address=EMAIL, discovered=(), user=None)

    assert cached_ids() == []


def test_refresh_is_idempotent() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2, 3]), user=None)
    first = snapshot()

    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2, 3]), user=None)
    second = snapshot()

    def without_refresh_time(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k != "refreshed_at"} for row in rows]

    assert len(second) == 3
    assert without_refresh_time(second) == without_refresh_time(first)


def test_repeated_and_organizationless_entries_do_not_break_the_refresh() -> None:
    empty = types.DiscoveredOrganization.from_json({**stytch_json.discovered(), "organization": None})

    store.record_discovery(email_address=EMAIL, discovered=(*listing([1, 1, 2]), empty), user=None)

    assert cached_ids() == [org_id(1), org_id(2)]


@pytest.mark.parametrize("size", [2, 10, 100, 500])
def test_refresh_runs_a_constant_number_of_queries(
    size: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # Half the cached organizations stay, half go, as many new ones arrive: insert, update and delete.
    store.record_discovery(email_address=EMAIL, discovered=listing(range(size)), user=None)
    fresh = listing(range(size // 2, size // 2 + size))
    assert fresh != listing(range(size))

    # One INSERT … ON CONFLICT for any number of rows (stytch_discovery.upsert), on every Django.
    with django_assert_max_num_queries(REFRESH_QUERIES) as captured:
        store.record_discovery(email_address=EMAIL, discovered=fresh, user=None)

    assert len(captured) == REFRESH_QUERIES
    assert cached_ids() == sorted(org_id(n) for n in range(size // 2, size // 2 + size))


def test_a_signed_in_user_saves_the_user_lookup(
    ada: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(REFRESH_QUERIES - 1):
        store.record_discovery(email_address=EMAIL, discovered=listing(range(50)), user=ada)

    assert CachedOrganization.objects.filter(user=ada).count() == 50


def test_a_database_error_is_logged_and_leaves_the_rows_as_they_were(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=None)
    before = snapshot()

    def fail_the_delete(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "DELETE" in sql:  # on SQLite after the INSERT ran; on PostgreSQL in the same statement
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_the_delete):
        store.record_discovery(email_address=EMAIL, discovered=listing([1, 3]), user=None)

    assert snapshot() == before  # the whole refresh rolled back, the upsert included
    (record,) = [r for r in caplog.records if r.name == "stytch_discovery.cache"]
    assert record.levelname == "WARNING"
    assert "Stytch call itself succeeded" in record.getMessage()
    assert record.exc_info is not None
    assert "disk full" in str(record.exc_info[1])


def test_nothing_is_written_when_the_cache_is_off(settings: Settings) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "CACHE_ENABLED": False}

    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)
    store.record_membership(result=membership(), user=None, created=True)

    assert not CachedOrganization.objects.exists()


# -- create and exchange -------------------------------------------------------------------------


def test_create_adds_the_organization_as_an_active_membership_next_to_the_others() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)

    store.record_membership(result=membership(), user=None, created=True)

    row = CachedOrganization.objects.get(organization_id=stytch_json.ORGANIZATION_ID)
    assert (row.email_address, row.membership_type, row.member_authenticated) == (
        EMAIL,
        "active_member",
        True,
    )
    assert row.organization_name == "Acme Co"
    assert cached_ids() == sorted([org_id(1), stytch_json.ORGANIZATION_ID])


def test_exchange_marks_an_eligible_organization_active_and_records_what_is_still_required() -> None:
    eligible = types.DiscoveredOrganization.from_json(
        stytch_json.discovered("eligible_to_join_by_email_domain")
    )
    store.record_discovery(email_address=EMAIL, discovered=[eligible], user=None)
    first_seen = CachedOrganization.objects.get().first_seen_at

    store.record_membership(result=membership(authenticated=False), user=None, created=False)

    row = CachedOrganization.objects.get()
    assert row.membership_type == "active_member"
    assert row.member_authenticated is False
    assert row.mfa_required == {"member_options": None, "secondary_auth_initiated": None}
    assert row.organization["mfa_policy"] == "REQUIRED_FOR_ALL"
    assert row.first_seen_at == first_seen


def test_no_token_from_any_answer_lands_in_any_column() -> None:
    magic = types.MagicLinkAuthentication.from_json(stytch_json.magic_link_body())
    store.record_discovery(
        email_address=magic.email_address, discovered=magic.discovered_organizations, user=None
    )
    authenticated = membership(authenticated=True)
    store.record_membership(result=authenticated, user=None, created=True)
    store.record_membership(result=membership(authenticated=False), user=None, created=False)
    assert authenticated.session_token == stytch_json.SESSION_TOKEN  # the result did carry tokens

    stored = repr(snapshot())
    assert stored.count(stytch_json.ORGANIZATION_ID) >= 1
    for token in stytch_json.TOKENS:
        assert token not in stored


# -- linking rows to a Django user ------------------------------------------------------------------


def test_the_signed_in_user_is_linked_even_with_another_email(bob: User) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=bob)

    assert CachedOrganization.objects.get().user == bob


def test_without_a_signed_in_user_the_email_owner_is_linked_case_insensitively(ada: User) -> None:
    store.record_discovery(email_address="ADA@Acme.Example", discovered=listing([1]), user=AnonymousUser())

    assert CachedOrganization.objects.get().user == ada


def test_no_one_is_linked_when_no_or_several_users_match() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)
    assert CachedOrganization.objects.get().user is None

    User.objects.create_user(username="lower", email=EMAIL)
    User.objects.create_user(username="upper", email=EMAIL.upper())
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)
    assert CachedOrganization.objects.get().user is None


def test_a_user_model_without_an_email_field_links_no_one(ada: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(User, "EMAIL_FIELD", "no_such_field")

    assert cache.default_user_resolver(email_address=EMAIL, user=None) is None


def test_an_anonymous_refresh_keeps_the_link_of_existing_rows(bob: User) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=bob)

    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=None)

    links = dict(CachedOrganization.objects.values_list("organization_id", "user"))
    assert links == {org_id(1): bob.pk, org_id(2): None}


def resolve_to_bob(*, email_address: str, user: object) -> User:
    bob: User = User.objects.get(username="bob")
    return bob


def test_the_resolver_is_replaceable(bob: User, settings: Settings) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "USER_RESOLVER": "tests.org_cache.test_store.resolve_to_bob",
    }

    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)

    assert CachedOrganization.objects.get().user == bob


# -- who sees what ----------------------------------------------------------------------------------


def test_a_user_sees_rows_linked_to_them_and_rows_for_their_email(ada: User, bob: User) -> None:
    ada.email = "Ada@Acme.Example"  # the match ignores case on both sides
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)
    store.record_discovery(email_address="ada.alias@acme.example", discovered=listing([2]), user=ada)
    store.record_discovery(email_address="bob@other.example", discovered=listing([3]), user=bob)

    assert sorted(cache.organizations_for_user(ada).values_list("organization_id", flat=True)) == [
        org_id(1),
        org_id(2),
    ]
    assert list(cache.organizations_for_user(bob).values_list("organization_id", flat=True)) == [org_id(3)]


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_anonymous_callers_see_nothing(user: AnonymousUser | None) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)

    assert list(cache.organizations_for_user(user)) == []


def _lookup_plan() -> str:
    """The database's plan for the default resolver's lookup, as the resolver runs it."""
    executed: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        cache.default_user_resolver(email_address=EMAIL.upper(), user=None)
    # As executed, with its parameters bound: CaptureQueriesContext's text has them written in,
    # which an index could match where the real query does not.
    ((sql, params),) = executed
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # the index if it can serve at all
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses to run in a transaction
def test_the_email_index_in_the_deploying_guide_serves_the_default_resolvers_lookup(ada: User) -> None:
    # deploying.md's migration, run as Django runs one: on the historical user model. SQLite can
    # use the index only because the query writes the folded letters as the index does.
    index = models.Index(EmailKey("email"), name="guide_email_key")
    historical = MigrationLoader(connection).project_state().apps.get_model(User._meta.label)
    assert "guide_email_key" not in _lookup_plan()
    with connection.schema_editor() as editor:
        editor.add_index(historical, index)
    try:
        assert cache.default_user_resolver(email_address=EMAIL.upper(), user=None) == ada
        plan = _lookup_plan()
    finally:
        with connection.schema_editor() as editor:
            editor.remove_index(historical, index)

    assert "guide_email_key" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the guide's earlier index was PostgreSQL's")
def test_the_translate_index_the_guide_gave_before_still_serves_the_lookup(ada: User) -> None:
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(
            f"CREATE INDEX readme_email_key ON {table} "
            """(TRANSLATE("email", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))"""
        )
    plan = _lookup_plan()

    assert "readme_email_key" in plan, plan


def test_a_user_without_an_email_sees_only_linked_rows(bob: User) -> None:
    nameless = User.objects.create_user(username="nameless", email="")
    store.record_discovery(email_address="x@y.example", discovered=listing([1]), user=nameless)
    store.record_discovery(email_address="bob@other.example", discovered=listing([2]), user=None)

    assert list(cache.organizations_for_user(nameless).values_list("organization_id", flat=True)) == [
        org_id(1)
    ]


def test_last_refreshed_at_is_the_newest_refresh(ada: User) -> None:
    assert cache.last_refreshed_at(cache.organizations_for_user(ada)) is None
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=ada)
    newest = timezone.now() + timedelta(hours=1)
    CachedOrganization.objects.filter(organization_id=org_id(2)).update(refreshed_at=newest)

    assert cache.last_refreshed_at(cache.organizations_for_user(ada)) == newest


# -- signals ------------------------------------------------------------------------------------------


@pytest.fixture
def received() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    calls: list[tuple[str, dict[str, Any]]] = []

    def discovered(**kwargs: Any) -> None:
        calls.append(("discovered", kwargs))

    def created(**kwargs: Any) -> None:
        calls.append(("created", kwargs))

    organizations_discovered.connect(discovered, weak=False)
    organization_created.connect(created, weak=False)
    yield calls
    organizations_discovered.disconnect(discovered)
    organization_created.disconnect(created)


def test_organizations_discovered_is_sent_after_commit(
    ada: User,
    received: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    found = listing([1, 2])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        store.record_discovery(email_address="ADA@acme.example", discovered=found, user=None)
    assert received == []

    for callback in callbacks:
        callback()

    ((name, kwargs),) = received
    assert name == "discovered"
    assert kwargs["sender"] is CachedOrganization
    assert (kwargs["email_address"], kwargs["user"], kwargs["organizations"]) == (EMAIL, ada, found)


def test_organization_created_is_sent_for_a_create_only(
    received: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    result = membership()
    with django_capture_on_commit_callbacks(execute=True):
        store.record_membership(result=result, user=None, created=False)
        store.record_membership(result=result, user=None, created=True)

    ((name, kwargs),) = received
    assert name == "created"
    assert kwargs["organization"] == result.organization
    assert kwargs["member"] == result.member
    assert kwargs["email_address"] == EMAIL
    assert "session_token" not in repr(kwargs)


def test_signals_are_sent_with_the_cache_off(
    ada: User,
    settings: Settings,
    received: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "CACHE_ENABLED": False}

    with django_capture_on_commit_callbacks(execute=True):
        store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=ada)
        store.record_membership(result=membership(), user=None, created=True)

    assert [(name, kwargs["user"]) for name, kwargs in received] == [("discovered", ada), ("created", None)]


# -- through the services, against the fake Stytch ------------------------------------------------


@pytest.fixture
def acme(fake_stytch: FakeStytch) -> FakeStytch:
    fake_stytch.seed(
        {
            "organizations": [
                {"organization_slug": "acme", "organization_name": "Acme"},
                {"organization_slug": "beta", "organization_name": "Beta"},
            ],
            "members": [{"organization_slug": "acme", "email_address": EMAIL}],
        }
    )
    return fake_stytch


def test_services_refresh_the_cache_on_success(acme: FakeStytch, ada: User) -> None:
    listed = services.list_discovered_organizations(
        intermediate_session_token=acme.mint_intermediate_session(EMAIL), user=ada
    )
    created = services.create_organization(
        intermediate_session_token=acme.mint_intermediate_session(EMAIL),
        organization_name="Gamma",
        organization_slug="gamma",
        user=ada,
    )

    rows = {row.organization_slug: row for row in cache.organizations_for_user(ada)}
    assert set(rows) == {"acme", "gamma"}
    (listed_acme,) = [item.organization for item in listed.discovered_organizations]
    assert listed_acme is not None
    assert rows["acme"].organization_id == listed_acme.organization_id
    assert rows["gamma"].organization_id == created.organization.organization_id
    assert {row.membership_type for row in rows.values()} == {"active_member"}
    assert {row.user for row in rows.values()} == {ada}


@pytest.mark.parametrize(
    ("path", "call"),
    [
        (LIST_ORGANIZATIONS, "list"),
        (CREATE_ORGANIZATION, "create"),
        (EXCHANGE_INTERMEDIATE_SESSION, "exchange"),
    ],
)
def test_a_failed_stytch_call_leaves_the_cache_exactly_as_it_was(
    acme: FakeStytch, path: str, call: str
) -> None:
    services.list_discovered_organizations(intermediate_session_token=acme.mint_intermediate_session(EMAIL))
    before = snapshot()
    assert [row["organization_slug"] for row in before] == ["acme"]
    # What a successful call changes: one more membership to list or enter, or a new organization.
    (beta,) = acme.seed({"members": [{"organization_slug": "beta", "email_address": EMAIL}]})["members"]
    ist = acme.mint_intermediate_session(EMAIL)
    calls: dict[str, Callable[[], object]] = {
        "list": lambda: services.list_discovered_organizations(intermediate_session_token=ist),
        "create": lambda: services.create_organization(
            intermediate_session_token=ist, organization_name="Gamma", organization_slug="gamma"
        ),
        "exchange": lambda: services.exchange_intermediate_session(
            intermediate_session_token=ist, organization_id=beta["organization_id"]
        ),
    }
    acme.add_fault(path, status=500, count=1)  # not retried, not consuming the IST

    with pytest.raises(StytchDiscoveryAPIError):
        calls[call]()
    assert snapshot() == before

    calls[call]()  # the same call, once the fault has passed, does change the cache
    assert snapshot() != before


# -- the cached endpoint, end to end -------------------------------------------------------------


def test_the_cached_endpoint_shows_only_the_callers_rows(ada: User, bob: User, client: Client) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=None)
    store.record_discovery(email_address="bob@other.example", discovered=listing([3]), user=bob)
    client.force_login(ada)

    body = client.get(reverse("stytch_discovery:organization-cached")).json()

    assert sorted(item["organization_id"] for item in body["organizations"]) == [org_id(1), org_id(2)]
    assert {item["email_address"] for item in body["organizations"]} == {EMAIL}
    assert body["refreshed_at"] is not None


def test_the_cached_endpoint_refuses_anonymous_callers(client: Client) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)

    response = client.get(reverse("stytch_discovery:organization-cached"))

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert org_id(1) not in response.content.decode()
