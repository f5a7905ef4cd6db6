"""SSO as the primary step in a real browser: the SSO-only organization, through the fake identity
provider's page and back, signed in; an organization that wants MFA after SSO, ending at the SMS
code; an organization that takes Google or Microsoft; a return the browser did not start, and a
start or callback the server could not serve (its cache or Stytch down), shown readably on the
step, which stays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser import expect
from tests.e2e.helpers import (
    DEMO_EMAIL,
    IST_COOKIE,
    DemoServer,
    Screenshots,
    assert_tokens_out_of_reach,
    expect_signed_in,
    fake_control,
    log_out,
    org_action,
    seed_own_member,
    sign_in_by_magic_link,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def open_wayne(page: Page, demo_server: DemoServer, shoot: Screenshots) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    org_action(page, "wayne-enterprises").click()
    expect(page.get_by_role("heading", name="Wayne Enterprises needs another sign-in method")).to_be_visible()
    expect(page.locator("#primary-text")).to_have_text("Wayne Enterprises only accepts SSO.")
    expect(page.get_by_role("button", name="Email me a code")).to_be_hidden()


def test_the_sso_only_organization_signs_in_through_its_identity_provider(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    open_wayne(page, demo_server, shoot)
    shoot(page, "primary-sso")

    page.get_by_role("link", name="Continue with SSO").click()

    expect(
        page.get_by_role("heading", name="Sign in to Wayne Enterprises (Wayne Enterprises Okta) (fake)")
    ).to_be_visible()
    assert page.url.startswith(demo_server.fake_url)
    shoot(page, "primary-sso-identity-provider")
    page.get_by_label(f"Ada Lovelace <{DEMO_EMAIL}>").check()
    page.get_by_role("button", name="Continue").click()

    expect_signed_in(page, "Wayne Enterprises", "magic_link (email), sso (sso_saml)")
    assert "token=" not in page.url
    shoot(page, "primary-sso-signed-in")
    log_out(page, shoot)


def test_a_return_this_browser_did_not_start_resumes_the_step_with_a_readable_error(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    open_wayne(page, demo_server, shoot)

    page.goto("/api/stytch/primary/sso/authenticate?stytch_token_type=sso&token=" + "x" * 44)

    expect(page.get_by_role("alert")).to_contain_text("That sign-in was not started in this browser")
    expect(page.get_by_role("heading", name="Wayne Enterprises needs another sign-in method")).to_be_visible()
    expect(page.get_by_role("link", name="Continue with SSO")).to_be_visible()
    assert "stytch_discovery_error" not in page.url
    shoot(page, "primary-sso-not-started-here")


def test_an_sso_start_the_servers_cache_refuses_keeps_the_step_and_shows_why(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    open_wayne(page, demo_server, shoot)
    # What the start answers while Django's cache is down (tests/primary/test_cache_down.py): the
    # demo's local-memory cache cannot be taken down from here.
    page.route(
        "**/api/stytch/primary/sso/start*",
        lambda route: route.fulfill(
            status=302, headers={"Location": "/?stytch_discovery_error=cache_unavailable"}
        ),
        times=1,
    )

    page.get_by_role("link", name="Continue with SSO").click()

    expect(page.get_by_role("heading", name="Wayne Enterprises needs another sign-in method")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("could not go on with that sign-in just now")
    expect(alert.locator("code")).to_have_text("cache_unavailable")
    assert "stytch_discovery_error" not in page.url
    shoot(page, "primary-sso-cache-down")

    page.get_by_role("link", name="Continue with SSO").click()  # the cache is back: the step goes on
    expect(
        page.get_by_role("heading", name="Sign in to Wayne Enterprises (Wayne Enterprises Okta) (fake)")
    ).to_be_visible()


def test_an_oauth_sign_in_stytch_fails_keeps_the_step_and_shows_why(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    manor = {
        "organization_name": "Wayne Tower",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["google_oauth"],
    }
    email, slug = seed_own_member(demo_server, person="Lucius", domain="wayne.example", organization=manor)
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()
    fake_control(
        demo_server, "/_fake/faults", {"path": "/v1/b2b/oauth/authenticate", "status": 503, "count": 1}
    )

    page.get_by_role("link", name="Continue with Google").click()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Wayne Tower needs another sign-in method")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("could not go on with that sign-in just now")
    expect(alert.locator("code")).to_have_text("stytch_unavailable")
    shoot(page, "primary-oauth-stytch-down")

    page.get_by_role("link", name="Continue with Google").click()  # Stytch is back: the step goes on
    page.get_by_role("button", name="Continue").click()
    expect_signed_in(page, "Wayne Tower", "magic_link (email), oauth (oauth_google)")


def test_sso_into_an_organization_that_wants_mfa_ends_at_the_sms_code(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    labs = {
        "organization_name": "Wayne Labs",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["sso"],
        "mfa_policy": "REQUIRED_FOR_ALL",
        "sso_connections": [{"display_name": "Wayne Labs Okta"}],
    }
    email, slug = seed_own_member(
        demo_server,
        person="Lucius",
        domain="wayne.example",
        organization=labs,
        mfa_phone_number="+15005550006",
    )
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()
    page.get_by_role("link", name="Continue with SSO").click()
    page.get_by_label(f"Lucius <{email}>").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Finish signing in to Wayne Labs")).to_be_visible()
    expect(page.locator("#mfa-sms-status")).to_contain_text("We texted a code to +•••••••0006")
    assert_tokens_out_of_reach(page, page.context, expected={IST_COOKIE})
    shoot(page, "primary-sso-then-mfa")
    text = page.locator("#inbox-list li").first
    expect(text).to_contain_text("Text to +15005550006")
    page.get_by_role("textbox", name="6-digit code").fill(text.locator(".inbox-code").inner_text())
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-factors")).to_have_text("magic_link (email), sso (sso_saml), otp (sms)")
    log_out(page, shoot)


def test_an_organization_that_takes_google_signs_in_with_google(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    manor = {
        "organization_name": "Wayne Manor",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["google_oauth", "microsoft_oauth"],
    }
    email, slug = seed_own_member(demo_server, person="Alfred", domain="wayne.example", organization=manor)
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()
    expect(page.locator("#primary-text")).to_have_text("Wayne Manor only accepts Google or Microsoft.")
    expect(page.get_by_role("link", name="Continue with Microsoft")).to_be_visible()
    shoot(page, "primary-oauth")

    page.get_by_role("link", name="Continue with Google").click()
    expect(page.get_by_label(f"Alfred <{email}>")).to_be_checked()  # the member's email as the login hint
    page.get_by_role("button", name="Continue").click()

    expect_signed_in(page, "Wayne Manor", "magic_link (email), oauth (oauth_google)")
    log_out(page, shoot)
