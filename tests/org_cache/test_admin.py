"""The read-only admin of the cache, with the custom user model of the test settings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stytch_discovery.models import CachedIdentity, CachedOrganization, StytchMember
from stytch_discovery.org_cache import store
from tests.helpers.org_cache import EMAIL, listing, org_id, snapshot
from tests.testapp.models import User

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:stytch_discovery_cachedorganization_changelist")


@pytest.fixture
def admin_user() -> User:
    """pytest-django's superuser, without a password: hashing one costs a second per test."""
    user: User = User.objects.create_superuser(username="admin", email="admin@example.com", password=None)
    return user


@pytest.fixture
def rows() -> None:
    grace: User = User.objects.create_user(username="grace-hopper", email="grace@navy.example")
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=None)
    store.record_discovery(
        email_address="grace@navy.example",
        discovered=listing([3], membership_type="invited_member"),
        user=grace,
    )


def change_url(organization_id: str) -> str:
    row = CachedOrganization.objects.get(organization_id=organization_id)
    return reverse("admin:stytch_discovery_cachedorganization_change", args=[row.pk])


def listed(admin_client: Client, **query: str) -> list[str]:
    """The organization names on the changelist page for ``query``."""
    response = admin_client.get(CHANGELIST, query)
    assert response.status_code == 200
    return sorted(row.organization_name for row in response.context["cl"].result_list)


@pytest.mark.usefixtures("rows")
def test_the_changelist_renders_every_column(admin_client: Client) -> None:
    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Org 1", "org-2", EMAIL, "grace-hopper", "Invited member", "Active member"):
        assert text in page
    assert listed(admin_client) == ["Org 1", "Org 2", "Org 3"]


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Org 3", ["Org 3"]),  # name
        ("org-2", ["Org 2"]),  # slug
        (org_id(1), ["Org 1"]),  # organization id
        ("ada@acme", ["Org 1", "Org 2"]),  # email
        ("grace-hop", ["Org 3"]),  # the user's USERNAME_FIELD
    ],
)
def test_search_covers_name_slug_id_email_and_user(
    admin_client: Client, term: str, expected: list[str]
) -> None:
    assert listed(admin_client, q=term) == expected


@pytest.mark.usefixtures("rows")
def test_filters_and_date_hierarchy(admin_client: Client) -> None:
    assert listed(admin_client, membership_type__exact="invited_member") == ["Org 3"]
    assert listed(admin_client, member_authenticated__exact="1") == ["Org 1", "Org 2"]
    row = CachedOrganization.objects.get(organization_id=org_id(1))
    assert len(listed(admin_client, refreshed_at__year=str(row.refreshed_at.year))) == 3


@pytest.mark.usefixtures("rows")
def test_the_changelist_query_count_does_not_grow_with_the_rows(admin_client: Client) -> None:
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    many_users = User.objects.bulk_create(
        User(username=f"user{n}", email=f"user{n}@acme.example") for n in range(20)
    )
    for user in many_users:
        store.record_discovery(email_address=user.email, discovered=listing([1, 2]), user=user)

    with CaptureQueriesContext(connection) as many:
        assert len(admin_client.get(CHANGELIST).context["cl"].result_list) == 43

    assert len(many) == len(few)  # list_select_related: no query per row's user


def test_adding_is_refused(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:stytch_discovery_cachedorganization_add"))

    assert response.status_code == 403


@pytest.mark.usefixtures("rows")
def test_the_change_view_is_read_only_and_a_post_changes_nothing(admin_client: Client) -> None:
    url = change_url(org_id(1))
    before = snapshot()

    page = admin_client.get(url)
    posted = admin_client.post(url, {"organization_name": "Hacked", "email_address": "x@y.example"})

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="organization_name"' not in html  # no input fields
    assert "&quot;future_organization_field&quot;: &quot;kept&quot;" in html  # the raw JSON, pretty-printed
    assert "<pre>" in html
    assert posted.status_code == 403
    assert snapshot() == before


@pytest.mark.usefixtures("rows")
def test_deleting_purges_a_row(admin_client: Client) -> None:
    url = reverse(
        "admin:stytch_discovery_cachedorganization_delete",
        args=[CachedOrganization.objects.get(organization_id=org_id(1)).pk],
    )

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert sorted(CachedOrganization.objects.values_list("organization_id", flat=True)) == [
        org_id(2),
        org_id(3),
    ]


def test_the_member_links_are_listed_read_only_with_their_user(admin_client: Client) -> None:
    ada = User.objects.create(username="ada", email=EMAIL)
    StytchMember.objects.create(
        member_id="member-test-1",
        organization_id=org_id(1),
        organization_name="Org 1",
        organization_slug="org-1",
        email_address=EMAIL,
        user=ada,
    )

    listing = admin_client.get(
        reverse("admin:stytch_discovery_stytchmember_changelist"), {"q": "member-test-1"}
    )

    assert listing.status_code == 200
    assert b"ada" in listing.content
    assert b"Org 1" in listing.content
    assert admin_client.get(reverse("admin:stytch_discovery_stytchmember_add")).status_code == 403
    row = StytchMember.objects.get()
    change = admin_client.post(
        reverse("admin:stytch_discovery_stytchmember_change", args=[row.pk]), {"user": ""}
    )
    assert change.status_code == 403
    assert StytchMember.objects.get().user == ada


def test_the_identities_are_listed_read_only_and_deleting_one_only_costs_a_rewrite(
    admin_client: Client,
) -> None:
    ada = User.objects.create(username="ada", email=EMAIL)
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=ada)
    identity = CachedIdentity.objects.get()
    changelist = reverse("admin:stytch_discovery_cachedidentity_changelist")

    page = admin_client.get(changelist, {"q": "ada"})

    assert page.status_code == 200
    assert [row.email_address for row in page.context["cl"].result_list] == [EMAIL]
    assert admin_client.get(reverse("admin:stytch_discovery_cachedidentity_add")).status_code == 403
    change = reverse("admin:stytch_discovery_cachedidentity_change", args=[identity.pk])
    assert admin_client.post(change, {"organization_count": "9"}).status_code == 403
    assert CachedIdentity.objects.get().organization_count == 2
    delete = reverse("admin:stytch_discovery_cachedidentity_delete", args=[identity.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not CachedIdentity.objects.exists()
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 2]), user=ada)  # rewrites
    assert CachedIdentity.objects.get().organization_count == 2
    assert sorted(CachedOrganization.objects.values_list("organization_id", flat=True)) == [
        org_id(1),
        org_id(2),
    ]
