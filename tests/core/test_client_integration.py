"""Service functions over real loopback HTTP against the fake Stytch (``fake_stytch``).

These prove what ``responses`` cannot: real sockets, keep-alive, dropped connections, real
timeouts and the fake's faithful answers. The cache is off here; it has its own tests.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from stytch_discovery import client, services
from stytch_discovery.discovery.services import (
    CREATE_ORGANIZATION,
    EXCHANGE_INTERMEDIATE_SESSION,
    LIST_ORGANIZATIONS,
)
from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)
from stytch_discovery.magic_links.services import SEND_DISCOVERY_MAGIC_LINK
from stytch_discovery.testing import FakeStytch
from stytch_discovery.types import DiscoveredOrganizations, MagicLinkAuthentication

# The cache module opens the database even with CACHE_ENABLED off (its signals wait for commit).
pytestmark = pytest.mark.django_db

ADA = "ada@acme.example"
REDIRECT = "https://app.example/authenticate"


@pytest.fixture
def fake(fake_stytch: FakeStytch, settings: Any) -> Iterator[FakeStytch]:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "CACHE_ENABLED": False,
        "RETRY_BACKOFF": 0.01,
        "DISCOVERY_REDIRECT_URL": REDIRECT,
    }
    # Pooled keep-alive connections outlive a test; start each one on a fresh socket.
    client.close_sessions()
    yield fake_stytch
    client.close_sessions()


def configure(settings: Any, **values: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, **values}


def seed_ada(fake: FakeStytch) -> None:
    """Ada is active in acme, invited to initech, can join globex by domain; strict needs MFA."""
    fake.seed(
        {
            "organizations": [
                {"organization_slug": "acme", "organization_name": "Acme"},
                {"organization_slug": "initech"},
                {
                    "organization_slug": "globex",
                    "email_jit_provisioning": "RESTRICTED",
                    "email_allowed_domains": ["acme.example"],
                },
                {"organization_slug": "strict", "mfa_policy": "REQUIRED_FOR_ALL"},
                {"organization_slug": "stranger"},
            ],
            "members": [
                {"organization_slug": "acme", "email_address": ADA, "name": "Ada"},
                {"organization_slug": "initech", "email_address": ADA, "status": "invited"},
                {"organization_slug": "globex", "email_address": "boss@acme.example"},
                {"organization_slug": "strict", "email_address": ADA},
                {"organization_slug": "stranger", "email_address": "eve@evil.example"},
            ],
        }
    )


def membership_types(result: DiscoveredOrganizations | MagicLinkAuthentication) -> dict[str, str]:
    return {
        found.organization.organization_slug: found.membership.type
        for found in result.discovered_organizations
        if found.organization and found.membership
    }


def request_count(fake: FakeStytch, path: str) -> int:
    return int(fake.stats()["requests"].get(path, 0))


# -- the flow end to end -----------------------------------------------------------------------


def test_send_authenticate_list_create_list(fake: FakeStytch) -> None:
    seed_ada(fake)

    sent = services.send_discovery_magic_link(email_address=ADA)
    (message,) = fake.outbox()
    assert sent.email_address == ADA
    assert sent.request_id.startswith("request-id-test-")
    assert message["url"].startswith(REDIRECT + "?")

    authenticated = services.authenticate_discovery_magic_link(token=message["token"])
    ist = authenticated.intermediate_session_token
    assert ist
    assert authenticated.email_address == ADA
    assert authenticated.intermediate_session_token_expires_at is not None
    assert membership_types(authenticated)["acme"] == "active_member"

    listed = services.list_discovered_organizations(intermediate_session_token=ist)
    assert membership_types(listed) == {
        "acme": "active_member",
        "initech": "invited_member",
        "globex": "eligible_to_join_by_email_domain",
        "strict": "active_member",
    }
    strict = next(
        f
        for f in listed.discovered_organizations
        if f.organization and f.organization.organization_slug == "strict"
    )
    assert strict.member_authenticated is False
    assert strict.mfa_required is not None

    created = services.create_organization(
        intermediate_session_token=ist, organization_name="New Co", organization_slug="new-co"
    )
    assert created.member_authenticated is True
    assert created.session_token
    assert created.session_jwt.count(".") == 2
    assert created.member.is_admin is True
    assert created.member_session is not None
    assert created.member_session.organization_slug == "new-co"
    assert "session_token" not in created.raw

    by_token = services.list_discovered_organizations(session_token=created.session_token)
    by_jwt = services.list_discovered_organizations(session_jwt=created.session_jwt)
    assert membership_types(by_token)["new-co"] == membership_types(by_jwt)["new-co"] == "active_member"


def test_exchange_enters_an_organization(fake: FakeStytch) -> None:
    seed_ada(fake)
    ist = fake.mint_intermediate_session(ADA)

    entered = services.exchange_intermediate_session(
        intermediate_session_token=ist, organization_id="globex", session_duration_minutes=60
    )

    assert entered.member_authenticated is True
    assert entered.organization.organization_slug == "globex"
    assert entered.member_session is not None
    assert entered.member_session.expires_at is not None
    assert entered.session_token


def test_create_with_mfa_required_returns_an_ist_and_no_session(fake: FakeStytch) -> None:
    ist = fake.mint_intermediate_session(ADA)

    created = services.create_organization(
        intermediate_session_token=ist, organization_slug="locked", mfa_policy="REQUIRED_FOR_ALL"
    )

    assert created.member_authenticated is False
    assert created.session_token == ""
    assert created.session_jwt == ""
    assert created.member_session is None
    assert created.intermediate_session_token
    assert created.mfa_required == {"member_options": None, "secondary_auth_initiated": None}


def test_exchange_into_an_mfa_organization_is_not_yet_authenticated(fake: FakeStytch) -> None:
    seed_ada(fake)

    entered = services.exchange_intermediate_session(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_id="strict"
    )

    assert entered.member_authenticated is False
    assert entered.mfa_required is not None
    assert entered.intermediate_session_token


def test_the_request_is_what_stytch_expects(fake: FakeStytch) -> None:
    services.send_discovery_magic_link(email_address=ADA, locale="en")

    (logged,) = fake.requests()
    assert logged["path"] == SEND_DISCOVERY_MAGIC_LINK
    assert logged["json"] == {"email_address": ADA, "discovery_redirect_url": REDIRECT, "locale": "en"}
    headers = {name.lower(): value for name, value in logged["headers"].items()}
    assert headers["user-agent"].startswith("django-stytch-discovery/")
    assert headers["content-type"] == "application/json"


# -- Stytch's own errors -----------------------------------------------------------------------

Scenario = Callable[[FakeStytch], object]


def taken_slug(fake: FakeStytch) -> object:
    seed_ada(fake)
    return services.create_organization(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_slug="acme"
    )


def taken_external_id(fake: FakeStytch) -> object:
    fake.seed({"organizations": [{"organization_slug": "acme", "organization_external_id": "ext-1"}]})
    return services.create_organization(
        intermediate_session_token=fake.mint_intermediate_session(ADA),
        organization_slug="acme-2",
        organization_external_id="ext-1",
    )


def used_ist(fake: FakeStytch) -> object:
    ist = fake.mint_intermediate_session(ADA)
    services.create_organization(intermediate_session_token=ist, organization_slug="first")
    return services.create_organization(intermediate_session_token=ist, organization_slug="second")


def create_with(**fields: Any) -> Scenario:
    def scenario(fake: FakeStytch) -> object:
        return services.create_organization(
            intermediate_session_token=fake.mint_intermediate_session(ADA), **fields
        )

    return scenario


def stranger_org(fake: FakeStytch) -> object:
    seed_ada(fake)
    return services.exchange_intermediate_session(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_id="stranger"
    )


def used_magic_link(fake: FakeStytch) -> object:
    services.send_discovery_magic_link(email_address=ADA)
    token = fake.outbox()[0]["token"]
    services.authenticate_discovery_magic_link(token=token)
    return services.authenticate_discovery_magic_link(token=token)


def pkce_missing(fake: FakeStytch) -> object:
    services.send_discovery_magic_link(email_address=ADA, pkce_code_challenge="c" * 43)
    return services.authenticate_discovery_magic_link(token=fake.outbox()[0]["token"])


def pkce_wrong(fake: FakeStytch) -> object:
    services.send_discovery_magic_link(email_address=ADA, pkce_code_challenge="c" * 43)
    return services.authenticate_discovery_magic_link(
        token=fake.outbox()[0]["token"], pkce_code_verifier="v" * 43
    )


def pkce_unexpected(fake: FakeStytch) -> object:
    services.send_discovery_magic_link(email_address=ADA)
    return services.authenticate_discovery_magic_link(
        token=fake.outbox()[0]["token"], pkce_code_verifier="v" * 43
    )


def stytch_client_post(path: str, payload: dict[str, Any]) -> Scenario:
    """Requests the services refuse to build, sent through the client itself."""

    def scenario(fake: FakeStytch) -> object:
        return client.StytchClient.from_settings().post(path, payload)

    return scenario


def no_redirect(fake: FakeStytch) -> object:
    return services.send_discovery_magic_link(email_address=ADA, extra={"discovery_redirect_url": None})


@pytest.mark.parametrize(
    ("scenario", "status", "error_type"),
    [
        (
            lambda f: services.list_discovered_organizations(intermediate_session_token="nope"),
            404,
            "intermediate_session_not_found",
        ),
        (lambda f: services.list_discovered_organizations(session_token="nope"), 404, "session_not_found"),
        (
            lambda f: services.list_discovered_organizations(session_jwt="a.b.c"),
            400,
            "unable_to_parse_session_jwt",
        ),
        (taken_slug, 400, "organization_slug_already_used"),
        (taken_external_id, 400, "organization_external_id_already_used"),
        (used_ist, 404, "intermediate_session_not_found"),
        (create_with(organization_slug="a"), 400, "invalid_organization_slug"),
        (
            create_with(organization_slug="ok-slug", organization_name="x" * 200),
            400,
            "invalid_organization_name",
        ),
        (
            create_with(organization_slug="ok-slug", mfa_policy="SOMETIMES"),
            400,
            "invalid_organization_mfa_policy",
        ),
        (
            create_with(organization_slug="ok-slug", session_duration_minutes=1),
            400,
            "invalid_session_duration_minutes",
        ),
        (
            create_with(organization_slug="ok-slug", session_custom_claims={"https://stytch.com/x": 1}),
            400,
            "stytch_claims_in_custom_claims",
        ),
        (
            lambda f: services.exchange_intermediate_session(
                intermediate_session_token=f.mint_intermediate_session(ADA), organization_id="no-such-org"
            ),
            404,
            "organization_not_found",
        ),
        (stranger_org, 400, "invalid_intermediate_session_token_for_organization"),
        (lambda f: services.authenticate_discovery_magic_link(token="nope"), 404, "magic_link_not_found"),
        (used_magic_link, 404, "magic_link_not_found"),
        (pkce_missing, 400, "pkce_expected_code_verifier"),
        (lambda f: services.send_discovery_magic_link(email_address="not-an-email"), 400, "invalid_email"),
        (no_redirect, 400, "no_discovery_redirect_url_set"),
        (
            lambda f: services.send_discovery_magic_link(email_address=ADA, discovery_redirect_url="ftp://x"),
            400,
            "invalid_discovery_redirect_url",
        ),
        (pkce_wrong, 400, "pkce_mismatch"),
        (pkce_unexpected, 400, "pkce_did_not_expect_code_verifier"),
        (
            stytch_client_post(EXCHANGE_INTERMEDIATE_SESSION, {"intermediate_session_token": "x"}),
            400,
            "bad_request",
        ),
        (
            create_with(organization_slug="ok-slug", organization_external_id="bad id!"),
            400,
            "invalid_organization_external_id",
        ),
        (
            create_with(organization_slug="ok-slug", organization_logo_url="https://x.example/" + "a" * 3000),
            400,
            "organization_logo_url_too_long",
        ),
        (create_with(organization_slug="ok-slug", sso_jit_provisioning="SOMETIMES"), 400, "invalid_argument"),
        (
            create_with(organization_slug="ok-slug", extra={"trusted_metadata": "not an object"}),
            400,
            "metadata_invalid_format",
        ),
        (
            create_with(organization_slug="ok-slug", trusted_metadata={f"k{i}": i for i in range(100)}),
            400,
            "metadata_too_many_keys",
        ),
        (
            create_with(organization_slug="ok-slug", session_custom_claims={"big": "x" * 5000}),
            400,
            "custom_claims_too_large",
        ),
        (
            create_with(organization_slug="ok-slug", email_allowed_domains=["gmail.com"]),
            400,
            "organization_settings_domain_too_common",
        ),
        (
            create_with(organization_slug="ok-slug", email_allowed_domains=["not a domain"]),
            400,
            "organization_settings_invalid_domain",
        ),
        (
            create_with(organization_slug="ok-slug", email_allowed_domains=["a.example", "a.example"]),
            400,
            "organization_settings_duplicate_domain",
        ),
        (
            create_with(organization_slug="ok-slug", allowed_auth_methods=["carrier_pigeon"]),
            400,
            "invalid_organization_allowed_auth_methods",
        ),
        (
            create_with(organization_slug="ok-slug", auth_methods="RESTRICTED"),
            400,
            "allowed_auth_methods_required_for_restricted",
        ),
        (
            create_with(organization_slug="ok-slug", allowed_mfa_methods=["fax"]),
            400,
            "invalid_organization_allowed_mfa_methods",
        ),
        (
            create_with(organization_slug="ok-slug", mfa_methods="RESTRICTED"),
            400,
            "allowed_mfa_methods_required_for_restricted",
        ),
        (
            create_with(organization_slug="ok-slug", allowed_oauth_tenants={"myspace": ["T1"]}),
            400,
            "invalid_oauth_allowed_tenants_format",
        ),
        (stytch_client_post(LIST_ORGANIZATIONS, {}), 400, "no_session_arguments"),
        (
            stytch_client_post(LIST_ORGANIZATIONS, {"session_token": "a", "session_jwt": "b"}),
            400,
            "too_many_session_arguments",
        ),
        (stytch_client_post("/v1/b2b/no/such/route", {}), 404, "route_not_found"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_stytch_errors_become_api_errors(
    fake: FakeStytch, scenario: Scenario, status: int, error_type: str
) -> None:
    with pytest.raises(StytchDiscoveryAPIError) as caught:
        scenario(fake)

    error = caught.value
    assert (error.status_code, error.error_type) == (status, error_type)
    assert error.error_message
    assert error.request_id.startswith("request-id-test-")
    assert error.error_url.startswith("https://stytch.com/docs/")
    assert error.request_id in str(error)


def test_wrong_secret_is_unauthorized_credentials(fake: FakeStytch, settings: Any) -> None:
    configure(settings, SECRET="secret-test-wrong")

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        services.list_discovered_organizations(intermediate_session_token="whatever")

    assert (caught.value.status_code, caught.value.error_type) == (401, "unauthorized_credentials")
    assert request_count(fake, LIST_ORGANIZATIONS) == 1


# -- injected faults ---------------------------------------------------------------------------


def test_rate_limited_list_waits_for_retry_after_then_succeeds(fake: FakeStytch) -> None:
    fake.add_fault(LIST_ORGANIZATIONS, retry_after=1)
    ist = fake.mint_intermediate_session(ADA)
    started = time.monotonic()

    result = services.list_discovered_organizations(intermediate_session_token=ist)

    assert result.email_address == ADA
    assert time.monotonic() - started >= 1.0
    assert request_count(fake, LIST_ORGANIZATIONS) == 2


def test_rate_limited_beyond_the_cap_raises_with_retry_after(fake: FakeStytch, settings: Any) -> None:
    configure(settings, MAX_RETRY_AFTER=2)
    fake.add_fault(LIST_ORGANIZATIONS, retry_after=30)

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        services.list_discovered_organizations(intermediate_session_token=fake.mint_intermediate_session(ADA))

    assert (caught.value.status_code, caught.value.error_type) == (429, "too_many_requests")
    assert caught.value.retry_after == 30.0
    assert request_count(fake, LIST_ORGANIZATIONS) == 1


@pytest.mark.parametrize("status", [502, 503, 504])
def test_list_is_retried_through_server_errors(fake: FakeStytch, status: int) -> None:
    fake.add_fault(LIST_ORGANIZATIONS, count=2, status=status)

    result = services.list_discovered_organizations(
        intermediate_session_token=fake.mint_intermediate_session(ADA)
    )

    assert result.email_address == ADA
    assert request_count(fake, LIST_ORGANIZATIONS) == 3


def test_list_gives_up_after_max_retries(fake: FakeStytch, settings: Any) -> None:
    configure(settings, MAX_RETRIES=1)
    fake.add_fault(LIST_ORGANIZATIONS, count=-1, status=503)

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        services.list_discovered_organizations(intermediate_session_token=fake.mint_intermediate_session(ADA))

    assert caught.value.status_code == 503
    assert caught.value.is_server_error
    assert request_count(fake, LIST_ORGANIZATIONS) == 2


def test_list_is_retried_after_a_dropped_connection(fake: FakeStytch) -> None:
    fake.add_fault(LIST_ORGANIZATIONS, drop=True)

    services.list_discovered_organizations(intermediate_session_token=fake.mint_intermediate_session(ADA))

    assert request_count(fake, LIST_ORGANIZATIONS) == 2


@pytest.mark.parametrize(
    "fault", [{"status": 503}, {"status": 500}, {"retry_after": 1}, {"drop": True}], ids=str
)
def test_create_is_never_sent_twice(fake: FakeStytch, fault: dict[str, Any]) -> None:
    ist = fake.mint_intermediate_session(ADA)
    fake.add_fault(CREATE_ORGANIZATION, **fault)

    with pytest.raises((StytchDiscoveryAPIError, StytchDiscoveryTransportError)):
        services.create_organization(intermediate_session_token=ist, organization_slug="once")

    assert request_count(fake, CREATE_ORGANIZATION) == 1


def test_a_dropped_create_is_a_transport_error_chained_to_the_cause(fake: FakeStytch) -> None:
    fake.add_fault(CREATE_ORGANIZATION, drop=True)

    with pytest.raises(StytchDiscoveryTransportError) as caught:
        services.create_organization(
            intermediate_session_token=fake.mint_intermediate_session(ADA), organization_slug="x-1"
        )

    assert not isinstance(caught.value, StytchDiscoveryTimeout)
    assert isinstance(caught.value.__cause__, requests.ConnectionError)


@pytest.mark.parametrize("status", [400, 502])
def test_a_malformed_body_is_a_response_error(fake: FakeStytch, status: int) -> None:
    fake.add_fault(EXCHANGE_INTERMEDIATE_SESSION, malformed=True, status=status)

    with pytest.raises(StytchDiscoveryResponseError) as caught:
        services.exchange_intermediate_session(
            intermediate_session_token=fake.mint_intermediate_session(ADA), organization_id="x"
        )

    assert caught.value.status_code == status
    assert request_count(fake, EXCHANGE_INTERMEDIATE_SESSION) == 1


@pytest.mark.parametrize(
    ("path", "call"),
    [
        (
            CREATE_ORGANIZATION,
            lambda ist: services.create_organization(
                intermediate_session_token=ist, organization_slug="slow"
            ),
        ),
        (
            LIST_ORGANIZATIONS,
            lambda ist: services.list_discovered_organizations(intermediate_session_token=ist),
        ),
    ],
    ids=["create", "list"],
)
def test_a_hung_stytch_times_out_within_the_read_timeout(
    fake: FakeStytch, settings: Any, path: str, call: Callable[[str], object]
) -> None:
    configure(settings, READ_TIMEOUT=0.5)
    ist = fake.mint_intermediate_session(ADA)
    fake.add_fault(path, latency_ms=3000)
    started = time.monotonic()

    with pytest.raises(StytchDiscoveryTimeout) as caught:
        call(ist)

    assert time.monotonic() - started < 0.5 + 0.5
    assert isinstance(caught.value.__cause__, requests.Timeout)
    assert request_count(fake, path) == 1


# -- transport ---------------------------------------------------------------------------------


def test_sequential_calls_share_one_connection(fake: FakeStytch) -> None:
    ist = fake.mint_intermediate_session(ADA)

    for _ in range(200):
        services.list_discovered_organizations(intermediate_session_token=ist)

    assert fake.stats()["connections"] == 1
    assert request_count(fake, LIST_ORGANIZATIONS) == 200


def test_the_connection_is_reopened_after_a_drop(fake: FakeStytch) -> None:
    ist = fake.mint_intermediate_session(ADA)
    services.list_discovered_organizations(intermediate_session_token=ist)
    fake.add_fault(LIST_ORGANIZATIONS, drop=True)

    for _ in range(3):
        services.list_discovered_organizations(intermediate_session_token=ist)

    assert fake.stats()["connections"] == 2
    assert request_count(fake, LIST_ORGANIZATIONS) == 5


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_create_is_retried_when_the_connection_is_refused(
    settings: Any, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused means the request never left this host, so resending cannot duplicate it.
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "BASE_URL": f"http://127.0.0.1:{closed_port}",
        "MAX_RETRIES": 2,
        "RETRY_BACKOFF": 0,
    }
    attempts: list[str] = []
    real_send = HTTPAdapter.send

    def counting_send(
        self: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        attempts.append(str(request.url))
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", counting_send)

    with pytest.raises(StytchDiscoveryTransportError) as caught:
        services.create_organization(intermediate_session_token="ist", organization_slug="never")

    assert len(attempts) == 3
    assert isinstance(caught.value.__cause__, requests.ConnectionError)
    client.close_sessions()
