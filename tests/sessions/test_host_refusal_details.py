"""A host's view refused because Stytch failed says what the package's own views say.

Behind ``StytchSessionAuthentication``, a decorator and ``HasStytchPermission(remote=True)``, the
refusal carries Stytch's error type and request id (what Stytch's support asks for), and a 429
from Stytch keeps its ``Retry-After``, as the package's own endpoints do. Real HTTP to the fake
Stytch, its faults making the failure; no retries, so one ask is one call.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from rest_framework.test import APIClient

from stytch_discovery.sessions.services import AUTHENTICATE_SESSION
from stytch_discovery.testing import FakeStytch
from tests.helpers.sessions import seed_member_of, sign_in, with_session_token


class Failure(NamedTuple):
    fault: dict[str, Any]
    status: int
    code: str
    stytch_error_type: str
    retry_after: str | None


FAILURES = [
    pytest.param(
        Failure({"retry_after": 7}, 429, "stytch_rate_limited", "too_many_requests", "7"), id="rate-limited"
    ),
    pytest.param(Failure({"status": 503}, 502, "stytch_unavailable", "server_unavailable", None), id="down"),
]
#: A host's views that ask Stytch about an opaque session token: a DRF view, a decorated one.
TOKEN_PATHS = [
    pytest.param("/host/drf/me", id="drf-authentication"),
    pytest.param("/host/plain/me", id="decorator"),
]


@pytest.fixture(autouse=True)
def _no_retries(fake_stytch: FakeStytch, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "MAX_RETRIES": 0}


def assert_refused_with_stytch_details(response: Any, failure: Failure) -> None:
    assert response.status_code == failure.status, response.content
    body = response.json()
    assert (body["code"], body["stytch_error_type"]) == (failure.code, failure.stytch_error_type)
    assert body["stytch_request_id"].startswith("request-id-test-")  # the fake's, of that very call
    assert response.get("Retry-After") == failure.retry_after


@pytest.mark.parametrize("path", TOKEN_PATHS)
@pytest.mark.parametrize("failure", FAILURES)
def test_a_session_stytch_could_not_check_is_refused_with_its_details(
    fake_stytch: FakeStytch, db: None, path: str, failure: Failure
) -> None:
    client = with_session_token()
    fake_stytch.add_fault(AUTHENTICATE_SESSION, **failure.fault)

    response = client.get(path)

    assert_refused_with_stytch_details(response, failure)


@pytest.mark.parametrize("failure", FAILURES)
def test_a_remote_permission_check_stytch_failed_is_refused_with_its_details(
    fake_stytch: FakeStytch, api: APIClient, failure: Failure
) -> None:
    seed_member_of(fake_stytch, "acme")
    sign_in(api, fake_stytch)  # a JWT verified here: only the verdict needs Stytch
    fake_stytch.add_fault(AUTHENTICATE_SESSION, **failure.fault)

    response = api.get("/host/drf/remote-documents")

    assert_refused_with_stytch_details(response, failure)
