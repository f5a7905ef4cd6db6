"""What Stytch and the server send, shown by the SPA as text: hostile names stay inert, and a
failing answer after a finished step still gets its message on screen.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser import expect
from tests.e2e.helpers import DemoServer, Screenshots, fake_control, org_action, sign_in_by_magic_link

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

#: Markup that sets window.__xss if anything inserts it as HTML.
HOSTILE = "<img src=x onerror=window.__xss=1>"


def seed_hostile(demo_server: DemoServer, **organization: object) -> tuple[str, str]:
    """A member named HOSTILE in an organization named HOSTILE, of this test's own: (email, slug)."""
    suffix = uuid.uuid4().hex[:8]
    email, slug = f"mal-{suffix}@tyrell.example", f"hostile-{suffix}"
    fake_control(
        demo_server,
        "/_fake/seed",
        {
            "organizations": [{"organization_slug": slug, "organization_name": HOSTILE, **organization}],
            "members": [{"organization_slug": slug, "email_address": email, "name": HOSTILE}],
        },
    )
    return email, slug


def assert_inert(page: Page) -> None:
    assert page.evaluate("() => window.__xss") is None
    assert page.locator('img[src="x"]').count() == 0


def test_hostile_organization_and_member_names_show_literally(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    email, slug = seed_hostile(demo_server)
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    expect(page.locator(f'[data-org-slug="{slug}"] .org-name')).to_have_text(HOSTILE)
    assert_inert(page)

    org_action(page, slug).click()
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-org")).to_have_text(HOSTILE)
    expect(page.locator("#si-member")).to_have_text(f"{HOSTILE} <{email}>")
    expect(page.locator("#who")).to_have_text(f"Signed in as {HOSTILE} · {HOSTILE}")
    assert_inert(page)
    shoot(page, "hostile-names")


def test_a_failing_session_answer_after_an_mfa_code_shows_its_message(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    suffix = uuid.uuid4().hex[:8]
    email, slug = f"kim-{suffix}@tyrell.example", f"nexus-{suffix}"
    fake_control(
        demo_server,
        "/_fake/seed",
        {
            "organizations": [
                {"organization_slug": slug, "organization_name": "Nexus", "mfa_policy": "REQUIRED_FOR_ALL"}
            ],
            "members": [
                {"organization_slug": slug, "email_address": email, "mfa_phone_number": "+15005550006"}
            ],
        },
    )
    sign_in_by_magic_link(page, demo_server, shoot, email=email)
    org_action(page, slug).click()
    expect(page.get_by_role("heading", name="Finish signing in to Nexus")).to_be_visible()
    newest = page.locator("#inbox-list li").first
    expect(newest).to_contain_text("Text to +15005550006")
    code = newest.locator(".inbox-code").inner_text()

    # The code works; the GET session that follows it meets a cache outage (the app's 503).
    message = "The server cannot count requests right now; try again shortly."
    body = {"code": "throttle_unavailable", "message": message, "fields": {}}
    page.route(
        "**/api/stytch/session",
        lambda route: route.fulfill(status=503, content_type="application/json", body=json.dumps(body)),
        times=1,
    )
    page.get_by_role("textbox", name="6-digit code").fill(code)
    page.get_by_role("button", name="Verify").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(message)
    expect(alert.locator("code")).to_have_text("throttle_unavailable")
    shoot(page, "session-answer-failed-after-mfa")
    page.reload()  # the step was done: the session stands
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-org")).to_have_text("Nexus")
