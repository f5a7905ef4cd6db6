"""Distinct addresses stay distinct: only A-Z are case-folded, in Python and in the database.

Unicode case rules merge addresses that are not the same person's (Python's ``lower()`` maps the
Kelvin sign to ``k``; PostgreSQL's ``UPPER()``, which ``iexact`` uses, maps the dotless i U+0131
to ``I`` and the long s U+017F to ``S``). Run on SQLite and, with ``DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stytch_discovery import cache
from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.org_cache import shown_to, store
from stytch_discovery.users import default_member_resolver, default_user_resolver, normalize_email
from tests.helpers.org_cache import listing
from tests.testapp.models import User

#: (one person's address, another person's) that a Unicode-aware comparison would merge.
LOOKALIKES = [
    pytest.param("\ufb00@x.com", "ff@x.com", id="ff-ligature"),
    pytest.param("\u00df@x.com", "ss@x.com", id="sharp-s"),
    pytest.param("\u212a@x.com", "k@x.com", id="kelvin-sign"),
    pytest.param("\u0131@x.com", "i@x.com", id="dotless-i"),
    pytest.param("\u0130@x.com", "i\u0307@x.com", id="turkish-dotted-I"),
    pytest.param("\u0130@x.com", "i@x.com", id="turkish-dotted-I-vs-i"),
    pytest.param("\u017f@x.com", "s@x.com", id="long-s"),
    pytest.param("ada@\u212aelvin.example", "ada@kelvin.example", id="kelvin-in-the-domain"),
]


@pytest.mark.parametrize(("mine", "theirs"), LOOKALIKES)
def test_normalization_keeps_lookalikes_apart(mine: str, theirs: str) -> None:
    assert normalize_email(mine) != normalize_email(theirs)
    assert normalize_email(mine) == mine  # nothing to fold: no A-Z in it


def test_normalization_folds_ascii_case_and_trims_ascii_blanks_only() -> None:
    assert normalize_email("  Ada.Lovelace@Acme.EXAMPLE\t") == "ada.lovelace@acme.example"
    assert normalize_email("ada@acme.example\u3000") == "ada@acme.example\u3000"
    assert normalize_email("\u00c9ve@x.com") == "\u00c9ve@x.com"  # not a-z: left as is


@pytest.mark.django_db
@pytest.mark.parametrize(("mine", "theirs"), LOOKALIKES)
def test_the_user_link_never_picks_another_persons_account(mine: str, theirs: str) -> None:
    User.objects.create(username="owner", email=mine)

    assert default_user_resolver(email_address=theirs, user=None) is None
    assert default_member_resolver(email_address=theirs, member_id="member-test-1") != User.objects.get(
        username="owner"
    )


@pytest.mark.django_db
def test_the_user_link_still_ignores_ascii_case() -> None:
    owner = User.objects.create(username="owner", email="Ada@Acme.example")

    assert default_user_resolver(email_address="ada@ACME.example", user=None) == owner


@pytest.mark.django_db
@pytest.mark.parametrize(("mine", "theirs"), LOOKALIKES)
def test_a_signed_in_user_never_reads_another_persons_cached_organizations(mine: str, theirs: str) -> None:
    me = User.objects.create(username="me", email=mine)
    store.record_discovery(email_address=theirs, discovered=listing([1, 2]), user=None)

    assert list(cache.organizations_for_user(me)) == []
    assert shown_to(me) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("mine", "theirs"), LOOKALIKES)
def test_another_persons_rows_are_never_linked_to_my_account(mine: str, theirs: str) -> None:
    me = User.objects.create(username="me", email=mine)
    store.record_discovery(email_address=theirs, discovered=listing([1]), user=None)

    assert not cache.organizations_for_user(me).exists()
    assert all(row.user_id is None for row in CachedOrganization.objects.all())


@pytest.mark.django_db
def test_my_rows_are_mine_whatever_the_ascii_case() -> None:
    me = User.objects.create(username="me", email="Ada@Acme.example")
    store.record_discovery(email_address="ADA@acme.EXAMPLE", discovered=listing([1]), user=None)

    assert [row.organization_id for row in cache.organizations_for_user(me)] == ["organization-test-00000001"]
    assert CachedOrganization.objects.get().user_id == me.pk


@pytest.mark.django_db(transaction=True)
def test_migration_0006_drops_the_keys_the_old_lowering_may_have_merged() -> None:
    call_command("migrate", "stytch_discovery", "0005", verbosity=0)
    try:
        old = (
            MigrationExecutor(connection)
            .loader.project_state(("stytch_discovery", "0005_cached_identity"))
            .apps
        )
        rows, identities = (
            old.get_model("stytch_discovery", "CachedOrganization"),
            old.get_model("stytch_discovery", "CachedIdentity"),
        )
        # What str.lower() stored for the Kelvin sign, for the dotted I, and for plain addresses.
        for key in ("k@x.com", "i\u0307@x.com", "ada@acme.example", "bo@x.com"):
            rows.objects.create(
                email_address=key, organization_id="organization-test-1", membership_type="active_member"
            )
            identities.objects.create(email_address=key)
    finally:
        call_command("migrate", "stytch_discovery", verbosity=0)

    assert sorted(CachedOrganization.objects.values_list("email_address", flat=True)) == [
        "ada@acme.example",
        "bo@x.com",
    ]
    assert sorted(CachedIdentity.objects.values_list("email_address", flat=True)) == [
        "ada@acme.example",
        "bo@x.com",
    ]
