"""A list that changes nothing writes one row; every other list still converges to Stytch's answer.

``store.record_discovery`` digests the rows it would write (``CachedIdentity.digest``). These
tests change each thing a refresh writes, one at a time, and check that the cache then holds
exactly what a refresh of an empty cache would, and that an unchanged list moves only
``CachedIdentity.refreshed_at``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stytch_discovery import cache, org_cache, types
from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.org_cache import store
from tests.helpers import stytch_json
from tests.helpers.org_cache import EMAIL, cached_ids, listing, org_id, refreshed, snapshot
from tests.testapp.models import User

pytestmark = pytest.mark.django_db

OTHER = "other@acme.example"
#: What every row of an identity holds apart from the identity, the row id and the timestamps.
CONTENT = (
    "organization_id",
    "organization_name",
    "organization_slug",
    "organization_logo_url",
    "membership_type",
    "member_authenticated",
    "primary_required",
    "mfa_required",
    "organization",
    "user_id",
)


@pytest.fixture
def ada() -> User:
    user: User = User.objects.create_user(username="ada", email=EMAIL)
    return user


@pytest.fixture
def bob() -> User:
    user: User = User.objects.create_user(username="bob", email="bob@other.example")
    return user


def content(email_address: str = EMAIL) -> list[dict[str, Any]]:
    rows = CachedOrganization.objects.filter(email_address=email_address).order_by("organization_id")
    return list(rows.values(*CONTENT))


def identity(email_address: str = EMAIL) -> CachedIdentity:
    found: CachedIdentity = CachedIdentity.objects.get(email_address=email_address)
    return found


def entry(
    number: int, membership_type: str = "active_member", **changes: Any
) -> types.DiscoveredOrganization:
    """Organization ``number`` as ``listing`` builds it, with ``changes`` to its JSON."""
    organization = {
        **stytch_json.organization(
            organization_id=org_id(number),
            organization_name=f"Org {number}",
            organization_slug=f"org-{number}",
        ),
        **changes.pop("organization", {}),
    }
    return types.DiscoveredOrganization.from_json(
        stytch_json.discovered(membership_type, organization=organization, **changes)
    )


# -- an unchanged list ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [0, 1, 10, 500])
def test_an_unchanged_list_is_two_small_queries_and_leaves_every_row_as_it_was(size: int) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing(range(size)), user=None)
    before, listed = snapshot(), identity().refreshed_at

    with CaptureQueriesContext(connection) as captured:
        store.record_discovery(email_address=EMAIL, discovered=listing(range(size)), user=None)

    # Outside a transaction (no ATOMIC_REQUESTS): the user lookup, then one UPDATE of one row.
    assert [query["sql"].split()[0] for query in captured] == ["SELECT", "UPDATE"]
    assert CachedIdentity._meta.db_table in captured[1]["sql"]
    assert snapshot() == before  # every column of every row, refreshed_at included
    assert identity().refreshed_at > listed


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_unchanged_list_is_one_query(ada: User) -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing(range(20)), user=ada)

    with CaptureQueriesContext(connection) as captured:
        store.record_discovery(email_address=EMAIL, discovered=listing(range(20)), user=ada)

    assert [query["sql"].split()[0] for query in captured] == ["UPDATE"]


def test_inside_a_transaction_an_unchanged_list_adds_a_savepoint_and_the_lock() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing(range(20)), user=None)

    with CaptureQueriesContext(connection) as captured:  # the test runs in a transaction
        store.record_discovery(email_address=EMAIL, discovered=listing(range(20)), user=None)

    verbs = [query["sql"].split()[0] for query in captured]
    lock = ["SELECT"] if connection.vendor == "postgresql" else []  # pg_advisory_xact_lock
    assert verbs == ["SAVEPOINT", *lock, "SELECT", "UPDATE", "RELEASE"]


def test_the_order_stytch_lists_organizations_in_does_not_count_as_a_change() -> None:
    refreshed(listing([3, 1, 2]))

    assert refreshed(listing([2, 3, 1])) is False
    assert cached_ids() == [org_id(1), org_id(2), org_id(3)]


def test_an_unchanged_list_tells_the_signal_nothing_changed() -> None:
    assert refreshed(listing([1, 2])) is True

    assert refreshed(listing([1, 2])) is False
    assert refreshed(listing([1])) is True


def test_each_identity_has_its_own_digest() -> None:
    store.record_discovery(email_address=OTHER, discovered=listing([1, 2]), user=None)

    assert refreshed(listing([1, 2])) is True  # the same answer, but for an identity not cached yet
    assert content() == [{**row, "user_id": None} for row in content(OTHER)]


# -- every change is written --------------------------------------------------------------------------

CHANGES: dict[str, Callable[[], types.DiscoveredOrganization]] = {
    "organization name": lambda: entry(2, organization={"organization_name": "Renamed"}),
    "organization slug": lambda: entry(2, organization={"organization_slug": "renamed"}),
    "logo URL": lambda: entry(2, organization={"organization_logo_url": "https://logo.example/2.png"}),
    "a field only the raw JSON keeps": lambda: entry(2, organization={"future_organization_field": "new"}),
    "a nested raw field": lambda: entry(2, organization={"mfa_policy": "REQUIRED_FOR_ALL"}),
    "membership type": lambda: dataclasses.replace(
        entry(2, "invited_member"), member_authenticated=True
    ),  # the same member_authenticated as before: only the type changes
    "member_authenticated": lambda: dataclasses.replace(entry(2), member_authenticated=False),
    "primary authentication required": lambda: entry(2, primary_required={"allowed_auth_methods": ["sso"]}),
    "MFA required": lambda: entry(2, mfa_required={"member_options": None, "secondary_auth_initiated": None}),
    "a requirement's detail": lambda: entry(2, primary_required={"allowed_auth_methods": []}),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_column_a_refresh_writes_is_part_of_the_digest(change: str) -> None:
    base = listing([1, 2, 3])
    if change == "a requirement's detail":
        base = (base[0], entry(2, primary_required={"allowed_auth_methods": ["sso"]}), base[2])
    refreshed(base)
    changed = (base[0], CHANGES[change](), base[2])
    assert changed[1] != base[1]

    assert refreshed(changed) is True

    # Exactly what a refresh of an empty cache writes for that answer.
    store.record_discovery(email_address=OTHER, discovered=changed, user=None)
    assert content() == content(OTHER)
    assert refreshed(changed) is False  # and the new digest holds from then on


@pytest.mark.parametrize(("now", "then"), [([1, 2], [1, 2, 3]), ([1, 2, 3], [1, 3]), ([1], [])])
def test_an_organization_added_or_gone_is_written(now: list[int], then: list[int]) -> None:
    refreshed(listing(now))

    assert refreshed(listing(then)) is True
    assert cached_ids() == [org_id(n) for n in then]


def test_a_row_deleted_behind_the_cache_is_written_again() -> None:
    refreshed(listing([1, 2, 3]))
    CachedOrganization.objects.filter(organization_id=org_id(2)).delete()  # by hand, or by the prune

    assert refreshed(listing([1, 2, 3])) is True
    assert cached_ids() == [org_id(1), org_id(2), org_id(3)]


def test_an_exchange_clears_the_digest_so_the_next_list_writes_what_stytch_says() -> None:
    eligible = (entry(1, "eligible_to_join_by_email_domain"),)
    refreshed(eligible)
    body = stytch_json.authentication_body(authenticated=True)
    body["organization"] = stytch_json.organization(
        organization_id=org_id(1), organization_name="Org 1", organization_slug="org-1"
    )
    store.record_membership(result=types.MemberAuthentication.from_json(body), user=None, created=False)
    assert CachedOrganization.objects.get().membership_type == "active_member"
    assert identity().digest == ""

    # Stytch still says eligible (the exchange needed MFA, say): the cache must say so again.
    assert refreshed(eligible) is True
    assert CachedOrganization.objects.get().membership_type == "eligible_to_join_by_email_domain"


# -- the user link ------------------------------------------------------------------------------------


def test_a_signed_in_list_links_rows_an_anonymous_list_wrote(bob: User) -> None:
    refreshed(listing([1, 2]))
    assert set(CachedOrganization.objects.values_list("user", flat=True)) == {None}

    assert refreshed(listing([1, 2]), user=bob) is True
    assert set(CachedOrganization.objects.values_list("user", flat=True)) == {bob.pk}
    assert refreshed(listing([1, 2]), user=bob) is False


def test_another_signed_in_user_relinks_every_row(ada: User, bob: User) -> None:
    refreshed(listing([1, 2]), user=bob)

    assert refreshed(listing([1, 2]), user=ada) is True
    assert set(CachedOrganization.objects.values_list("user", flat=True)) == {ada.pk}


def test_rows_of_mixed_links_are_relinked_by_the_next_signed_in_list(bob: User) -> None:
    refreshed(listing([1]), user=bob)
    refreshed(listing([1, 2]))  # anonymous: row 2 links no one, row 1 keeps bob
    assert dict(CachedOrganization.objects.values_list("organization_id", "user")) == {
        org_id(1): bob.pk,
        org_id(2): None,
    }

    assert refreshed(listing([1, 2]), user=bob) is True
    assert set(CachedOrganization.objects.values_list("user", flat=True)) == {bob.pk}


def test_an_anonymous_unchanged_list_keeps_the_links(bob: User) -> None:
    refreshed(listing([1, 2]), user=bob)

    assert refreshed(listing([1, 2])) is False
    assert set(CachedOrganization.objects.values_list("user", flat=True)) == {bob.pk}


def test_a_user_created_since_is_linked_by_the_next_anonymous_list() -> None:
    refreshed(listing([1, 2]))
    ada = User.objects.create_user(username="ada", email=EMAIL)  # the default resolver now finds her

    assert refreshed(listing([1, 2])) is True
    assert set(CachedOrganization.objects.values_list("user", flat=True)) == {ada.pk}


def test_deleting_the_linked_user_unlinks_the_rows_and_the_identity(bob: User) -> None:
    refreshed(listing([1, 2]), user=bob)

    bob.delete()

    assert identity().user is None
    assert refreshed(listing([1, 2])) is False  # an anonymous list would not link anyone either
    assert set(CachedOrganization.objects.values_list("user", flat=True)) == {None}


# -- when it was refreshed ----------------------------------------------------------------------------


@pytest.fixture
def an_hour_ago() -> None:
    """The identity's rows were written an hour ago, then an unchanged list ran just now."""
    refreshed(listing([1, 2]))
    hour_ago = timezone.now() - timedelta(hours=1)
    CachedOrganization.objects.update(refreshed_at=hour_ago)
    CachedIdentity.objects.update(refreshed_at=hour_ago)
    assert refreshed(listing([1, 2])) is False


@pytest.mark.usefixtures("an_hour_ago")
def test_last_refreshed_at_counts_an_unchanged_list(ada: User) -> None:
    listed = identity().refreshed_at
    assert abs(timezone.now() - listed) < timedelta(minutes=1)

    assert cache.last_refreshed_at(cache.organizations_for_user(ada)) == listed
    # Rows read any other way too (one query for their identities' times).
    assert cache.last_refreshed_at(list(CachedOrganization.objects.all())) == listed
    assert cache.last_refreshed_at([]) is None


@pytest.mark.usefixtures("an_hour_ago")
def test_a_row_written_after_the_last_list_keeps_its_own_time(ada: User) -> None:
    created = timezone.now() + timedelta(minutes=5)
    CachedOrganization.objects.filter(organization_id=org_id(2)).update(refreshed_at=created)

    rows = {row.organization_id: row for row in cache.organizations_for_user(ada)}

    assert cache.last_refreshed_at(rows.values()) == created
    assert rows[org_id(1)].listed_at == identity().refreshed_at  # type: ignore[attr-defined]


def test_the_cached_endpoints_read_is_organizations_for_user_with_the_later_time(
    ada: User, bob: User
) -> None:
    refreshed(listing([1, 2]))  # ada's email, anonymous
    store.record_discovery(email_address="alias@acme.example", discovered=listing([3]), user=ada)
    store.record_discovery(email_address="bob@other.example", discovered=listing([4]), user=bob)
    CachedOrganization.objects.update(refreshed_at=timezone.now() - timedelta(hours=1))
    assert refreshed(listing([1, 2])) is False  # moves only the identity's time
    nameless = User.objects.create_user(username="nameless", email="")

    for user in (ada, bob, nameless, None):
        rows = list(cache.organizations_for_user(user))
        expected = [
            {
                **{name: getattr(row, name) for name in org_cache.SHOWN_FIELDS},
                "refreshed_at": max(row.refreshed_at, row.listed_at or row.refreshed_at),  # type: ignore[attr-defined]
            }
            for row in rows
        ]
        assert org_cache.shown_to(user) == expected
    assert [row["organization_id"] for row in org_cache.shown_to(ada)] == [org_id(1), org_id(2), org_id(3)]
    assert org_cache.shown_to(ada)[0]["refreshed_at"] == identity().refreshed_at
