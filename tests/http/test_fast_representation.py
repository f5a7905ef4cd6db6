"""``represent`` (the response fast path) gives exactly what the serializers give."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework import serializers as drf

from stytch_discovery.discovery.serializers import (
    CachedOrganizationsSerializer,
    DiscoveredOrganizationsSerializer,
)
from stytch_discovery.internal.http.fields import utc_datetime
from stytch_discovery.internal.http.represent import represent
from stytch_discovery.models import CachedOrganization
from stytch_discovery.sessions.serializers import MemberAuthenticationSerializer
from stytch_discovery.types import DiscoveredOrganizations
from tests.helpers import stytch_json as sj
from tests.helpers.mfa import MASKED, PHONE

MEMBERSHIP_TYPES = (
    "active_member",
    "pending_member",
    "invited_member",
    "eligible_to_join_by_email_domain",
    "eligible_to_join_by_oauth_tenant",
)


def realistic_listing(count: int) -> DiscoveredOrganizations:
    """``count`` organizations covering every membership type and each optional part."""
    items = []
    for number in range(count):
        membership_type = MEMBERSHIP_TYPES[number % len(MEMBERSHIP_TYPES)]
        organization = sj.organization(
            organization_id=f"organization-test-{number:04d}",
            organization_name=f"Org {number} ünïcode",
            organization_slug=f"org-{number}",
            organization_logo_url=f"https://logo.example/{number}.png" if number % 2 else "",
        )
        if number % 3 == 0:  # Stytch sent all three: the serializer reads them from ``raw``
            organization |= {"auth_methods": "RESTRICTED", "allowed_auth_methods": ["sso", "magic_link"]}
        if number % 4 == 0:
            del organization["mfa_policy"]  # absent: the serializer's default applies
        items.append(
            sj.discovered(
                membership_type,
                organization=organization,
                primary_required={"allowed_auth_methods": ["sso"]} if number % 5 == 1 else None,
                mfa_required=(
                    {"member_options": {"mfa_phone_number": PHONE}, "secondary_auth_initiated": None}
                    if number % 7 == 2
                    else None
                ),
            )
        )
    body = sj.list_body(discovered_organizations=items, organization_id_hint="organization-test-0003")
    return DiscoveredOrganizations.from_json(body)


def as_json(data: Any) -> str:
    return json.dumps(data, sort_keys=False)


def test_list_answer_is_identical_to_the_serializer() -> None:
    result = realistic_listing(40)
    data = {
        "email_address": result.email_address,
        "organization_id_hint": result.organization_id_hint,
        "can_create_organization": True,
        "discovered_organizations": result.discovered_organizations,
    }
    expected = DiscoveredOrganizationsSerializer(data).data
    assert as_json(represent(DiscoveredOrganizationsSerializer, data)) == as_json(expected)
    assert PHONE not in as_json(expected)  # both mask it (MemberOptionsField)
    assert json.dumps(MASKED) in as_json(expected)


def test_cached_answer_is_identical_to_the_serializer() -> None:
    moment = datetime(2025, 6, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    rows = [
        CachedOrganization(
            email_address=sj.EMAIL,
            organization_id=f"organization-test-{number}",
            organization_name=f"Org {number}",
            organization_slug=f"org-{number}",
            organization_logo_url="",
            membership_type=MEMBERSHIP_TYPES[number % len(MEMBERSHIP_TYPES)],
            member_authenticated=number % 2 == 0,
            primary_required={"allowed_auth_methods": ["sso"]} if number == 1 else None,
            mfa_required={"member_options": None, "secondary_auth_initiated": "sms_otp"}
            if number == 2
            else None,
            first_seen_at=moment - timedelta(days=number),
            refreshed_at=moment,
        )
        for number in range(6)
    ]
    answers: list[dict[str, Any]] = [
        {"refreshed_at": moment, "organizations": rows},
        {"refreshed_at": None, "organizations": []},
    ]
    for data in answers:
        expected = CachedOrganizationsSerializer(data).data
        assert as_json(represent(CachedOrganizationsSerializer, data)) == as_json(expected)


class Optional(drf.Serializer[Any]):
    shown = drf.CharField()
    hidden = drf.CharField(required=False)


def test_optional_fields_without_a_value_are_left_out_as_drf_does() -> None:
    assert represent(Optional, {"shown": "x"}) == dict(Optional({"shown": "x"}).data) == {"shown": "x"}


def test_a_serializer_that_shapes_its_own_output_is_refused() -> None:
    with pytest.raises(TypeError, match="MemberAuthenticationSerializer"):
        represent(MemberAuthenticationSerializer, None)


class Shapes(drf.Serializer[Any]):
    flag = drf.BooleanField()
    when = utc_datetime(allow_null=True)
    dashed = drf.CharField(source="raw.some-key", default="")
    keyword = drf.CharField(source="raw.class", default="")
    choice = drf.ChoiceField(choices=[("a", "A"), ("1", "One")])
    count = drf.IntegerField()
    names = drf.ListField(child=drf.CharField(), default=list)


SHAPES: list[dict[str, Any]] = [
    {
        "flag": True,
        "when": datetime(2025, 6, 1, 12, tzinfo=timezone.utc),
        "raw": {},
        "choice": "a",
        "count": 3,
    },
    {
        "flag": 1,
        "when": datetime(2025, 6, 1, 12, 0, 0, 5, tzinfo=timezone(timedelta(hours=2))),
        "raw": {"some-key": 7, "class": "k"},
        "choice": 1,
        "count": "4",
        "names": ["x", 5, None],
    },
    {"flag": "false", "when": None, "raw": {"class": None}, "choice": "zz", "count": 0},
    {
        "flag": False,
        "when": datetime(2025, 6, 1, 12, 0, 0, 999999, tzinfo=timezone.utc),
        "choice": "",
        "count": 1,
    },
]


@pytest.mark.parametrize("instance", SHAPES)
def test_every_field_kind_gives_what_drf_gives(instance: dict[str, Any]) -> None:
    assert as_json(represent(Shapes, instance)) == as_json(Shapes(instance).data)


def test_objects_are_read_by_attribute_like_mappings_by_key() -> None:
    instance = SimpleNamespace(**{**SHAPES[1], "raw": SimpleNamespace(**{"class": "k"})})

    assert as_json(represent(Shapes, instance)) == as_json(Shapes(instance).data)


@pytest.mark.parametrize("output_format", ["%Y-%m-%d", None])
def test_a_project_datetime_format_is_followed(settings: Any, output_format: str | None) -> None:
    settings.REST_FRAMEWORK = {"DATETIME_FORMAT": output_format}
    moment = datetime(2025, 6, 1, 12, tzinfo=timezone.utc)

    shown = represent(Shapes, {**SHAPES[0], "when": moment})["when"]

    assert shown == Shapes({**SHAPES[0], "when": moment}).data["when"]
    assert shown == (moment if output_format is None else "2025-06-01")


def test_a_missing_required_source_raises_as_drf_does() -> None:
    with pytest.raises(KeyError):
        Shapes({"flag": True}).data  # noqa: B018 - the property does the work
    with pytest.raises(KeyError):
        represent(Shapes, {"flag": True})
