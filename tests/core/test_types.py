"""Typed results: parsing Stytch's JSON, keeping unknown fields, never showing a token."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from stytch_discovery.types import (
    DiscoveredOrganization,
    DiscoveredOrganizations,
    MagicLinkAuthentication,
    MemberAuthentication,
    Membership,
    Organization,
    parse_timestamp,
)
from tests.helpers import stytch_json as wire


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06-01T12:00:00Z", datetime(2025, 6, 1, 12, tzinfo=timezone.utc)),
        ("2025-06-01T12:00:00z", datetime(2025, 6, 1, 12, tzinfo=timezone.utc)),
        ("2025-06-01T14:00:00+02:00", datetime(2025, 6, 1, 12, tzinfo=timezone.utc)),
        (None, None),
        ("", None),
    ],
)
def test_parse_timestamp(text: str | None, expected: datetime | None) -> None:
    assert parse_timestamp(text) == expected


def test_parse_timestamp_is_aware() -> None:
    parsed = parse_timestamp("2025-06-01T12:00:00.123456Z")

    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


def test_organization_keeps_unknown_fields_and_defaults_the_logo() -> None:
    org = Organization.from_json(wire.organization(organization_logo_url=None))

    assert org.organization_id == wire.ORGANIZATION_ID
    assert org.organization_slug == "acme-co"
    assert org.organization_logo_url == ""
    assert org.raw["future_organization_field"] == "kept"
    assert org.raw["mfa_policy"] == "OPTIONAL"


def test_membership_of_an_eligible_org_has_no_member() -> None:
    membership = Membership.from_json(
        {"type": "eligible_to_join_by_email_domain", "details": {"domain": "acme.example"}, "member": None}
    )

    assert membership.member is None
    assert membership.details == {"domain": "acme.example"}


def test_discovered_organization_parses_requirements() -> None:
    found = DiscoveredOrganization.from_json(
        wire.discovered(
            "invited_member",
            primary_required={"allowed_auth_methods": ["magic_link"]},
            mfa_required={"member_options": None, "secondary_auth_initiated": None},
        )
    )

    assert found.organization is not None
    assert found.organization.organization_name == "Acme Co"
    assert found.membership is not None
    assert found.membership.type == "invited_member"
    assert found.member_authenticated is False
    assert found.primary_required == {"allowed_auth_methods": ["magic_link"]}
    assert found.mfa_required == {"member_options": None, "secondary_auth_initiated": None}


def test_discovered_organization_tolerates_missing_optional_objects() -> None:
    found = DiscoveredOrganization.from_json({"member_authenticated": False})

    assert (found.organization, found.membership, found.primary_required, found.mfa_required) == (
        None,
        None,
        None,
        None,
    )


def test_list_result() -> None:
    result = DiscoveredOrganizations.from_json(wire.list_body(organization_id_hint=""))

    assert result.email_address == wire.EMAIL
    assert result.request_id == wire.REQUEST_ID
    assert result.organization_id_hint is None
    assert [found.membership.type for found in result.discovered_organizations if found.membership] == [
        "active_member",
        "eligible_to_join_by_email_domain",
    ]
    active = result.discovered_organizations[0].membership
    assert active is not None
    assert active.member is not None
    assert active.member.member_id == wire.MEMBER_ID
    assert active.member.is_admin is True
    assert active.member.raw["future_member_field"] == "kept"


def test_authenticated_member_result() -> None:
    result = MemberAuthentication.from_json(wire.authentication_body())

    assert result.member_authenticated is True
    assert result.session_token == wire.SESSION_TOKEN
    assert result.session_jwt == wire.SESSION_JWT
    assert result.intermediate_session_token == ""
    assert result.member.email_address == wire.EMAIL
    assert result.organization.organization_id == wire.ORGANIZATION_ID
    assert result.member_session is not None
    assert result.member_session.roles == ("stytch_member", "stytch_admin")
    assert result.member_session.expires_at == datetime(2025, 6, 1, 13, tzinfo=timezone.utc)
    assert result.mfa_required is None
    assert result.intermediate_session_token_expires_at is None


def test_mfa_required_member_result() -> None:
    result = MemberAuthentication.from_json(wire.authentication_body(authenticated=False))

    assert result.member_authenticated is False
    assert result.member_session is None
    assert result.session_token == ""
    assert result.intermediate_session_token == wire.IST
    assert result.mfa_required == {"member_options": None, "secondary_auth_initiated": None}
    assert result.intermediate_session_token_expires_at == datetime(2025, 6, 1, 12, 10, tzinfo=timezone.utc)


def test_magic_link_result() -> None:
    result = MagicLinkAuthentication.from_json(wire.magic_link_body())

    assert result.intermediate_session_token == wire.IST
    assert result.email_address == wire.EMAIL
    assert len(result.discovered_organizations) == 1


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(MemberAuthentication.from_json(wire.authentication_body()), id="authenticated"),
        pytest.param(MemberAuthentication.from_json(wire.authentication_body(authenticated=False)), id="mfa"),
        pytest.param(MagicLinkAuthentication.from_json(wire.magic_link_body()), id="magic-link"),
        pytest.param(
            DiscoveredOrganizations.from_json(wire.list_body(session_token=wire.SESSION_TOKEN)), id="list"
        ),
    ],
)
def test_results_never_show_a_token(result: object) -> None:
    shown = repr(result) + str(result) + repr(getattr(result, "raw", {}))

    for token in wire.TOKENS:
        assert token not in shown
    assert "member_id" in repr(result) or "email_address" in repr(result)


def test_results_are_frozen() -> None:
    result = MemberAuthentication.from_json(wire.authentication_body())

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.session_token = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("missing", ["member_id", "member", "organization", "request_id"])
def test_missing_required_field_raises_key_error(missing: str) -> None:
    body = wire.authentication_body()
    del body[missing]

    with pytest.raises(KeyError):
        MemberAuthentication.from_json(body)


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(DiscoveredOrganizations.from_json(wire.list_body()), id="list"),
        pytest.param(MemberAuthentication.from_json(wire.authentication_body()), id="authenticated"),
        pytest.param(MagicLinkAuthentication.from_json(wire.magic_link_body()), id="magic-link"),
    ],
)
def test_fast_construction_sets_every_field(result: Any) -> None:
    """``from_json`` skips the generated ``__init__``; the objects must not notice."""
    built: list[Any] = [result]
    while built:
        item = built.pop()
        values = {spec.name: getattr(item, spec.name) for spec in dataclasses.fields(item)}
        assert type(item)(**values) == item
        for value in values.values():
            nested = value if isinstance(value, tuple) else (value,)
            built.extend(child for child in nested if dataclasses.is_dataclass(child))
