"""Control endpoints: seed, mint an IST, clock; and their Python twins."""

from __future__ import annotations

from typing import Any

import pytest

from stytch_discovery.testing import ApiError, FakeStytch

from .helpers import LIST, Call, assert_stytch_error
from .shapes import assert_member, assert_organization


def test_seed_over_http_returns_the_created_objects(control: Call) -> None:
    response = control(
        "seed",
        {
            "organizations": [
                {
                    "organization_slug": "acme",
                    "organization_name": "Acme",
                    "organization_id": "organization-test-fixed",
                },
                {"organization_slug": "globex"},
            ],
            "members": [
                {"organization_slug": "acme", "email_address": "ada@acme.example", "is_admin": True},
                {
                    "organization_id": "organization-test-fixed",
                    "email_address": "bo@acme.example",
                    "status": "invited",
                },
            ],
            "identities": [{"email_address": "cy@acme.example", "oauth_tenants": {"github": ["g"]}}],
        },
    )
    assert response.status_code == 200
    body = response.json()
    acme, globex = body["organizations"]
    assert acme["organization_id"] == "organization-test-fixed"
    assert globex["organization_name"] == "globex"
    for organization in body["organizations"]:
        assert_organization(organization)
    ada, bo = body["members"]
    for member in body["members"]:
        assert_member(member)
    assert ada["is_admin"] is True
    assert bo["status"] == "invited"
    assert body["identities"] == [{"email_address": "cy@acme.example", "oauth_tenants": {"github": ["g"]}}]


@pytest.mark.parametrize(
    ("data", "error_type"),
    [
        ({"organizations": [{"organization_name": "no slug"}]}, "bad_request"),
        ({"organizations": [{"organization_slug": "x"}]}, "invalid_organization_slug"),
        (
            {"organizations": [{"organization_slug": "ok", "mfa_policy": "x"}]},
            "invalid_organization_mfa_policy",
        ),
        (
            {"organizations": [{"organization_slug": "ok", "email_allowed_domains": ["gmail.com"]}]},
            "organization_settings_domain_too_common",
        ),
        (
            {"organizations": [{"organization_slug": "ok"}, {"organization_slug": "ok"}]},
            "organization_slug_already_used",
        ),
        (
            {"members": [{"organization_slug": "missing", "email_address": "a@b.example"}]},
            "organization_not_found",
        ),
        (
            {
                "organizations": [{"organization_slug": "ok"}],
                "members": [{"organization_slug": "ok", "email_address": "bad"}],
            },
            "invalid_email",
        ),
        (
            {
                "organizations": [{"organization_slug": "ok"}],
                "members": [{"organization_slug": "ok", "email_address": "a@b.example", "status": "deleted"}],
            },
            "invalid_argument",
        ),
        (
            {
                "organizations": [{"organization_slug": "ok"}],
                "members": [
                    {"organization_slug": "ok", "email_address": "a@b.example"},
                    {"organization_slug": "ok", "email_address": "A@b.example"},
                ],
            },
            "duplicate_member_email",
        ),
        (
            {"identities": [{"email_address": "a@b.example", "oauth_tenants": {"x": []}}]},
            "invalid_oauth_allowed_tenants_format",
        ),
        ({"organizations": {"organization_slug": "ok"}}, "invalid_argument"),
    ],
)
def test_bad_seed_is_400_and_stores_nothing(
    fake: FakeStytch, control: Call, data: dict[str, Any], error_type: str
) -> None:
    assert_stytch_error(
        control("seed", data), 400 if error_type != "organization_not_found" else 404, error_type
    )
    # Nothing was kept: the same slug can be seeded now.
    fake.seed({"organizations": [{"organization_slug": "ok"}]})
    assert len(fake.app.state.organizations) == 1


def test_python_seed_raises_api_error(fake: FakeStytch) -> None:
    with pytest.raises(ApiError) as raised:
        fake.seed({"organizations": [{"organization_slug": "!"}]})
    assert (raised.value.status, raised.value.error_type) == (400, "invalid_organization_slug")


def test_mint_intermediate_session_over_http(control: Call, call: Call) -> None:
    response = control("intermediate_sessions", {"email_address": "ada@acme.example"})
    body = response.json()
    assert set(body) == {"intermediate_session_token", "expires_at"}
    listed = call(LIST, {"intermediate_session_token": body["intermediate_session_token"]})
    assert listed.json()["email_address"] == "ada@acme.example"
    assert_stytch_error(control("intermediate_sessions", {"email_address": "nope"}), 400, "invalid_email")


def test_clock_over_http_expires_ists(control: Call, call: Call, ist: str) -> None:
    response = control("clock", {"advance_seconds": 601})
    assert response.status_code == 200
    assert response.json()["now"].endswith("Z")
    assert response.json()["offset_seconds"] == 601
    assert_stytch_error(
        call(LIST, {"intermediate_session_token": ist}), 404, "intermediate_session_not_found"
    )
    # Back in time: the IST (never consumed) is within its ten minutes again.
    assert control("clock", {"advance_seconds": -601}).json()["offset_seconds"] == 0
    assert call(LIST, {"intermediate_session_token": ist}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"advance_seconds": 1, "offset_seconds": 1}, {"advance_seconds": "soon"}, {"offset_seconds": True}],
)
def test_clock_needs_one_number(control: Call, body: dict[str, Any]) -> None:
    assert_stytch_error(control("clock", body), 400, "invalid_argument")


def test_clock_offset_sets_not_adds(fake: FakeStytch, control: Call) -> None:
    fake.advance_clock(100)
    assert control("clock", {"offset_seconds": -5}).json()["offset_seconds"] == -5
    fake.set_clock_offset(30)
    fake.advance_clock(-10)
    assert fake.app.control.clock()["offset_seconds"] == 20


def test_outbox_over_http_is_empty_at_first(control: Call) -> None:
    assert control("outbox").json() == {"messages": []}
