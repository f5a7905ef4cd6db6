"""Organization-scoped OAuth and SSO as the primary step (sessions contract §B.4)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from stytch import B2BClient

from stytch_discovery.testing import FakeStytch
from stytch_discovery.testing.state import pkce_challenge

from .browser import CALLBACK, VERIFIER, provider_page, start_url, token_of
from .helpers import EXCHANGE, Call, assert_stytch_error

ADA = "ada@acme.example"
SIGNUP = "http://localhost:3000/signup"
OAUTH_AUTHENTICATE = "/v1/b2b/oauth/authenticate"
SSO_AUTHENTICATE = "/v1/b2b/sso/authenticate"
CONNECTION = "saml-connection-test-wayne"
OIDC_CONNECTION = "oidc-connection-test-wayne"


@pytest.fixture
def client(fake: FakeStytch) -> B2BClient:
    return B2BClient(project_id=fake.project_id, secret=fake.secret, environment=fake.base_url + "/")


@pytest.fixture
def orgs(fake: FakeStytch) -> dict[str, str]:
    sso_only = {"auth_methods": "RESTRICTED", "allowed_auth_methods": ["sso"]}
    seeded = fake.seed(
        {
            "organizations": [
                {
                    "organization_slug": "googly",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["google_oauth"],
                },
                {
                    "organization_slug": "wayne",
                    "organization_name": "Wayne Enterprises",
                    **sso_only,
                    "sso_connections": [
                        {
                            "connection_id": CONNECTION,
                            "display_name": "Wayne Okta",
                            "identity_provider": "okta",
                        }
                    ],
                },
                {
                    "organization_slug": "wayne-mfa",
                    **sso_only,
                    "mfa_policy": "REQUIRED_FOR_ALL",
                    "sso_connections": [{"connection_id": "oidc-connection-test-mfa", "type": "oidc"}],
                },
                {
                    "organization_slug": "wayne-oidc",
                    **sso_only,
                    "sso_connections": [{"connection_id": OIDC_CONNECTION, "type": "oidc"}],
                },
                {
                    "organization_slug": "closed",
                    **sso_only,
                    "sso_jit_provisioning": "NOT_ALLOWED",
                    "sso_connections": [{"connection_id": "saml-connection-test-closed"}],
                },
                {
                    "organization_slug": "domain",
                    "email_jit_provisioning": "RESTRICTED",
                    "email_allowed_domains": ["acme.example"],
                },
            ],
            "members": [
                {"organization_slug": "googly", "email_address": ADA},
                {"organization_slug": "wayne", "email_address": ADA, "name": "Ada Lovelace"},
                {"organization_slug": "wayne-mfa", "email_address": ADA, "mfa_phone_number": "+15005550006"},
                {"organization_slug": "wayne-oidc", "email_address": ADA},
                {"organization_slug": "domain", "email_address": "boss@acme.example"},
            ],
        }
    )
    return {org["organization_slug"]: org["organization_id"] for org in seeded["organizations"]}


def oauth_start(fake: FakeStytch, provider: str = "google", **query: str) -> str:
    return start_url(
        fake, f"/v1/b2b/public/oauth/{provider}/start", **{"login_redirect_url": CALLBACK, **query}
    )


def sso_start(fake: FakeStytch, connection_id: str = CONNECTION, **query: str) -> str:
    return start_url(
        fake,
        "/v1/public/sso/start",
        **{"connection_id": connection_id, "login_redirect_url": CALLBACK, **query},
    )


def primary_ist(fake: FakeStytch, call: Call, slug: str) -> dict[str, Any]:
    ist = fake.mint_intermediate_session(ADA)
    body: dict[str, Any] = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": slug}).json()
    return body


def factor_kinds(session: Any) -> list[tuple[str, str]]:
    return [(factor.type, factor.delivery_method) for factor in session.authentication_factors]


def test_oauth_adds_its_factor_to_the_ist_through_the_sdk(
    fake: FakeStytch, call: Call, client: B2BClient, orgs: dict[str, str]
) -> None:
    entered = primary_ist(fake, call, "googly")
    assert entered["primary_required"] == {"allowed_auth_methods": ["google_oauth"]}
    url = oauth_start(fake, organization_id=orgs["googly"], pkce_code_challenge=pkce_challenge(VERIFIER))
    token = token_of(fake.sign_in(url, ADA), "oauth")

    answer = client.oauth.authenticate(
        oauth_token=token,
        pkce_code_verifier=VERIFIER,
        intermediate_session_token=entered["intermediate_session_token"],
        session_duration_minutes=30,
    )
    assert answer.member_authenticated is True
    assert answer.organization_id == orgs["googly"]
    assert answer.provider_type == "Google"
    assert answer.provider_subject
    assert answer.reset_sessions is False
    (registration,) = answer.member.oauth_registrations
    assert (registration.provider_type, registration.provider_subject) == ("Google", answer.provider_subject)
    assert answer.member_session is not None
    assert factor_kinds(answer.member_session) == [("magic_link", "email"), ("oauth", "oauth_google")]
    ist = {"intermediate_session_token": entered["intermediate_session_token"], "organization_id": "googly"}
    assert_stytch_error(call(EXCHANGE, ist), 404, "intermediate_session_not_found")  # consumed


def test_oauth_alone_signs_a_member_in_by_slug(fake: FakeStytch, call: Call, orgs: dict[str, str]) -> None:
    token = token_of(fake.sign_in(oauth_start(fake, slug="googly"), ADA), "oauth")
    answer = call(OAUTH_AUTHENTICATE, {"oauth_token": token, "session_duration_minutes": 5}).json()
    assert answer["member_authenticated"] is True
    assert answer["session_token"]
    assert answer["intermediate_session_token"] == ""
    assert_stytch_error(call(OAUTH_AUTHENTICATE, {"oauth_token": token}), 404, "oauth_token_not_found")


def test_oauth_with_a_method_the_organization_refuses(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    token = token_of(fake.sign_in(oauth_start(fake, "microsoft", slug="googly"), ADA), "oauth")
    refused = call(OAUTH_AUTHENTICATE, {"oauth_token": token})
    assert_stytch_error(refused, 400, "operation_restricted_by_organization_auth_methods")


def test_oauth_for_a_new_email_goes_to_signup_and_joins_by_domain(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    url = oauth_start(fake, organization_id="domain", signup_redirect_url=SIGNUP)
    callback = fake.sign_in(url, "new@acme.example")
    assert callback.startswith(SIGNUP + "?stytch_token_type=oauth&token=")
    answer = call(OAUTH_AUTHENTICATE, {"oauth_token": token_of(callback, "oauth")}).json()
    assert answer["member_authenticated"] is True
    assert answer["member"]["email_address"] == "new@acme.example"
    assert answer["member"]["status"] == "active"
    member = fake.sign_in(url, ADA)  # not a member of domain yet either: signup
    assert member.startswith(SIGNUP)
    login = fake.sign_in(url, "boss@acme.example")
    assert login.startswith(CALLBACK)


def test_oauth_refuses_an_email_that_may_not_join(fake: FakeStytch, call: Call, orgs: dict[str, str]) -> None:
    token = token_of(fake.sign_in(oauth_start(fake, organization_id="googly"), "eve@evil.example"), "oauth")
    assert_stytch_error(
        call(OAUTH_AUTHENTICATE, {"oauth_token": token}), 403, "email_jit_provisioning_not_allowed"
    )


def test_sso_enters_an_sso_only_organization_through_the_sdk(
    fake: FakeStytch, call: Call, client: B2BClient, http: requests.Session, orgs: dict[str, str]
) -> None:
    entered = primary_ist(fake, call, "wayne")
    assert entered["primary_required"] == {"allowed_auth_methods": ["sso"]}
    organization = entered["organization"]
    assert organization["sso_default_connection_id"] == CONNECTION
    assert organization["sso_active_connections"] == [
        {"connection_id": CONNECTION, "display_name": "Wayne Okta", "identity_provider": "okta"}
    ]

    url = sso_start(fake, pkce_code_challenge=pkce_challenge(VERIFIER))
    page = http.get(fake.base_url + provider_page(http, fake, url), timeout=10)
    assert "Sign in to Wayne Enterprises (Wayne Okta) (fake)" in page.text
    assert "Ada Lovelace &lt;ada@acme.example&gt;" in page.text
    assert f'value="{ADA}" checked>' in page.text  # the organization's only member, picked already
    assert "tenant_id" not in page.text
    token = token_of(fake.sign_in(url, ADA), "sso")

    answer = client.sso.authenticate(
        sso_token=token,
        pkce_code_verifier=VERIFIER,
        intermediate_session_token=entered["intermediate_session_token"],
    )
    assert answer.member_authenticated is True
    assert answer.reset_session is False
    assert answer.organization.sso_active_connections[0].connection_id == CONNECTION
    assert answer.member_session is not None
    assert factor_kinds(answer.member_session) == [("magic_link", "email"), ("sso", "sso_saml")]
    (registration,) = answer.member.sso_registrations
    assert (registration.connection_id, registration.external_id) == (CONNECTION, ADA)
    again = client.sso.authenticate(sso_token=token_of(fake.sign_in(sso_start(fake), ADA), "sso"))
    assert len(again.member.sso_registrations) == 1


def test_sso_through_an_oidc_connection_is_an_sso_oidc_factor(
    fake: FakeStytch, call: Call, client: B2BClient, orgs: dict[str, str]
) -> None:
    entered = primary_ist(fake, call, "wayne-oidc")
    token = token_of(fake.sign_in(sso_start(fake, OIDC_CONNECTION), ADA), "sso")

    answer = client.sso.authenticate(
        sso_token=token, intermediate_session_token=entered["intermediate_session_token"]
    )

    assert answer.member_authenticated is True  # the organization's "sso" method, through OIDC
    assert answer.member_session is not None
    assert factor_kinds(answer.member_session) == [("magic_link", "email"), ("sso", "sso_oidc")]
    again = client.sessions.authenticate(session_token=answer.session_token)
    assert factor_kinds(again.member_session) == [("magic_link", "email"), ("sso", "sso_oidc")]
    # Exchanged into another SSO-only organization, the factor still counts as SSO there.
    moved = client.sessions.exchange(organization_id=orgs["wayne"], session_token=answer.session_token)
    assert moved.member_authenticated is True
    assert moved.member_session is not None
    assert ("sso", "sso_oidc") in factor_kinds(moved.member_session)


def test_sso_then_mfa_returns_the_same_ist_and_texts_a_code(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    entered = primary_ist(fake, call, "wayne-mfa")
    ist = entered["intermediate_session_token"]
    token = token_of(fake.sign_in(sso_start(fake, "oidc-connection-test-mfa"), ADA), "sso")
    answer = call(SSO_AUTHENTICATE, {"sso_token": token, "intermediate_session_token": ist}).json()
    assert answer["member_authenticated"] is False
    assert answer["intermediate_session_token"] == ist
    assert answer["mfa_required"]["secondary_auth_initiated"] == "sms_otp"
    assert answer["session_token"] == ""
    assert [message["kind"] for message in fake.outbox()] == ["sms_otp"]


def test_sso_provisions_a_new_email_unless_the_organization_forbids_it(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    callback = fake.sign_in(sso_start(fake, signup_redirect_url=SIGNUP), "lucius@wayne.example")
    assert callback.startswith(SIGNUP + "?stytch_token_type=sso&token=")
    answer = call(SSO_AUTHENTICATE, {"sso_token": token_of(callback, "sso")}).json()
    assert answer["member_authenticated"] is True
    assert answer["member"]["email_address"] == "lucius@wayne.example"

    closed = token_of(
        fake.sign_in(sso_start(fake, "saml-connection-test-closed"), "lucius@wayne.example"), "sso"
    )
    assert_stytch_error(
        call(SSO_AUTHENTICATE, {"sso_token": closed}), 403, "sso_jit_provisioning_not_allowed"
    )


def test_tokens_are_only_good_at_their_own_endpoint(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    sso = token_of(fake.sign_in(sso_start(fake), ADA), "sso")
    oauth = token_of(fake.sign_in(oauth_start(fake, organization_id="googly"), ADA), "oauth")
    assert_stytch_error(call(OAUTH_AUTHENTICATE, {"oauth_token": sso}), 404, "oauth_token_not_found")
    assert_stytch_error(call(SSO_AUTHENTICATE, {"sso_token": oauth}), 404, "sso_token_not_found")
    discovery = {"discovery_oauth_token": oauth}
    assert_stytch_error(call("/v1/b2b/oauth/discovery/authenticate", discovery), 404, "oauth_token_not_found")
    assert call(SSO_AUTHENTICATE, {"sso_token": sso}).status_code == 200
    assert_stytch_error(call(SSO_AUTHENTICATE, {"sso_token": sso}), 404, "sso_token_not_found")


def test_an_ist_of_another_organization_is_refused(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    ist = primary_ist(fake, call, "googly")["intermediate_session_token"]
    token = token_of(fake.sign_in(sso_start(fake), ADA), "sso")
    body = {"sso_token": token, "intermediate_session_token": ist}
    assert_stytch_error(
        call(SSO_AUTHENTICATE, body), 400, "invalid_intermediate_session_token_for_organization"
    )
    assert call(SSO_AUTHENTICATE, {"sso_token": token}).status_code == 200  # the refusal left it usable


def test_sso_checks_pkce(fake: FakeStytch, call: Call, orgs: dict[str, str]) -> None:
    token = token_of(fake.sign_in(sso_start(fake, pkce_code_challenge=pkce_challenge(VERIFIER)), ADA), "sso")
    assert_stytch_error(call(SSO_AUTHENTICATE, {"sso_token": token}), 400, "pkce_expected_code_verifier")
    assert call(SSO_AUTHENTICATE, {"sso_token": token, "pkce_code_verifier": VERIFIER}).status_code == 200


@pytest.mark.parametrize(
    ("path", "query", "status", "error_type"),
    [
        ("/v1/b2b/public/oauth/google/start", {"login_redirect_url": CALLBACK}, 400, "bad_request"),
        (
            "/v1/b2b/public/oauth/google/start",
            {"organization_id": "nope", "login_redirect_url": CALLBACK},
            404,
            "organization_not_found",
        ),
        (
            "/v1/b2b/public/oauth/google/start",
            {"organization_id": "googly"},
            400,
            "no_login_redirect_urls_set",
        ),
        (
            "/v1/b2b/public/oauth/google/start",
            {"organization_id": "googly", "signup_redirect_url": "ftp://x"},
            400,
            "invalid_signup_redirect_url",
        ),
        (
            "/v1/b2b/public/oauth/hubspot/start",
            {"organization_id": "googly", "login_redirect_url": CALLBACK},
            400,
            "oauth_provider_not_supported",
        ),
        (
            "/v1/public/sso/start",
            {"connection_id": "nope", "login_redirect_url": CALLBACK},
            404,
            "connection_not_found",
        ),
        (
            "/v1/public/sso/start",
            {"connection_id": CONNECTION, "login_redirect_url": "mailto:x"},
            400,
            "invalid_login_redirect_url",
        ),
        (
            "/v1/public/sso/start",
            {"connection_id": CONNECTION, "login_redirect_url": CALLBACK, "public_token": "x"},
            401,
            "invalid_public_token",
        ),
    ],
)
@pytest.mark.usefixtures("orgs")
def test_starts_refuse(
    fake: FakeStytch, http: requests.Session, path: str, query: dict[str, str], status: int, error_type: str
) -> None:
    response = http.get(start_url(fake, path, **query), allow_redirects=False, timeout=10)
    assert_stytch_error(response, status, error_type)


def test_seeding_refuses_a_connection_id_twice(fake: FakeStytch, control: Call) -> None:
    connection = {"connection_id": "saml-connection-test-x"}
    data = {
        "organizations": [
            {"organization_slug": "one", "sso_connections": [connection]},
            {"organization_slug": "two", "sso_connections": [connection]},
        ]
    }
    assert_stytch_error(control("seed", data), 400, "invalid_argument")
    bad_type = {"organizations": [{"organization_slug": "one", "sso_connections": [{"type": "ldap"}]}]}
    assert_stytch_error(control("seed", bad_type), 400, "invalid_argument")
    made = fake.seed({"organizations": [{"organization_slug": "one", "sso_connections": [{}]}]})
    (active,) = made["organizations"][0]["sso_active_connections"]
    assert active["connection_id"].startswith("saml-connection-test-")
    assert (active["display_name"], active["identity_provider"]) == ("one SSO", "generic")
