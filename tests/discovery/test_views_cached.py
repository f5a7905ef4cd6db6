"""``GET discovery/organizations/cached``: the signed-in user's cache, without calling Stytch."""

from __future__ import annotations

from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from stytch_discovery.types import parse_timestamp
from tests.helpers.api import EMAIL, ist_cookie, post, seed_orgs, stytch_calls, url
from tests.testapp.models import User

CACHED_KEYS = {
    "organization_id",
    "organization_name",
    "organization_slug",
    "organization_logo_url",
    "membership_type",
    "member_authenticated",
    "primary_required",
    "mfa_required",
    "email_address",
    "first_seen_at",
    "refreshed_at",
}


def test_cached_lists_what_the_last_discovery_found(api: APIClient, fake_stytch: FakeStytch) -> None:
    ids = seed_orgs(fake_stytch)
    api.force_login(User.objects.create(username="ada", email=EMAIL))
    ist_cookie(api, fake_stytch)
    assert post(api, "discovery/organizations").status_code == 200
    calls = stytch_calls(fake_stytch)

    response = api.get(url("discovery/organizations/cached"))
    assert response.status_code == 200
    data = response.json()
    assert stytch_calls(fake_stytch) == calls
    by_slug = {row["organization_slug"]: row for row in data["organizations"]}
    assert set(by_slug) == {"acme", "vault", "ssoonly"}
    acme = by_slug["acme"]
    assert set(acme) == CACHED_KEYS
    assert acme["organization_id"] == ids["acme"]
    assert acme["membership_type"] == "active_member"
    assert acme["email_address"] == EMAIL
    assert by_slug["ssoonly"]["primary_required"] == {"allowed_auth_methods": ["sso"]}
    assert by_slug["vault"]["mfa_required"] is not None
    assert data["refreshed_at"] == max(row["refreshed_at"] for row in data["organizations"])
    refreshed_at = parse_timestamp(data["refreshed_at"])
    assert refreshed_at is not None
    assert refreshed_at.tzinfo is not None


def test_cached_is_empty_before_any_discovery(api: APIClient) -> None:
    api.force_login(User.objects.create(username="bo", email="bo@acme.example"))
    assert api.get(url("discovery/organizations/cached")).json() == {
        "refreshed_at": None,
        "organizations": [],
    }


def test_cached_never_shows_another_users_organizations(api: APIClient, fake_stytch: FakeStytch) -> None:
    seed_orgs(fake_stytch)
    api.force_login(User.objects.create(username="ada", email=EMAIL))
    ist_cookie(api, fake_stytch)
    post(api, "discovery/organizations")

    other = APIClient()
    other.force_login(User.objects.create(username="eve", email="eve@evil.example"))
    assert other.get(url("discovery/organizations/cached")).json()["organizations"] == []


def test_cached_includes_a_created_organization(api: APIClient, fake_stytch: FakeStytch) -> None:
    api.force_login(User.objects.create(username="ada", email=EMAIL))
    ist_cookie(api, fake_stytch)
    post(api, "discovery/organizations/create", {"organization_slug": "newco", "organization_name": "NewCo"})
    rows = api.get(url("discovery/organizations/cached")).json()["organizations"]
    assert [(row["organization_slug"], row["membership_type"]) for row in rows] == [
        ("newco", "active_member")
    ]


def test_cached_shows_when_a_list_that_changed_nothing_ran(api: APIClient, fake_stytch: FakeStytch) -> None:
    seed_orgs(fake_stytch)
    api.force_login(User.objects.create(username="ada", email=EMAIL))
    ist_cookie(api, fake_stytch)
    post(api, "discovery/organizations")
    first = api.get(url("discovery/organizations/cached")).json()

    assert post(api, "discovery/organizations").status_code == 200  # the same answer: no row rewritten

    again = api.get(url("discovery/organizations/cached")).json()
    assert parse_timestamp(again["refreshed_at"]) > parse_timestamp(first["refreshed_at"])  # type: ignore[operator]
    assert {row["refreshed_at"] for row in again["organizations"]} == {again["refreshed_at"]}
    assert [row["first_seen_at"] for row in again["organizations"]] == [
        row["first_seen_at"] for row in first["organizations"]
    ]
