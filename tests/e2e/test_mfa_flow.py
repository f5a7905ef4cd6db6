"""MFA and primary steps in a real browser: an SMS code from the dev inbox, an authenticator code,
setting an app up (QR code and recovery codes shown once), a recovery code that works once, an
organization that wants an emailed code before MFA, and one that wants its own magic link (a bad
link keeps the step).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser import expect
from tests.e2e.helpers import (
    IST_COOKIE,
    DemoServer,
    Screenshots,
    assert_tokens_out_of_reach,
    expect_signed_in,
    log_out,
    org_action,
    seed_own_member,
    sign_in_by_magic_link,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def fresh_member(demo_server: DemoServer, **member: object) -> tuple[str, str]:
    """A person and an MFA organization of this test's own: (email, organization slug)."""
    organization = {"organization_name": "Nexus", "mfa_policy": "REQUIRED_FOR_ALL"}
    return seed_own_member(
        demo_server, person="Kim", domain="tyrell.example", organization=organization, **member
    )


def test_an_sms_code_from_the_dev_inbox_finishes_mfa(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    org_action(page, "stark-industries").click()

    expect(page.get_by_role("heading", name="Finish signing in to Stark Industries")).to_be_visible()
    expect(page.locator("#mfa-sms-status")).to_have_text(
        "We texted a code to +•••••••0006. It works for 2 minutes."
    )
    newest = page.locator("#inbox-list li").first
    expect(newest).to_contain_text("Text to +15005550006")
    assert_tokens_out_of_reach(page, page.context, expected={IST_COOKIE})
    shoot(page, "mfa-sms-code-sent")
    code = newest.locator(".inbox-code").inner_text()
    page.get_by_role("textbox", name="6-digit code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#mfa-code-error")).to_have_text("That code is not right; check it and try again.")
    shoot(page, "mfa-sms-wrong-code")
    page.get_by_role("textbox", name="6-digit code").fill(code)
    page.get_by_role("button", name="Verify").click()

    expect_signed_in(page, "Stark Industries", "magic_link (email), otp (sms)")
    shoot(page, "mfa-sms-signed-in")
    log_out(page, shoot)


def test_an_authenticator_code_finishes_mfa(page: Page, demo_server: DemoServer, shoot: Screenshots) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    org_action(page, "oscorp").click()

    expect(page.get_by_role("heading", name="Finish signing in to Oscorp")).to_be_visible()
    expect(page.get_by_role("button", name="Authenticator app")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Show the current code (dev only)").click()
    helper = page.locator("#mfa-dev-code-value")
    expect(helper).to_contain_text("The fake's authenticator shows")
    shoot(page, "mfa-totp-dev-code")
    code = helper.inner_text().split("shows ")[1][:6]
    page.get_by_role("textbox", name="6-digit code").fill(code)
    page.get_by_role("button", name="Verify").click()

    expect_signed_in(page, "Oscorp", "magic_link (email), totp (authenticator_app)")
    log_out(page, shoot)


def test_setting_up_an_app_shows_the_qr_code_and_recovery_codes_once_and_a_recovery_code_works_once(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    email, slug = fresh_member(demo_server)
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()
    expect(page.get_by_role("heading", name="Set up a second step for Nexus")).to_be_visible()
    shoot(page, "mfa-enrol-choose")

    page.get_by_role("button", name="Set up: Authenticator app").click()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert page.evaluate("() => document.getElementById('mfa-qr').naturalWidth") > 100  # a real image
    codes = page.get_by_role("list", name="Your recovery codes").locator("li")
    expect(codes).to_have_count(10)
    recovery_code = codes.first.inner_text()
    expect(page.locator("#mfa-secret")).to_have_text(re.compile("^[A-Z2-7]{32}$"))
    shoot(page, "mfa-enrol-qr-and-recovery-codes")
    page.get_by_role("button", name="Show the current code (dev only)").click()
    expect(page.locator("#mfa-dev-code-value")).to_contain_text("shows")
    code = page.locator("#mfa-dev-code-value").inner_text().split("shows ")[1][:6]
    page.get_by_role("textbox", name="6-digit code from the app").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect_signed_in(page, "Nexus", "magic_link (email), totp (authenticator_app)")
    log_out(page, shoot)

    # The app is lost: a recovery code, once.
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()
    expect(page.get_by_role("heading", name="Finish signing in to Nexus")).to_be_visible()
    expect(page.locator("#mfa-totp-setup")).to_be_hidden()  # the codes are never shown again
    page.get_by_role("button", name="Recovery code").click()
    page.get_by_role("textbox", name="Recovery code").fill(recovery_code)
    shoot(page, "mfa-recovery-code")
    page.get_by_role("button", name="Verify").click()
    expect_signed_in(page, "Nexus", "magic_link (email), recovery_codes (recovery_code)")
    expect(page.get_by_role("status")).to_have_text("Signed in with a recovery code: 9 left.")
    shoot(page, "mfa-recovery-signed-in")
    log_out(page, shoot)

    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()
    page.get_by_role("button", name="Recovery code").click()
    page.get_by_role("textbox", name="Recovery code").fill(recovery_code)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#mfa-code-error")).to_have_text(
        "That recovery code is not valid or was already used."
    )
    shoot(page, "mfa-recovery-code-used")


def test_setting_up_a_phone_then_its_code(page: Page, demo_server: DemoServer, shoot: Screenshots) -> None:
    email, slug = fresh_member(demo_server)
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()

    page.get_by_role("button", name="Set up: Text message").click()
    phone = page.get_by_role("textbox", name="Mobile phone number")
    phone.fill("5005550006")
    page.get_by_role("button", name="Text me a code").click()
    expect(page.locator("#mfa-phone-error")).to_have_text(
        "Give the number with its country code, like +15005550006."
    )
    phone.fill("+1 500 555 0007")
    page.get_by_role("button", name="Text me a code").click()
    expect(page.locator("#mfa-sms-status")).to_have_text(
        "We texted a code to +•••••••0007. It works for 2 minutes."
    )
    newest = page.locator("#inbox-list li").first
    expect(newest).to_contain_text("Text to +15005550007")
    shoot(page, "mfa-enrol-phone-code-sent")
    page.get_by_role("textbox", name="6-digit code").fill(newest.locator(".inbox-code").inner_text())
    page.get_by_role("button", name="Verify").click()

    expect_signed_in(page, "Nexus", "magic_link (email), otp (sms)")
    log_out(page, shoot)


def test_an_emailed_code_first_then_the_sms_code(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    org_action(page, "massive-dynamic").click()
    expect(page.get_by_role("heading", name="Massive Dynamic needs another sign-in method")).to_be_visible()
    expect(page.locator("#primary-text")).to_have_text(
        "Massive Dynamic only accepts an email code, sent to ada@acme.example."
    )
    shoot(page, "primary-email-code")

    page.get_by_role("button", name="Email me a code").click()
    newest = page.locator("#inbox-list li").first
    expect(newest).to_contain_text("Your email sign-in code:")
    page.get_by_role("textbox", name="Code from the email").fill(newest.locator(".inbox-code").inner_text())
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_role("heading", name="Finish signing in to Massive Dynamic")).to_be_visible()
    expect(page.locator("#mfa-sms-status")).to_contain_text("We texted a code to +•••••••0006")
    text = page.locator("#inbox-list li").first
    expect(text).to_contain_text("Text to +15005550006")
    shoot(page, "primary-then-mfa")
    page.get_by_role("textbox", name="6-digit code").fill(text.locator(".inbox-code").inner_text())
    page.get_by_role("button", name="Verify").click()
    expect_signed_in(page, "Massive Dynamic", "magic_link (email), otp (email), otp (sms)")
    shoot(page, "primary-then-mfa-signed-in")
    log_out(page, shoot)


def test_a_bad_organization_link_keeps_the_pending_step_and_shows_why(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    organization = {
        "organization_name": "Linkwell",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["magic_link"],
    }
    email, slug = seed_own_member(
        demo_server, person="Kim", domain="linkwell.example", organization=organization
    )
    # In by an emailed code, so the organization still wants its own link.
    page.goto("/")
    page.get_by_role("textbox", name="Work email").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    newest = page.locator('#inbox-list li[data-kind="discovery_email_otp"]').first
    expect(newest).to_contain_text(f"To {email}")
    page.locator("#code").fill(newest.locator(".inbox-code").inner_text())
    page.get_by_role("button", name="Verify").click()
    org_action(page, slug).click()
    pending = page.get_by_role("heading", name="Linkwell needs another sign-in method")
    expect(pending).to_be_visible()
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("#primary-status")).to_contain_text("We emailed a sign-in link")

    # A link Stytch does not know (expired, used, mistyped): its target redirects with the code.
    page.goto(
        "/api/stytch/primary/magic-links/authenticate?stytch_token_type=multi_tenant_magic_links&token="
        + "x" * 44
    )

    expect(pending).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That sign-in link is invalid, already used or expired")
    expect(alert.locator("code")).to_have_text("magic_link_invalid")
    expect(page.get_by_role("button", name="Email me a sign-in link")).to_be_visible()
    assert "stytch_discovery_error" not in page.url
    shoot(page, "primary-link-invalid")

    link = page.locator('#inbox-list li[data-kind="magic_link"]').first  # the good one still works
    expect(link).to_contain_text(f"To {email}")
    link.get_by_role("link").click()
    expect_signed_in(page, "Linkwell", "otp (email), magic_link (email)")
    log_out(page, shoot)
