"""``models.DiscoveredOrganization``: keys, constraints and the link to the (custom) user model."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from stytch_discovery.models import CachedOrganization, MembershipType
from tests.helpers.org_cache import EMAIL
from tests.testapp.models import User

pytestmark = pytest.mark.django_db


def make(**fields: object) -> CachedOrganization:
    values: dict[str, object] = {
        "email_address": EMAIL,
        "organization_id": "organization-test-1",
        "organization_name": "Acme",
        "membership_type": MembershipType.ACTIVE_MEMBER,
        **fields,
    }
    row: CachedOrganization = CachedOrganization.objects.create(**values)
    return row


def test_membership_types_are_stytchs() -> None:
    # The five relationship types of the contract (stytch-contract.md section 3.1).
    assert set(MembershipType.values) == {
        "active_member",
        "pending_member",
        "invited_member",
        "eligible_to_join_by_email_domain",
        "eligible_to_join_by_oauth_tenant",
    }


def test_one_row_per_identity_and_organization() -> None:
    make()
    make(email_address="bob@acme.example")  # same organization, another identity
    make(organization_id="organization-test-2")  # same identity, another organization

    with pytest.raises(IntegrityError), transaction.atomic():
        make()

    assert CachedOrganization.objects.count() == 3


def test_defaults_and_str() -> None:
    row = make(organization_name="")

    assert row.user is None
    assert row.member_authenticated is False
    assert (row.primary_required, row.mfa_required, row.organization) == (None, None, {})
    assert row.first_seen_at is not None
    assert row.refreshed_at is not None
    assert str(row) == f"{EMAIL} → organization-test-1"
    assert str(make(organization_id="organization-test-2")) == f"{EMAIL} → Acme"


def test_deleting_the_user_keeps_the_rows_unlinked() -> None:
    user: User = User.objects.create_user(username="ada", email=EMAIL)
    row = make(user=user)
    assert list(user.stytch_discovered_organizations.all()) == [row]

    user.delete()

    row.refresh_from_db()
    assert row.user is None


def test_long_names_and_logo_urls_are_kept_whole() -> None:
    name = "N" * 1000
    logo = "https://logo.example/" + "x" * 3000
    make(organization_name=name, organization_logo_url=logo)

    row = CachedOrganization.objects.get()
    assert (row.organization_name, row.organization_logo_url) == (name, logo)
