"""The plain-view decorators when the session cannot be used: dead, or Stytch failing.

Without the middleware, a decorated view verifies the session itself: a session Stytch does not
know is no session (401, its cookies deleted), and Stytch failing is its documented status, in
the error shape, never a 500 and never the view itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.sessions.services import AUTHENTICATE_SESSION
from stytch_discovery.testing import FakeStytch
from stytch_discovery.testing.routes.registry import Route
from tests.helpers.sessions import signed_in_reader, with_session_token

ERROR_KEYS = {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
VIEWS = ["/host/plain/me", "/host/plain/admin", "/host/plain/organizations/organization-test-x/documents"]


@pytest.mark.parametrize("path", VIEWS)
def test_a_session_stytch_does_not_know_is_no_session(fake_stytch: FakeStytch, db: None, path: str) -> None:
    response = with_session_token("session-token-stytch-never-issued").get(path)

    assert response.status_code == 401, response.content
    data = response.json()
    assert set(data) == ERROR_KEYS
    assert data["code"] == "not_authenticated"
    assert response.cookies[app_settings.SESSION_COOKIE_NAME].value == ""


@pytest.mark.parametrize("path", VIEWS)
@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"status": 503}, 502, "stytch_unavailable"),
        ({"status": 429}, 429, "stytch_rate_limited"),
        ({"malformed": True}, 502, "stytch_bad_response"),
    ],
)
def test_stytch_failing_is_its_documented_answer(
    fake_stytch: FakeStytch, db: None, path: str, fault: dict[str, Any], status: int, code: str
) -> None:
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=10, **fault)

    response = with_session_token().get(path)

    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == ERROR_KEYS
    assert data["code"] == code
    # Not signed out by an outage: the cookie is kept.
    assert app_settings.SESSION_COOKIE_NAME not in response.cookies


# -- the permission checks when Stytch fails: the policy and the remote check --------------------

POLICY = "/v1/b2b/rbac/policy"


@pytest.fixture
def reader(fake_stytch: FakeStytch, db: None) -> tuple[APIClient, str]:
    return signed_in_reader(fake_stytch)


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"status": 503}, 502, "stytch_unavailable"),
        ({"malformed": True}, 502, "stytch_bad_response"),
    ],
)
def test_a_policy_stytch_cannot_give_is_its_documented_answer(
    fake_stytch: FakeStytch, reader: tuple[APIClient, str], fault: dict[str, Any], status: int, code: str
) -> None:
    client, organization_id = reader
    fake_stytch.add_fault(POLICY, count=10, **fault)

    response = client.get(f"/host/drf/organizations/{organization_id}/documents")

    assert (response.status_code, response.json()["code"]) == (status, code), response.content


@pytest.mark.parametrize(
    "roles",
    [
        pytest.param(["reader"], id="role-not-an-object"),
        pytest.param([{"permissions": []}], id="role-without-id"),
        pytest.param(
            [{"role_id": "reader", "permissions": {"documents": "read"}}], id="permissions-not-a-list"
        ),
        pytest.param(
            [{"role_id": "reader", "permissions": [{"actions": ["read"]}]}], id="permission-without-resource"
        ),
        pytest.param(
            [{"role_id": "reader", "permissions": [{"resource_id": "documents", "actions": "read"}]}],
            id="actions-not-a-list",
        ),
    ],
)
def test_a_policy_in_another_shape_is_a_bad_response_not_a_500(
    fake_stytch: FakeStytch, reader: tuple[APIClient, str], roles: list[Any]
) -> None:
    client, organization_id = reader
    router = fake_stytch.app.router
    original = router.routes["GET", POLICY]
    router.routes["GET", POLICY] = Route(
        "GET",
        POLICY,
        lambda project, request: {"request_id": "r", "status_code": 200, "policy": {"roles": roles}},
    )
    try:
        response = client.get(f"/host/drf/organizations/{organization_id}/documents")
    finally:
        router.routes["GET", POLICY] = original

    assert (response.status_code, response.json()["code"]) == (502, "stytch_bad_response"), response.content


def test_a_remote_check_stytch_fails_is_its_documented_answer_not_a_refusal(
    fake_stytch: FakeStytch, reader: tuple[APIClient, str]
) -> None:
    client, _ = reader
    fake_stytch.add_fault(AUTHENTICATE_SESSION, status=503, count=10)

    response = client.get("/host/drf/remote-documents")

    # Stytch being down is not "you lack the permission" (403): it is the outage's 502.
    assert (response.status_code, response.json()["code"]) == (502, "stytch_unavailable"), response.content
