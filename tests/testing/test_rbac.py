"""RBAC: the project policy, organization policies, seeded roles, and roles in sessions."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from stytch_discovery.testing import ApiError, FakeStytch

from .helpers import EXCHANGE, POLICY, Call, Get, assert_stytch_error
from .shapes import assert_envelope, assert_organization

ADA = "ada@acme.example"
RESERVED_RESOURCES = {"stytch.organization", "stytch.member", "stytch.sso", "stytch.self", "stytch.scim"}

POLICY_SEED: dict[str, Any] = {
    "resources": [
        {"resource_id": "document", "description": "Documents", "actions": ["read", "write", "delete"]},
        {"resource_id": "invoice", "actions": ["read", "pay"]},
    ],
    "roles": [
        {
            "role_id": "editor",
            "description": "Edits documents",
            "permissions": [{"resource_id": "document", "actions": ["read", "write"]}],
        },
        {"role_id": "stytch_member", "permissions": [{"resource_id": "document", "actions": ["read"]}]},
    ],
    "organizations": [
        {
            "organization_slug": "acme",
            "rbac_email_implicit_role_assignments": [{"domain": "acme.example", "role_id": "billing"}],
            "custom_roles": [
                {"role_id": "billing", "permissions": [{"resource_id": "invoice", "actions": ["*"]}]}
            ],
        }
    ],
    "members": [{"organization_slug": "acme", "email_address": ADA, "roles": ["editor"]}],
}


def roles_by_id(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {role["role_id"]: role for role in body["roles"]}


def test_default_policy_has_the_reserved_roles_and_resources(get: Get) -> None:
    response = get(POLICY)
    assert response.status_code == 200
    body = response.json()
    assert_envelope(body)
    policy = body["policy"]
    assert policy["scopes"] == []
    roles = roles_by_id(policy)
    assert set(roles) == {"stytch_member", "stytch_admin"}
    assert roles["stytch_member"]["permissions"] == [{"resource_id": "stytch.self", "actions": ["*"]}]
    assert {p["resource_id"] for p in roles["stytch_admin"]["permissions"]} == RESERVED_RESOURCES
    resources = {resource["resource_id"]: resource for resource in policy["resources"]}
    assert set(resources) == RESERVED_RESOURCES
    assert "update.settings.roles" in resources["stytch.member"]["actions"]
    assert all(resource["description"] for resource in resources.values())


def test_policy_needs_basic_auth(get: Get) -> None:
    assert_stytch_error(get(POLICY, auth=None), 401, "unauthorized_credentials")


def test_seeded_policy_is_served(fake: FakeStytch, get: Get) -> None:
    seeded = fake.seed(POLICY_SEED)
    assert [role["role_id"] for role in seeded["roles"]] == ["editor", "stytch_member"]
    policy = get(POLICY).json()["policy"]
    roles = roles_by_id(policy)
    assert roles["editor"] == {
        "role_id": "editor",
        "description": "Edits documents",
        "permissions": [{"resource_id": "document", "actions": ["read", "write"]}],
    }
    # Seeding a reserved role adds to its permissions.
    assert roles["stytch_member"]["permissions"] == [
        {"resource_id": "stytch.self", "actions": ["*"]},
        {"resource_id": "document", "actions": ["read"]},
    ]
    assert "billing" not in roles  # an organization's role, not the project's
    invoice = next(r for r in policy["resources"] if r["resource_id"] == "invoice")
    assert invoice == {"resource_id": "invoice", "description": "", "actions": ["read", "pay"]}


def test_organization_policy_and_custom_roles(fake: FakeStytch, get: Get) -> None:
    (acme,) = fake.seed(POLICY_SEED)["organizations"]
    assert_organization(acme)
    billing = {
        "role_id": "billing",
        "description": "",
        "permissions": [{"resource_id": "invoice", "actions": ["*"]}],
    }
    assert acme["custom_roles"] == [billing]
    org_id = acme["organization_id"]
    # The SDK sends the id in the path and as a query parameter.
    response = get(f"/v1/b2b/rbac/organizations/{org_id}?organization_id={org_id}")
    assert response.status_code == 200
    assert_envelope(response.json())
    assert response.json()["org_policy"] == {"roles": [billing]}
    assert get("/v1/b2b/rbac/organizations/acme").json()["org_policy"] == {"roles": [billing]}


def test_organization_policy_of_an_organization_without_roles_is_empty(fake: FakeStytch, get: Get) -> None:
    fake.seed({"organizations": [{"organization_slug": "plain"}]})
    assert get("/v1/b2b/rbac/organizations/plain").json()["org_policy"] == {"roles": []}


def test_organization_policy_of_an_unknown_organization_is_404(get: Get) -> None:
    response = get("/v1/b2b/rbac/organizations/organization-test-nope")
    assert_stytch_error(response, 404, "organization_not_found")


def test_policy_routes_are_get_only(call: Call) -> None:
    assert_stytch_error(call(POLICY), 405, "method_not_allowed")


def test_member_roles_reach_the_member_and_the_session(fake: FakeStytch, call: Call) -> None:
    fake.seed(POLICY_SEED)
    body = call(
        EXCHANGE,
        {"intermediate_session_token": fake.mint_intermediate_session(ADA), "organization_id": "acme"},
    ).json()
    sources = {role["role_id"]: role["sources"] for role in body["member"]["roles"]}
    assert sources == {
        "stytch_member": [{"type": "direct_assignment", "details": {}}],
        "editor": [{"type": "direct_assignment", "details": {}}],
        "billing": [{"type": "email_assignment", "details": {"email_domain": "acme.example"}}],
    }
    assert body["member"]["is_admin"] is False
    expected = ["stytch_member", "editor", "billing"]
    assert body["member_session"]["roles"] == expected
    claims = jwt.decode(body["session_jwt"], options={"verify_signature": False})
    assert claims["https://stytch.com/session"]["roles"] == expected


def test_a_member_seeded_with_stytch_admin_is_an_admin(fake: FakeStytch) -> None:
    fake.seed({"organizations": [{"organization_slug": "acme"}]})
    (member,) = fake.seed(
        {"members": [{"organization_slug": "acme", "email_address": ADA, "roles": ["stytch_admin"]}]}
    )["members"]
    assert member["is_admin"] is True
    assert [role["role_id"] for role in member["roles"]] == ["stytch_member", "stytch_admin"]


BAD_SEEDS: list[tuple[dict[str, Any], str]] = [
    ({"resources": [{"resource_id": "stytch.mine", "actions": ["read"]}]}, "reserved prefix"),
    ({"resources": [{"resource_id": "document", "actions": []}]}, "no actions"),
    ({"resources": [{"resource_id": "document", "actions": ["*"]}]}, "explicit star"),
    ({"resources": [{"resource_id": "stytch.self", "actions": ["x"]}]}, "reserved resource"),
    (
        {"roles": [{"role_id": "editor", "permissions": [{"resource_id": "nope", "actions": ["read"]}]}]},
        "resource",
    ),
    (
        {
            "roles": [
                {"role_id": "editor", "permissions": [{"resource_id": "stytch.sso", "actions": ["fly"]}]}
            ]
        },
        "action",
    ),
    ({"roles": [{"role_id": "stytch_owner"}]}, "reserved role id"),
    ({"roles": [{"role_id": "editor"}, {"role_id": "editor"}]}, "duplicate role"),
    ({"roles": [{"role_id": "editor", "permissions": {"resource_id": "x"}}]}, "permissions shape"),
    (
        {
            "roles": [{"role_id": "editor"}],
            "organizations": [{"organization_slug": "ok", "custom_roles": [{"role_id": "editor"}]}],
        },
        "org role reuses a project role",
    ),
    (
        {
            "organizations": [{"organization_slug": "ok"}],
            "members": [{"organization_slug": "ok", "email_address": ADA, "roles": ["ghost"]}],
        },
        "unknown member role",
    ),
]


@pytest.mark.parametrize(("data", "why"), BAD_SEEDS, ids=[why for _, why in BAD_SEEDS])
def test_bad_rbac_seed_is_400_and_stores_nothing(
    fake: FakeStytch, control: Call, get: Get, data: dict[str, Any], why: str
) -> None:
    assert_stytch_error(control("seed", data), 400, "invalid_argument")
    policy = get(POLICY).json()["policy"]
    assert set(roles_by_id(policy)) == {"stytch_member", "stytch_admin"}
    assert {resource["resource_id"] for resource in policy["resources"]} == RESERVED_RESOURCES
    assert fake.app.state.organizations == {}


def test_an_organization_role_is_not_granted_to_members_of_another(fake: FakeStytch) -> None:
    fake.seed(POLICY_SEED)
    fake.seed({"organizations": [{"organization_slug": "globex"}]})
    refused = {"members": [{"organization_slug": "globex", "email_address": ADA, "roles": ["billing"]}]}
    with pytest.raises(ApiError, match="Unknown roles"):
        fake.seed(refused)


def test_reset_restores_the_default_policy(fake: FakeStytch, get: Get) -> None:
    fake.seed(POLICY_SEED)
    fake.reset()
    policy = get(POLICY).json()["policy"]
    assert set(roles_by_id(policy)) == {"stytch_member", "stytch_admin"}
    assert len(roles_by_id(policy)["stytch_member"]["permissions"]) == 1
