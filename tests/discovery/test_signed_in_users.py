"""Signed-in Django users whose email is not the one Stytch proved: who the rows and members link to.

Carol is signed into Django as carol@home.example and signs in at Stytch as ada@acme.example
(a shared laptop, a work address that is not her login). The organization cache's rows belong
to the user ``USER_RESOLVER`` names (the signed-in one, by default); the Stytch member belongs to
the user ``MEMBER_RESOLVER`` names (by the member's own email, never by who is signed in). No
one else's rows show on the cached endpoint. Every address here is lower-case: the case rules
of email matching are not what these tests are about.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.models import CachedIdentity, CachedOrganization, StytchMember
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, seed_orgs, url
from tests.testapp.models import User

CAROL_EMAIL = "carol@home.example"
BO_EMAIL = "bo@beta.example"
CACHED = "discovery/organizations/cached"


@pytest.fixture
def carol(db: None) -> User:
    user: User = User.objects.create(username="carol", email=CAROL_EMAIL)
    return user


@pytest.fixture
def orgs(fake_stytch: FakeStytch) -> dict[str, str]:
    """Ada's three organizations, and Beta where only Bo is a member."""
    ids = seed_orgs(fake_stytch)
    seeded = fake_stytch.seed(
        {
            "organizations": [{"organization_slug": "beta", "organization_name": "Beta"}],
            "members": [{"organization_slug": "beta", "email_address": BO_EMAIL}],
        }
    )
    return {**ids, "beta": seeded["organizations"][0]["organization_id"]}


def signed_in_client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def list_as(client: APIClient, fake: FakeStytch, email: str) -> None:
    ist_cookie(client, fake, email)
    assert post(client, "discovery/organizations").status_code == 200


def cached_slugs(client: APIClient) -> list[str]:
    response = client.get(url(CACHED))
    assert response.status_code == 200, response.content
    return sorted(row["organization_slug"] for row in response.json()["organizations"])


def test_a_signed_in_user_owns_the_rows_of_the_identity_they_listed(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User
) -> None:
    client = signed_in_client(carol)
    list_as(client, fake_stytch, EMAIL)

    rows = CachedOrganization.objects.filter(email_address=EMAIL)
    assert {row.user_id for row in rows} == {carol.pk}
    assert CachedIdentity.objects.get(email_address=EMAIL).user_id == carol.pk
    answer = client.get(url(CACHED)).json()
    assert sorted(row["organization_slug"] for row in answer["organizations"]) == ["acme", "ssoonly", "vault"]
    assert {row["email_address"] for row in answer["organizations"]} == {EMAIL}


def test_no_other_users_rows_are_shown(fake_stytch: FakeStytch, orgs: dict[str, str], carol: User) -> None:
    carols = signed_in_client(carol)
    list_as(carols, fake_stytch, EMAIL)
    erin = User.objects.create(username="erin", email="erin@home.example")
    erins = signed_in_client(erin)
    list_as(erins, fake_stytch, BO_EMAIL)  # Erin signs in at Stytch as Bo
    dave = signed_in_client(User.objects.create(username="dave", email="dave@other.example"))

    assert cached_slugs(carols) == ["acme", "ssoonly", "vault"]
    assert cached_slugs(erins) == ["beta"]
    assert cached_slugs(dave) == []
    assert set(CachedOrganization.objects.filter(email_address=BO_EMAIL).values_list("user", flat=True)) == {
        erin.pk
    }


def test_the_last_signed_in_user_to_list_an_identity_takes_its_rows(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User
) -> None:
    carols = signed_in_client(carol)
    list_as(carols, fake_stytch, EMAIL)
    dave = User.objects.create(username="dave", email="dave@other.example")
    daves = signed_in_client(dave)
    list_as(daves, fake_stytch, EMAIL)

    assert set(CachedOrganization.objects.filter(email_address=EMAIL).values_list("user", flat=True)) == {
        dave.pk
    }
    assert cached_slugs(daves) == ["acme", "ssoonly", "vault"]
    assert cached_slugs(carols) == []


def test_an_anonymous_list_keeps_the_rows_with_their_user(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User
) -> None:
    carols = signed_in_client(carol)
    list_as(carols, fake_stytch, EMAIL)
    list_as(signed_in_client(None), fake_stytch, EMAIL)

    assert set(CachedOrganization.objects.filter(email_address=EMAIL).values_list("user", flat=True)) == {
        carol.pk
    }
    assert cached_slugs(carols) == ["acme", "ssoonly", "vault"]


def test_an_anonymous_list_links_no_one_when_no_user_has_the_email(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User
) -> None:
    list_as(signed_in_client(None), fake_stytch, EMAIL)

    assert set(CachedOrganization.objects.filter(email_address=EMAIL).values_list("user", flat=True)) == {
        None
    }
    assert cached_slugs(signed_in_client(carol)) == []


def resolve_to_no_one(*, email_address: str, user: Any) -> None:
    """A ``USER_RESOLVER`` that never links: the rows stay unlinked even for a signed-in user."""
    return None


def test_the_user_resolver_decides_the_link(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "USER_RESOLVER": "tests.discovery.test_signed_in_users.resolve_to_no_one",
    }
    carols = signed_in_client(carol)
    list_as(carols, fake_stytch, EMAIL)

    assert set(CachedOrganization.objects.filter(email_address=EMAIL).values_list("user", flat=True)) == {
        None
    }
    assert cached_slugs(carols) == []


def enter_acme(client: Any, fake: FakeStytch) -> Any:
    client.cookies[app_settings.IST_COOKIE_NAME] = fake.mint_intermediate_session(EMAIL)
    # Encoded here: Django's Client and DRF's APIClient (3.15 sends str() of a dict) alike.
    response = client.post(
        url("discovery/intermediate-sessions/exchange"),
        json.dumps({"organization_id": "acme"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_the_member_is_linked_by_its_own_email_not_to_the_signed_in_user(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User
) -> None:
    client = signed_in_client(carol)
    member_id = enter_acme(client, fake_stytch)["member"]["member_id"]

    link = StytchMember.objects.select_related("user").get(member_id=member_id)
    assert link.email_address == EMAIL
    assert link.user is not None
    assert link.user.pk != carol.pk
    assert link.user.email == EMAIL  # a new user, made for the member
    # The organization row the exchange cached goes to the member's user, not to Carol.
    assert (
        CachedOrganization.objects.get(email_address=EMAIL, organization_id=orgs["acme"]).user_id
        == link.user.pk
    )
    assert cached_slugs(signed_in_client(carol)) == []  # Carol alone, by her Django session
    # The client now holds the member session as well, and a member session comes first.
    assert cached_slugs(client) == ["acme"]


def test_the_member_is_linked_to_the_existing_user_with_its_email(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User
) -> None:
    ada = User.objects.create(username="ada", email=EMAIL)
    member_id = enter_acme(signed_in_client(carol), fake_stytch)["member"]["member_id"]

    assert StytchMember.objects.get(member_id=member_id).user_id == ada.pk
    assert User.objects.count() == 2  # no user created


def test_a_member_session_is_the_members_user_on_the_cached_endpoint(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User
) -> None:
    carols = signed_in_client(carol)
    list_as(carols, fake_stytch, EMAIL)  # Carol's rows
    enter_acme(carols, fake_stytch)
    member = APIClient()  # the member session's cookies only, no Django session
    for name in (app_settings.SESSION_COOKIE_NAME, app_settings.SESSION_JWT_COOKIE_NAME):
        member.cookies[name] = carols.cookies[name].value
    erin = User.objects.create(username="erin", email="erin@home.example")
    list_as(signed_in_client(erin), fake_stytch, BO_EMAIL)

    slugs = cached_slugs(member)

    # The member's user sees the rows of its email (whoever they link to), never Bo's.
    assert slugs == ["acme", "ssoonly", "vault"]
    assert "beta" not in slugs


def test_with_django_session_login_the_django_session_becomes_the_members_user(
    fake_stytch: FakeStytch, orgs: dict[str, str], carol: User, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "DJANGO_SESSION_LOGIN": True}
    client = Client()
    client.force_login(carol)
    member_id = enter_acme(client, fake_stytch)["member"]["member_id"]

    linked = StytchMember.objects.get(member_id=member_id).user_id
    assert linked != carol.pk
    assert str(client.session[SESSION_KEY]) == str(linked)
