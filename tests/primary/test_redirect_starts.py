"""Starting SSO or OAuth as the primary step: the redirect to Stytch, the connection, the state."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryConfigurationError
from stytch_discovery.internal import pkce
from stytch_discovery.primary import redirects, services
from stytch_discovery.sessions import pending
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, stytch_calls, url
from tests.helpers.mfa import enter, pending_flow, seed_mfa
from tests.helpers.redirects import OIDC, SAML, error_of, organization_facts, query_of, start, state_of

OAUTH_ORGANIZATIONS = [
    {"organization_slug": "google", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["google_oauth"]},
    {
        "organization_slug": "either",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["sso", "google_oauth", "microsoft_oauth"],
    },
]


@pytest.fixture
def members(fake_stytch: FakeStytch, settings: Any) -> dict[str, str]:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": fake_stytch.public_token,
        "OAUTH_PROVIDERS": ["google"],
    }
    fake_stytch.seed(
        {
            "organizations": OAUTH_ORGANIZATIONS,
            "members": [
                {"organization_slug": org["organization_slug"], "email_address": EMAIL}
                for org in OAUTH_ORGANIZATIONS
            ],
        }
    )
    return seed_mfa(fake_stytch)


def enter_with(api: APIClient, fake: FakeStytch, slug: str, **organization: Any) -> None:
    with organization_facts(fake, **organization):
        enter(api, fake, slug)


def test_sso_start_sends_the_browser_to_stytch_with_a_pkce_challenge(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter_with(api, fake_stytch, "sso", sso_active_connections=[SAML])
    before = stytch_calls(fake_stytch)

    started = start(api, "primary/sso/start")

    location = urlsplit(started["Location"])
    query = query_of(started["Location"])
    callback = "http://testserver" + url("primary/sso/authenticate")
    assert started.status_code == 302
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == fake_stytch.base_url + services.SSO_START
    )
    assert query == {
        "connection_id": SAML["connection_id"],
        "public_token": fake_stytch.public_token,
        "login_redirect_url": callback,
        "signup_redirect_url": callback,
        "pkce_code_challenge": redirects.code_challenge(redirects.code_verifier(state_of(api))),
    }
    state = started.cookies[redirects.cookie_name()]
    assert state["httponly"]
    assert 0 < int(state["max-age"]) <= redirects.MAX_SECONDS
    assert stytch_calls(fake_stytch) == before  # a start costs no Stytch call


def test_the_pending_flow_offers_sso_with_the_organizations_connections(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    enter_with(api, fake_stytch, "either", sso_active_connections=[SAML, OIDC])

    flow = pending_flow(api)

    assert flow["supported"] == ["sso", "google_oauth"]  # microsoft is not in OAUTH_PROVIDERS
    assert flow["urls"] == {
        "sso": url("primary/sso/start"),
        "google_oauth": url("primary/oauth/google/start"),
    }
    assert flow["sso_connections"] == [
        {"connection_id": SAML["connection_id"], "display_name": "Okta"},
        {"connection_id": OIDC["connection_id"], "display_name": "Entra"},
    ]


def test_without_a_public_token_nothing_redirecting_is_offered_or_started(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "PUBLIC_TOKEN": None}
    enter_with(api, fake_stytch, "either", sso_active_connections=[SAML])

    assert pending_flow(api)["supported"] == []
    assert error_of(start(api, "primary/sso/start")) == "stytch_not_configured"
    assert redirects.cookie_name() not in api.cookies


@pytest.mark.parametrize(
    ("organization", "query", "expected"),
    [
        ({"sso_active_connections": [SAML]}, {}, SAML["connection_id"]),
        (
            {"sso_active_connections": [SAML, OIDC], "sso_default_connection_id": OIDC["connection_id"]},
            {},
            OIDC["connection_id"],
        ),
        (
            {"sso_active_connections": [SAML, OIDC]},
            {"connection_id": OIDC["connection_id"]},
            OIDC["connection_id"],
        ),
    ],
    ids=["the-only-one", "the-default", "the-one-named"],
)
def test_which_connection_starts(
    api: APIClient,
    fake_stytch: FakeStytch,
    members: dict[str, str],
    organization: dict[str, Any],
    query: dict[str, str],
    expected: str,
) -> None:
    enter_with(api, fake_stytch, "sso", **organization)

    started = start(api, "primary/sso/start", **query)

    assert query_of(started["Location"])["connection_id"] == expected


@pytest.mark.parametrize(
    ("organization", "query", "code"),
    [
        ({"sso_active_connections": [SAML, OIDC]}, {}, "sso_connection_required"),
        ({"sso_active_connections": []}, {}, "sso_connection_missing"),
        (
            {"sso_active_connections": [SAML]},
            {"connection_id": "saml-connection-test-elsewhere"},
            "validation_error",
        ),
        ({"sso_active_connections": [SAML]}, {"connection_id": "not a connection"}, "validation_error"),
    ],
    ids=["several-no-default", "none", "another-organizations", "malformed"],
)
def test_a_connection_that_cannot_start_says_why_without_a_cookie(
    api: APIClient,
    fake_stytch: FakeStytch,
    members: dict[str, str],
    organization: dict[str, Any],
    query: dict[str, str],
    code: str,
) -> None:
    enter_with(api, fake_stytch, "sso", **organization)

    refused = start(api, "primary/sso/start", **query)

    assert error_of(refused) == code
    assert redirects.cookie_name() not in refused.cookies


def test_oauth_start_names_the_steps_organization(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    answer = enter(api, fake_stytch, "google")

    started = start(api, "primary/oauth/google/start", next="/welcome")

    location = urlsplit(started["Location"])
    query = query_of(started["Location"])
    callback = "http://testserver" + url("primary/oauth/authenticate")
    assert location.path == services.OAUTH_START.format(provider="google")
    assert query == {
        "public_token": fake_stytch.public_token,
        "organization_id": answer["organization"]["organization_id"],
        "login_redirect_url": callback,
        "signup_redirect_url": callback,
        "pkce_code_challenge": redirects.code_challenge(redirects.code_verifier(state_of(api))),
        "provider_login_hint": EMAIL,
    }


@pytest.mark.parametrize(
    ("slug", "path"),
    [
        ("google", "primary/sso/start"),  # the organization does not allow SSO
        ("sso", "primary/oauth/google/start"),  # nor this one Google
        ("either", "primary/oauth/microsoft/start"),  # allowed, but this server does not offer it
    ],
)
def test_a_method_not_allowed_or_not_offered_is_refused(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], slug: str, path: str
) -> None:
    enter_with(api, fake_stytch, slug, sso_active_connections=[SAML])

    refused = start(api, path)

    assert error_of(refused) == "auth_method_not_allowed"
    assert redirects.cookie_name() not in refused.cookies


def test_a_start_needs_a_pending_primary_step(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str]
) -> None:
    assert error_of(start(APIClient(), "primary/sso/start")) == "intermediate_session_required"
    enter(api, fake_stytch, "sms")  # an MFA step is pending, not a primary one
    assert error_of(start(api, "primary/oauth/google/start")) == "step_not_pending"


@pytest.mark.parametrize("target", ["https://evil.example/", "http://[", "https://[x]/"])
def test_an_unsafe_next_is_not_where_the_start_lands(
    api: APIClient, fake_stytch: FakeStytch, members: dict[str, str], target: str
) -> None:
    enter(api, fake_stytch, "google")

    start(api, "primary/oauth/google/start", next=target)

    started, _ = redirects.take(_request_with(api), kind=redirects.OAUTH, step=_step(api))
    assert started.landing == app_settings.LOGIN_REDIRECT_URL


def test_the_primary_steps_verifier_is_its_own() -> None:
    verifier = redirects.code_verifier("some-state")
    assert verifier == redirects.code_verifier("some-state")
    assert verifier != redirects.code_verifier("another-state")
    assert verifier != pkce.code_verifier("some-state", salt="stytch_discovery.oauth_state")


def _request_with(client: APIClient) -> Any:
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


def _step(client: APIClient) -> Any:
    step = pending.recall(_request_with(client))
    assert step is not None
    return step


def test_the_step_keeps_a_bounded_list_of_connections_and_only_an_active_default() -> None:
    many = [{"connection_id": f"saml-connection-test-{n}", "display_name": f"IdP {n}"} for n in range(30)]
    many[1]["display_name"] = "x" * 500

    facts = pending.sso_facts({"sso_active_connections": many, "sso_default_connection_id": "saml-gone"})

    assert len(facts["sso_connections"]) == pending.MAX_SSO_CONNECTIONS
    assert facts["sso_connections"][0] == ("saml-connection-test-0", "IdP 0")
    assert len(facts["sso_connections"][1][1]) == pending.MAX_DISPLAY_NAME
    assert facts["sso_default_connection_id"] == ""  # not one of the active connections
    assert pending.sso_facts({"sso_active_connections": None}) == {
        "sso_connections": (),
        "sso_default_connection_id": "",
    }


def test_the_start_url_services_need_a_public_token_and_a_known_provider(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "PUBLIC_TOKEN": None}

    with pytest.raises(StytchDiscoveryConfigurationError):
        services.sso_start_url(
            connection_id="saml-connection-test-1", login_redirect_url="https://app.example/cb"
        )
    with pytest.raises(ValueError, match="google, microsoft"):
        services.oauth_start_url(
            provider="slack",
            organization_id="organization-test-1",
            login_redirect_url="https://app.example/cb",
            public_token="public-token-test-1",
        )
    given = services.sso_start_url(
        connection_id="saml-connection-test-1",
        login_redirect_url="https://app.example/cb",
        signup_redirect_url="https://app.example/new",
        public_token="public-token-test-1",
        base_url="https://login.app.example",
    )
    assert given.startswith("https://login.app.example/v1/public/sso/start?")
    assert query_of(given)["signup_redirect_url"] == "https://app.example/new"
