"""The example project's SPA in a real browser, against the demo server and its fake Stytch.

Each test starts from a fresh browser context (no cookies). Screenshots of every step land in
artifacts/screenshots/.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser import expect
from tests.e2e.helpers import (
    DEMO_EMAIL,
    IST_COOKIE,
    SESSION_COOKIE,
    DemoServer,
    Screenshots,
    assert_tokens_out_of_reach,
    fake_control,
    log_out,
    org_action,
    sign_in_by_magic_link,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


# What the picker must show for the demo email: slug -> (membership type, action label).
EXPECTED_PICKER = {
    "acme": ("active_member", "Log in"),
    "globex": ("invited_member", "Accept invite"),
    "initech": ("pending_member", "Join"),
    "umbrella": ("eligible_to_join_by_email_domain", "Join"),
    "hooli": ("eligible_to_join_by_oauth_tenant", "Join"),
    "stark-industries": ("active_member", "Log in"),
    "oscorp": ("active_member", "Log in"),
    "tyrell": ("active_member", "Log in"),
    "massive-dynamic": ("active_member", "Log in"),
    "wayne-enterprises": ("active_member", "Log in"),
}


def test_create_an_organization_after_a_taken_slug_then_log_out(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    for org_slug, (membership, label) in EXPECTED_PICKER.items():
        row = page.locator(f'[data-org-slug="{org_slug}"]')
        expect(row).to_have_attribute("data-membership", membership)
        expect(org_action(page, org_slug)).to_have_text(label)
    expect(page.locator("[data-org-slug]")).to_have_count(len(EXPECTED_PICKER))
    expect(page.locator('[data-org-slug="stark-industries"] .badge')).to_have_text("MFA required")
    expect(page.locator('[data-org-slug="wayne-enterprises"] .badge')).to_have_text("Requires SSO")
    shoot(page, "organizations")

    page.get_by_role("textbox", name="Organization name").fill("Ada's Lab")
    slug = page.get_by_role("textbox", name="Slug", exact=True)
    expect(slug).to_have_value("ada-s-lab")
    slug_error = page.locator("#org-slug-error")
    slug.fill("a")
    expect(slug_error).to_have_text("A slug needs at least 2 characters.")
    slug.fill("ada lab")
    expect(slug_error).to_have_text("Use only letters, digits and - . _ ~ (no spaces).")
    expect(slug).to_have_attribute("aria-invalid", "true")
    shoot(page, "slug-live-validation")

    slug.fill("cyberdyne")  # an organization Ada cannot see still owns its slug
    expect(slug_error).to_be_hidden()
    page.get_by_role("button", name="Create organization").click()
    expect(slug_error).to_have_text("That slug is taken. Try another one.")
    expect(slug).to_be_focused()
    shoot(page, "slug-taken")

    slug.fill("adas-lab")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-org")).to_have_text("Ada's Lab")
    expect(page.locator("#si-slug")).to_have_text("adas-lab")
    expect(page.locator("#si-member")).to_contain_text(DEMO_EMAIL)
    expect(page.locator("#si-roles")).to_contain_text("stytch_admin")
    shoot(page, "signed-in-new-organization")
    assert_tokens_out_of_reach(page, page.context, expected={SESSION_COOKIE})
    assert IST_COOKIE not in {cookie["name"] for cookie in page.context.cookies()}

    page.reload()  # the session cookie, checked with Stytch, keeps the member signed in
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-slug")).to_have_text("adas-lab")
    log_out(page, shoot)


def test_an_sso_organization_stops_at_its_step_then_enter_an_existing_organization(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    org_action(page, "wayne-enterprises").click()
    expect(page.get_by_role("heading", name="Wayne Enterprises needs another sign-in method")).to_be_visible()
    # Not signed in yet: the fresh intermediate session stays in its HttpOnly cookie.
    assert_tokens_out_of_reach(page, page.context, expected={IST_COOKIE})
    assert SESSION_COOKIE not in {cookie["name"] for cookie in page.context.cookies()}

    expect(page.locator("#primary-text")).to_have_text("Wayne Enterprises only accepts SSO.")
    expect(page.get_by_role("link", name="Continue with SSO")).to_be_visible()
    shoot(page, "sso-required")

    page.get_by_role("button", name="Back to organizations").click()
    expect(page.get_by_role("heading", name="Choose an organization")).to_be_visible()
    org_action(page, "acme").click()
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-org")).to_have_text("Acme")
    expect(page.locator("#si-member")).to_have_text(f"Ada Lovelace <{DEMO_EMAIL}>")
    shoot(page, "signed-in-existing-organization")
    assert_tokens_out_of_reach(page, page.context, expected={SESSION_COOKIE})
    log_out(page, shoot)


def test_a_bad_magic_link_shows_a_readable_error(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    page.goto(
        "/api/stytch/discovery/magic-links/authenticate?stytch_token_type=discovery&token=not-a-real-token"
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That sign-in link is invalid, already used or expired.")
    expect(page.get_by_role("heading", name="Sign in with your work email")).to_be_visible()
    assert "stytch_discovery_error" not in page.url
    shoot(page, "bad-magic-link")


def test_a_stytch_outage_shows_a_readable_error(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    fake_control(
        demo_server,
        "/_fake/faults",
        {"path": "/v1/b2b/discovery/intermediate_sessions/exchange", "status": 500, "count": 1},
    )
    org_action(page, "acme").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(re.compile(r"\w+ \w+"))  # a sentence, not a blank or a code only
    expect(page.get_by_role("heading", name="Choose an organization")).to_be_visible()
    shoot(page, "stytch-outage")


def test_a_first_visit_asks_nothing_that_fails(page: Page, demo_server: DemoServer) -> None:
    console: list[str] = []
    failed: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)

    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in with your work email")).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert failed == []
    assert console == []
    expect(page.locator("#who")).to_have_text("Not signed in")


def test_sign_in_reload_switch_organization_and_log_out(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    # A person of this test's own, so that accepting an invite changes nothing another test sees.
    suffix = uuid.uuid4().hex[:8]
    email = f"tess-{suffix}@tyrell.example"
    fake_control(
        demo_server,
        "/_fake/seed",
        {
            "organizations": [
                {"organization_slug": f"tyrell-{suffix}", "organization_name": "Tyrell"},
                {"organization_slug": f"weyland-{suffix}", "organization_name": "Weyland"},
            ],
            "members": [
                {"organization_slug": f"tyrell-{suffix}", "email_address": email, "name": "Tess"},
                {"organization_slug": f"weyland-{suffix}", "email_address": email, "status": "invited"},
            ],
        },
    )
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, f"tyrell-{suffix}").click()
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#who")).to_have_text("Signed in as Tess · Tyrell")
    expect(page.locator("#si-user")).to_have_text(email)
    expect(page.locator("#si-factors")).to_have_text("magic_link (email)")
    switch = page.get_by_role("list", name="Your other organizations")
    expect(switch.locator(f'[data-org-slug="weyland-{suffix}"]')).to_be_visible()
    expect(switch.locator(f'[data-org-slug="tyrell-{suffix}"]')).to_have_count(0)  # not the current one
    shoot(page, "signed-in-with-switcher")

    page.reload()
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#who")).to_have_text("Signed in as Tess · Tyrell")

    switch.get_by_role("button", name="Switch to Weyland").click()
    expect(page.locator("#si-org")).to_have_text("Weyland")
    expect(page.locator("#who")).to_contain_text("Weyland")
    expect(page.get_by_role("status")).to_have_text("Switched to Weyland.")
    shoot(page, "switched-organization")
    assert_tokens_out_of_reach(page, page.context, expected={SESSION_COOKIE})

    page.reload()
    expect(page.locator("#si-org")).to_have_text("Weyland")
    log_out(page, shoot)
    expect(page.locator("#who")).to_have_text("Not signed in")


def test_an_expired_sign_in_says_so_and_offers_a_new_link(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    sign_in_by_magic_link(page, demo_server, shoot)
    fake_control(demo_server, "/_fake/clock", {"advance_seconds": 11 * 60})  # the IST lives 10 minutes
    try:
        org_action(page, "acme").click()
        expired = page.locator("#expired")
        expect(expired).to_have_text(re.compile(f"Your sign-in for {DEMO_EMAIL} has expired"))
        expect(page.locator("#alert")).to_be_hidden()  # said once, not twice
        shoot(page, "expired-sign-in")
        sent_before = len(fake_control(demo_server, "/_fake/outbox")["messages"])
        expired.get_by_role("button", name="Send a new link").click()
        expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
        expect(page.locator("#inbox-email")).to_have_text(DEMO_EMAIL)
        assert len(fake_control(demo_server, "/_fake/outbox")["messages"]) == sent_before + 1
    finally:
        fake_control(demo_server, "/_fake/clock", {"offset_seconds": 0})
