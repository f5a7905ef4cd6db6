"""Helpers for the SSO and OAuth primary-step tests: organizations with connections, starts, callbacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from rest_framework.test import APIClient

from stytch_discovery.primary import redirects
from stytch_discovery.testing import FakeStytch
from stytch_discovery.testing.routes.registry import Route
from tests.helpers.api import url

EXCHANGE = "/v1/b2b/discovery/intermediate_sessions/exchange"
SAML = {"connection_id": "saml-connection-test-0001", "display_name": "Okta", "identity_provider": "okta"}
OIDC = {
    "connection_id": "oidc-connection-test-0002",
    "display_name": "Entra",
    "identity_provider": "microsoft",
}

Json = dict[str, Any]


@contextmanager
def organization_facts(fake: FakeStytch, **fields: Any) -> Iterator[None]:
    """Exchanges answer the organization with ``fields`` changed (connections the fake lacks)."""
    router = fake.app.router
    original = router.routes["POST", EXCHANGE]

    def changed(project: Any, request: Any) -> Json:
        answer = original.handler(project, request)
        return {**answer, "organization": {**answer["organization"], **fields}}

    router.routes["POST", EXCHANGE] = Route("POST", EXCHANGE, changed)
    try:
        yield
    finally:
        router.routes["POST", EXCHANGE] = original


#: Whom ``answering_for_someone_else`` makes Stytch answer for.
SOMEONE_ELSE = {"member_id": "member-test-someone-else", "email_address": "mallory@elsewhere.example"}


@contextmanager
def answering_for_someone_else(fake: FakeStytch, path: str) -> Iterator[list[str]]:
    """Stytch's ``path`` answers for another member (:data:`SOMEONE_ELSE`) than the one asked
    about; the session tokens it gave that member are collected in the list yielded."""
    router = fake.app.router
    original = router.routes["POST", path]
    given: list[str] = []

    def someone_else(project: Any, request: Any) -> Json:
        answer = original.handler(project, request)
        answer = {
            **answer,
            "member_id": SOMEONE_ELSE["member_id"],
            "member": {**answer["member"], **SOMEONE_ELSE},
        }
        given.append(answer["session_token"])
        return answer

    router.routes["POST", path] = Route("POST", path, someone_else)
    try:
        yield given
    finally:
        router.routes["POST", path] = original


def session_lives(fake: FakeStytch, session_token: str) -> bool:
    """Whether Stytch (the fake) still knows the session ``session_token``."""
    answer = requests.post(
        f"{fake.base_url}/v1/b2b/sessions/authenticate",
        json={"session_token": session_token},
        auth=(fake.project_id, fake.secret),
        timeout=5,
    )
    return answer.status_code == 200


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def error_of(response: Any) -> str | None:
    """The ``stytch_discovery_error`` a navigation view redirected with (None: it succeeded)."""
    assert response.status_code == 302, response.content
    return query_of(response["Location"]).get("stytch_discovery_error")


def start(client: APIClient, path: str, **query: str) -> Any:
    return client.get(url(path), query)


def state_of(client: APIClient) -> str:
    return str(client.cookies[redirects.cookie_name()].value)


def nothing_recorded_for_someone_else() -> bool:
    """No link to a user and no cache row hold the member Stytch wrongly answered for."""
    from stytch_discovery.models import CachedIdentity, CachedOrganization, StytchMember

    email = SOMEONE_ELSE["email_address"]
    return not (
        StytchMember.objects.filter(member_id=SOMEONE_ELSE["member_id"]).exists()
        or CachedOrganization.objects.filter(email_address=email).exists()
        or CachedIdentity.objects.filter(email_address=email).exists()
    )
