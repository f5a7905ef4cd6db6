"""OAuth discovery (sessions contract §C.2): start, the fake provider's page, authenticate."""

from __future__ import annotations

import uuid

import pytest
import requests
from stytch import B2BClient

from stytch_discovery.testing import ApiError, FakeStytch
from stytch_discovery.testing.state import pkce_challenge

from .browser import CALLBACK, VERIFIER, flow_of, provider_page, start_url, token_of
from .helpers import EXCHANGE, Call, assert_stytch_error

ADA = "ada@acme.example"
AUTHENTICATE = "/v1/b2b/oauth/discovery/authenticate"


def discovery_start(fake: FakeStytch, provider: str = "google", **query: str) -> str:
    return start_url(
        fake,
        f"/v1/b2b/public/oauth/{provider}/discovery/start",
        **{"discovery_redirect_url": CALLBACK, **query},
    )


@pytest.fixture
def seeded(fake: FakeStytch) -> None:
    fake.seed(
        {
            "organizations": [
                {"organization_slug": "acme"},
                {
                    "organization_slug": "google-only",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["google_oauth"],
                },
                {
                    "organization_slug": "hooli",
                    "oauth_tenant_jit_provisioning": "RESTRICTED",
                    "allowed_oauth_tenants": {"slack": ["T0ACME"]},
                },
            ],
            "members": [
                {"organization_slug": "acme", "email_address": ADA, "name": "Ada Lovelace"},
                {"organization_slug": "google-only", "email_address": ADA},
                {"organization_slug": "hooli", "email_address": "gavin@hooli.example"},
            ],
            "identities": [{"email_address": ADA, "oauth_tenants": {"slack": ["T0ACME"]}}],
        }
    )


@pytest.mark.usefixtures("seeded")
def test_a_browser_signs_in_on_the_page_and_the_sdk_authenticates(
    fake: FakeStytch, http: requests.Session
) -> None:
    url = discovery_start(fake, pkce_code_challenge=pkce_challenge(VERIFIER), custom_scopes="a b")
    page = http.get(fake.base_url + provider_page(http, fake, url), timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Sign in with Google (fake)" in page.text
    assert 'value="ada@acme.example"' in page.text  # a seeded person to pick
    assert ">Continue</button>" in page.text

    form = {"flow": flow_of(page.url), "person": ADA, "email": ""}
    answered = http.post(fake.base_url + "/fake-idp/authorize", data=form, allow_redirects=False, timeout=10)
    assert answered.status_code == 303
    assert answered.headers["Location"].startswith(CALLBACK + "?")
    token = token_of(answered.headers["Location"], "discovery_oauth")

    client = B2BClient(project_id=fake.project_id, secret=fake.secret, environment=fake.base_url + "/")
    answer = client.oauth.discovery.authenticate(discovery_oauth_token=token, pkce_code_verifier=VERIFIER)
    assert answer.email_address == ADA
    assert answer.provider_type == "Google"
    assert answer.provider_tenant_id == "acme.example"  # Google's hd: the Workspace domain
    assert answer.provider_tenant_ids == ["acme.example"]
    assert answer.full_name == "Ada Lovelace"
    assert answer.intermediate_session_token_expires_at is not None
    found = {
        org.organization.organization_slug: org for org in answer.discovered_organizations if org.organization
    }
    assert set(found) == {"acme", "google-only", "hooli"}
    assert found["google-only"].member_authenticated is True  # the IST carries google_oauth
    assert found["hooli"].membership is not None
    assert found["hooli"].membership.type == "eligible_to_join_by_oauth_tenant"


@pytest.mark.usefixtures("seeded")
def test_the_ist_carries_the_oauth_factor_into_the_exchange(fake: FakeStytch, call: Call) -> None:
    token = token_of(fake.sign_in(discovery_start(fake), ADA), "discovery_oauth")
    ist = call(AUTHENTICATE, {"discovery_oauth_token": token}).json()["intermediate_session_token"]
    entered = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": "google-only"}).json()
    assert entered["member_authenticated"] is True
    factors = entered["member_session"]["authentication_factors"]
    assert [(factor["type"], factor["delivery_method"]) for factor in factors] == [("oauth", "oauth_google")]


def test_the_page_takes_a_typed_email_a_name_and_a_tenant_without_a_browser(
    fake: FakeStytch, http: requests.Session, call: Call
) -> None:
    location = provider_page(http, fake, discovery_start(fake, "microsoft"))
    query = "&email=bo%40contoso.example&name=Bo+Peep&tenant_id=tenant-42&approve=1"
    approved = http.get(fake.base_url + location + query, allow_redirects=False, timeout=10)
    assert approved.status_code == 302
    answer = call(
        AUTHENTICATE, {"discovery_oauth_token": token_of(approved.headers["Location"], "discovery_oauth")}
    )
    body = answer.json()
    assert (body["email_address"], body["full_name"], body["provider_type"]) == (
        "bo@contoso.example",
        "Bo Peep",
        "Microsoft",
    )
    assert body["provider_tenant_ids"] == ["tenant-42"]
    assert body["discovered_organizations"] == []


@pytest.mark.parametrize(
    ("provider", "email", "tenants"),
    [
        ("google", "bo@gmail.com", []),
        ("microsoft", "bo@contoso.example", [str(uuid.uuid5(uuid.NAMESPACE_DNS, "contoso.example"))]),
    ],
)
def test_the_default_tenant_follows_the_provider(
    fake: FakeStytch, call: Call, provider: str, email: str, tenants: list[str]
) -> None:
    token = token_of(fake.sign_in(discovery_start(fake, provider), email), "discovery_oauth")
    body = call(AUTHENTICATE, {"discovery_oauth_token": token}).json()
    assert body["provider_tenant_ids"] == tenants
    assert body["provider_tenant_id"] == (tenants[0] if tenants else "")


def test_the_login_hint_fills_the_page_and_signs_in_by_default(
    fake: FakeStytch, http: requests.Session
) -> None:
    url = discovery_start(fake, provider_login_hint="hint@acme.example", provider_prompt="select_account")
    page = http.get(fake.base_url + provider_page(http, fake, url), timeout=10)
    assert 'value="hint@acme.example"' in page.text
    token = token_of(fake.sign_in(url), "discovery_oauth")
    assert token


def test_a_token_is_single_use_and_expires(fake: FakeStytch, call: Call) -> None:
    first = token_of(fake.sign_in(discovery_start(fake), ADA), "discovery_oauth")
    assert call(AUTHENTICATE, {"discovery_oauth_token": first}).status_code == 200
    assert_stytch_error(call(AUTHENTICATE, {"discovery_oauth_token": first}), 404, "oauth_token_not_found")
    second = token_of(fake.sign_in(discovery_start(fake), ADA), "discovery_oauth")
    fake.advance_clock(600)
    assert_stytch_error(call(AUTHENTICATE, {"discovery_oauth_token": second}), 404, "oauth_token_not_found")
    body = {"discovery_oauth_token": "nope"}
    assert_stytch_error(call(AUTHENTICATE, body), 404, "oauth_token_not_found")


def test_pkce_is_checked_and_a_failure_leaves_the_token_usable(fake: FakeStytch, call: Call) -> None:
    token = token_of(
        fake.sign_in(discovery_start(fake, pkce_code_challenge=pkce_challenge(VERIFIER)), ADA),
        "discovery_oauth",
    )
    assert_stytch_error(
        call(AUTHENTICATE, {"discovery_oauth_token": token}), 400, "pkce_expected_code_verifier"
    )
    wrong = {"discovery_oauth_token": token, "pkce_code_verifier": "w" * 43}
    assert_stytch_error(call(AUTHENTICATE, wrong), 400, "pkce_mismatch")
    right = {"discovery_oauth_token": token, "pkce_code_verifier": VERIFIER}
    assert call(AUTHENTICATE, right).status_code == 200

    plain = token_of(fake.sign_in(discovery_start(fake), ADA), "discovery_oauth")
    unexpected = {"discovery_oauth_token": plain, "pkce_code_verifier": VERIFIER}
    assert_stytch_error(call(AUTHENTICATE, unexpected), 400, "pkce_did_not_expect_code_verifier")


@pytest.mark.parametrize(
    ("provider", "query", "status", "error_type"),
    [
        ("google", {"public_token": ""}, 400, "bad_request"),
        ("google", {"public_token": "public-token-test-other"}, 401, "invalid_public_token"),
        ("slack", {}, 400, "oauth_provider_not_supported"),
        ("google", {"discovery_redirect_url": "javascript:alert(1)"}, 400, "invalid_discovery_redirect_url"),
        ("google", {"discovery_redirect_url": ""}, 400, "no_discovery_redirect_url_set"),
    ],
)
def test_start_refuses(
    fake: FakeStytch,
    http: requests.Session,
    provider: str,
    query: dict[str, str],
    status: int,
    error_type: str,
) -> None:
    response = http.get(discovery_start(fake, provider, **query), allow_redirects=False, timeout=10)
    assert_stytch_error(response, status, error_type)
    assert fake.app.state.browser_flows == {}


def test_start_uses_the_default_discovery_redirect_url() -> None:
    with FakeStytch(default_discovery_redirect_url="http://localhost:9/default") as fake:
        callback = fake.sign_in(discovery_start(fake, discovery_redirect_url=""), ADA)
    assert callback.startswith("http://localhost:9/default?stytch_token_type=discovery_oauth&token=")


def test_the_page_refuses_an_unknown_or_finished_flow_and_a_bad_email(
    fake: FakeStytch, http: requests.Session
) -> None:
    location = provider_page(http, fake, discovery_start(fake))
    bad = http.get(
        fake.base_url + location + "&email=not-an-email&approve=1", allow_redirects=False, timeout=10
    )
    assert_stytch_error(bad, 400, "invalid_email")
    assert (
        http.get(
            fake.base_url + location + f"&email={ADA}&approve=1", allow_redirects=False, timeout=10
        ).status_code
        == 302
    )
    again = http.get(fake.base_url + location, timeout=10)
    assert_stytch_error(again, 404, "oauth_flow_not_found")
    stale = provider_page(http, fake, discovery_start(fake))
    fake.advance_clock(600)
    assert_stytch_error(http.get(fake.base_url + stale, timeout=10), 404, "oauth_flow_not_found")


def test_sign_in_raises_the_fakes_refusal(fake: FakeStytch) -> None:
    with pytest.raises(ApiError) as raised:
        fake.sign_in(discovery_start(fake, "github"), ADA)
    assert (raised.value.status, raised.value.error_type) == (400, "oauth_provider_not_supported")


def test_authenticate_validates(call: Call) -> None:
    assert_stytch_error(call(AUTHENTICATE, {}), 400, "bad_request")
    body = {"discovery_oauth_token": "x", "session_duration_minutes": 1}
    assert_stytch_error(call(AUTHENTICATE, body), 400, "invalid_session_duration_minutes")


@pytest.mark.usefixtures("seeded")
def test_continue_with_nobody_chosen_shows_the_page_again_with_a_message(
    fake: FakeStytch, http: requests.Session
) -> None:
    page = http.get(fake.base_url + provider_page(http, fake, discovery_start(fake)), timeout=10)
    flow = flow_of(page.url)
    nobody = {"flow": flow, "person": "", "email": ""}

    answer = http.post(fake.base_url + "/fake-idp/authorize", data=nobody, allow_redirects=False, timeout=10)

    assert answer.status_code == 400
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Choose an account or type an email address." in answer.text
    assert f'value="{flow}"' in answer.text  # the same flow, still usable
    retried = http.post(
        fake.base_url + "/fake-idp/authorize",
        data={**nobody, "person": ADA},
        allow_redirects=False,
        timeout=10,
    )
    assert retried.status_code == 303
    token_of(retried.headers["Location"], "discovery_oauth")
