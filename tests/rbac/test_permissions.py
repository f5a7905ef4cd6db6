"""Authorization by the member session's roles and the project's RBAC policy, in DRF and plain views."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.rbac import policy as policy_module
from stytch_discovery.rbac.checks import require_organization
from stytch_discovery.rbac.policy import Policy, policies
from stytch_discovery.sessions import services
from stytch_discovery.sessions.types import MemberSession
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL
from tests.helpers.sessions import sign_in

POLICY = "/v1/b2b/rbac/policy"

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(fake_stytch: FakeStytch) -> dict[str, str]:
    seeded = fake_stytch.seed(
        {
            "resources": [{"resource_id": "documents", "description": "", "actions": ["read", "write"]}],
            "roles": [
                {"role_id": "reader", "permissions": [{"resource_id": "documents", "actions": ["read"]}]},
                {"role_id": "owner", "permissions": [{"resource_id": "documents", "actions": ["*"]}]},
            ],
            "organizations": [
                {"organization_slug": "acme", "organization_name": "Acme"},
                {"organization_slug": "beta", "organization_name": "Beta"},
            ],
            "members": [
                {"organization_slug": "acme", "email_address": EMAIL, "roles": ["reader"]},
                {
                    "organization_slug": "acme",
                    "email_address": "boss@acme.example",
                    "roles": ["owner"],
                    "is_admin": True,
                },
                {"organization_slug": "beta", "email_address": EMAIL},
            ],
        }
    )
    return {org["organization_slug"]: org["organization_id"] for org in seeded["organizations"]}


def member(fake: FakeStytch, email: str = EMAIL, organization: str = "acme") -> APIClient:
    client = APIClient()
    sign_in(client, fake, organization=organization, email=email)
    return client


def test_a_member_view_needs_a_session(api: APIClient, db: None) -> None:
    response = api.get("/host/drf/me")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize(("email", "status"), [(EMAIL, 403), ("boss@acme.example", 200)])
def test_a_role_view_needs_the_role(
    fake_stytch: FakeStytch, orgs: dict[str, str], email: str, status: int
) -> None:
    response = member(fake_stytch, email).get("/host/drf/admin")

    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["code"] == "permission_denied"


def test_the_policy_grants_by_role_and_the_star_action(fake_stytch: FakeStytch, orgs: dict[str, str]) -> None:
    reader = member(fake_stytch)
    owner = member(fake_stytch, "boss@acme.example")

    assert reader.get(f"/host/drf/organizations/{orgs['acme']}/documents").status_code == 200
    assert owner.get(f"/host/drf/organizations/{orgs['acme']}/documents").status_code == 200
    assert owner.get("/host/drf/organizations/acme/documents").status_code == 200  # by slug too


def test_without_the_permission_it_is_a_403(fake_stytch: FakeStytch, orgs: dict[str, str]) -> None:
    response = member(fake_stytch, organization="beta").get(
        f"/host/drf/organizations/{orgs['beta']}/documents"
    )

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_the_url_must_name_the_sessions_own_organization(
    fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    response = member(fake_stytch, "boss@acme.example").get(
        f"/host/drf/organizations/{orgs['beta']}/documents"
    )

    assert (response.status_code, response.json()["code"]) == (403, "organization_mismatch")


@pytest.mark.parametrize("view", ["/host/drf", "/host/plain"])
def test_a_slug_spelled_like_another_organizations_id_does_not_pass_for_that_organization(
    fake_stytch: FakeStytch, orgs: dict[str, str], view: str, settings: Any
) -> None:
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, "stytch_discovery.middleware.StytchSessionMiddleware"]
    # A slug is up to 128 of [A-Za-z0-9._~-]: anyone creating an organization may pick Acme's id.
    impostor = "organization-test-impostor"
    fake_stytch.seed(
        {
            "organizations": [
                {"organization_id": impostor, "organization_slug": orgs["acme"], "organization_name": "Evil"}
            ],
            "members": [
                {"organization_id": impostor, "email_address": "mallory@evil.example", "roles": ["owner"]}
            ],
        }
    )
    client = Client()
    client.cookies = member(fake_stytch, "mallory@evil.example", impostor).cookies
    assert client.get("/host/plain/whoami").json()["organization_id"] == impostor

    response = client.get(f"{view}/organizations/{orgs['acme']}/documents")

    assert (response.status_code, response.json()["code"]) == (403, "organization_mismatch")


@pytest.mark.parametrize("named", [42, "organization-live-acme", "ACME", ""])
def test_a_url_value_that_is_not_the_sessions_id_or_slug_is_a_mismatch(named: object) -> None:
    session = MemberSession.from_json(
        {
            "member_session_id": "s",
            "member_id": "m",
            "organization_id": "organization-live-1",
            "organization_slug": "acme",
        }
    )
    require_organization(session, "acme")
    require_organization(session, "organization-live-1")

    with pytest.raises(Problem) as refused:
        require_organization(session, named)
    assert refused.value.code == "organization_mismatch"


def test_the_policy_is_fetched_once_and_kept_for_five_minutes(
    fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    reader = member(fake_stytch)
    for _ in range(3):
        assert reader.get(f"/host/drf/organizations/{orgs['acme']}/documents").status_code == 200
    policies.clear()  # another process: Django's cache is shared
    assert reader.get(f"/host/drf/organizations/{orgs['acme']}/documents").status_code == 200

    assert fake_stytch.stats()["requests"][POLICY] == 1


class Clock:
    """``time`` for the policy module, ``offset`` seconds ahead of the real one."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def monotonic(self) -> float:
        return time.monotonic() + self.offset


def test_a_process_keeps_the_shared_policy_only_for_the_time_it_has_left(
    fake_stytch: FakeStytch, orgs: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(policy_module, "time", clock)
    reader = member(fake_stytch)
    documents = f"/host/drf/organizations/{orgs['acme']}/documents"
    assert reader.get(documents).status_code == 200  # fetched, and shared through Django's cache

    clock.offset = 290
    policies.clear()  # another process, finding the shared copy 290 s old
    assert reader.get(documents).status_code == 200
    assert fake_stytch.stats()["requests"][POLICY] == 1
    clock.offset = 301  # the policy is now older than RBAC_POLICY_CACHE_SECONDS (300)
    assert reader.get(documents).status_code == 200

    assert fake_stytch.stats()["requests"][POLICY] == 2


def test_a_zero_second_policy_cache_asks_every_time(
    fake_stytch: FakeStytch, orgs: dict[str, str], settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "RBAC_POLICY_CACHE_SECONDS": 0}
    reader = member(fake_stytch)
    for _ in range(2):
        reader.get(f"/host/drf/organizations/{orgs['acme']}/documents")

    assert fake_stytch.stats()["requests"][POLICY] == 2


@pytest.mark.parametrize(("email", "status"), [(EMAIL, 403), ("boss@acme.example", 200)])
def test_the_remote_check_asks_stytch(
    fake_stytch: FakeStytch, orgs: dict[str, str], email: str, status: int
) -> None:
    response = member(fake_stytch, email).get("/host/drf/remote-documents")

    assert response.status_code == status, response.content
    assert fake_stytch.stats()["requests"]["/v1/b2b/sessions/authenticate"] == 1
    assert POLICY not in fake_stytch.stats()["requests"]


@pytest.mark.parametrize("middleware", [False, True], ids=["authentication-class", "middleware"])
def test_a_session_revoked_since_its_jwt_was_signed_is_signed_out_by_the_remote_check(
    fake_stytch: FakeStytch, orgs: dict[str, str], settings: Any, middleware: bool
) -> None:
    # Either writes a host view's cookie changes.
    if middleware:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, "stytch_discovery.middleware.StytchSessionMiddleware"]
    boss = member(fake_stytch, "boss@acme.example")
    services.revoke_session(session_token=boss.cookies[app_settings.SESSION_COOKIE_NAME].value)

    response = boss.get("/host/drf/remote-documents")  # its JWT still verifies here

    assert response.status_code == 401, response.content
    assert response.json()["code"] == "session_invalid"
    assert response.cookies[app_settings.SESSION_COOKIE_NAME].value == ""
    assert response.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value == ""


def test_granting_roles_follow_stytchs_local_rule() -> None:
    policy = Policy.from_json(
        {
            "policy": {
                "roles": [
                    {"role_id": "a", "permissions": [{"resource_id": "doc", "actions": ["read"]}]},
                    {"role_id": "b", "permissions": [{"resource_id": "doc", "actions": ["*"]}]},
                    {"role_id": "c", "permissions": [{"resource_id": "other", "actions": ["*"]}]},
                ],
                "resources": [],
                "scopes": [],
            }
        }
    )

    assert policy.granting_roles(["a", "b", "c", "unknown"], "doc", "read") == ("a", "b")
    assert policy.granting_roles(["a", "c"], "doc", "write") == ()


@pytest.fixture
def plain(settings: Any) -> Client:
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, "stytch_discovery.middleware.StytchSessionMiddleware"]
    return Client()


def test_the_decorators_guard_plain_views(fake_stytch: FakeStytch, orgs: dict[str, str]) -> None:
    reader, owner, anonymous = Client(), Client(), Client()
    reader.cookies = member(fake_stytch).cookies
    owner.cookies = member(fake_stytch, "boss@acme.example").cookies

    refused = anonymous.get("/host/plain/me")
    assert (refused.status_code, refused["WWW-Authenticate"]) == (401, 'Bearer realm="stytch"')
    assert reader.get("/host/plain/me").json()["user"] == EMAIL
    assert reader.get("/host/plain/admin").json()["code"] == "permission_denied"
    assert owner.get("/host/plain/admin").status_code == 200
    assert reader.get(f"/host/plain/organizations/{orgs['acme']}/documents").status_code == 200
    assert (
        owner.get(f"/host/plain/organizations/{orgs['beta']}/documents").json()["code"]
        == "organization_mismatch"
    )


@pytest.mark.usefixtures("plain")
def test_the_decorators_use_the_middlewares_session(fake_stytch: FakeStytch, orgs: dict[str, str]) -> None:
    reader = Client()
    reader.cookies = member(fake_stytch).cookies

    assert reader.get("/host/plain/me").json()["user"] == EMAIL
