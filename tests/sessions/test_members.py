"""Stytch members as Django users: who is linked, who is created, and first sign-ins in a race."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from stytch_discovery.models import StytchMember
from stytch_discovery.sessions import members
from stytch_discovery.types import Member, Organization
from tests.testapp.models import User

EMAIL = "ada@acme.example"


def member(member_id: str = "member-test-1", email: str = EMAIL, organization: str = "acme") -> Member:
    return Member.from_json(
        {
            "member_id": member_id,
            "organization_id": f"organization-test-{organization}",
            "email_address": email,
            "status": "active",
            "name": "Ada Lovelace",
        }
    )


def organization(slug: str = "acme") -> Organization:
    return Organization.from_json(
        {
            "organization_id": f"organization-test-{slug}",
            "organization_name": slug.title(),
            "organization_slug": slug,
        }
    )


def link(**kwargs: Any) -> Any:
    slug = kwargs.pop("organization", "acme")
    return members.link_member(member=member(organization=slug, **kwargs), organization=organization(slug))


@pytest.mark.django_db
def test_a_new_member_becomes_a_new_user_who_cannot_log_in_with_a_password() -> None:
    user = link()

    assert user is not None
    assert (user.username, user.email, user.first_name) == (EMAIL, EMAIL, "Ada Lovelace")
    assert not user.has_usable_password()
    row = StytchMember.objects.get(member_id="member-test-1")
    assert (row.user, row.organization_slug, row.organization_name, row.name) == (
        user,
        "acme",
        "Acme",
        "Ada Lovelace",
    )


@pytest.mark.django_db
def test_an_existing_user_with_the_email_is_linked_not_duplicated() -> None:
    ada = User.objects.create(username="ada", email="Ada@Acme.example")

    assert link() == ada
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_one_person_in_two_organizations_is_one_user() -> None:
    first = link(member_id="member-test-1", organization="acme")
    second = link(member_id="member-test-2", organization="beta")

    assert first == second
    assert StytchMember.objects.filter(user=first).count() == 2


@pytest.mark.django_db
def test_with_creation_off_an_unmatched_member_stays_without_a_user(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "CREATE_USERS": False}

    assert link() is None
    assert StytchMember.objects.get().user is None
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_a_username_taken_by_someone_else_is_never_reused() -> None:
    other = User.objects.create(username=EMAIL, email="someone.else@example.com")

    user = link()

    assert user is not None
    assert user != other
    assert user.username == "stytch-member-test-1"


@pytest.mark.django_db
def test_the_link_follows_renames_at_stytch() -> None:
    link()
    renamed = Organization.from_json(
        {
            "organization_id": "organization-test-acme",
            "organization_name": "Acme Corp",
            "organization_slug": "acme-corp",
        }
    )

    members.link_member(member=member(), organization=renamed)

    row = StytchMember.objects.get()
    assert (row.organization_name, row.organization_slug) == ("Acme Corp", "acme-corp")


@pytest.mark.django_db
def test_a_resolver_of_the_projects_own_is_used(settings: Any) -> None:
    bob = User.objects.create(username="bob", email="bob@example.com")
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "MEMBER_RESOLVER": "tests.sessions.test_members.everyone_is_bob",
    }

    assert link() == bob


def everyone_is_bob(*, email_address: str, member_id: str, name: str) -> User:
    bob: User = User.objects.get(username="bob")
    return bob


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_first_sign_ins_make_one_user_and_one_link() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite's lock serializes writers anyway)"
        )
    barrier = threading.Barrier(20)
    results: list[Any] = []
    errors: list[BaseException] = []

    def sign_in() -> None:
        try:
            barrier.wait()
            results.append(link())
        except BaseException as error:  # an IntegrityError would land here
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_in) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 20
    assert len({user.pk for user in results}) == 1
    assert StytchMember.objects.count() == 1
    assert User.objects.count() == 1
