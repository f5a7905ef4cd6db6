"""The sign-in screen's other ways in, in a real browser: an emailed code, Google, Microsoft.

Each ends in the organization picker and then in an organization; the OAuth ones go through the
fake Stytch's provider page. Screenshots land in artifacts/screenshots/.
"""

from __future__ import annotations

import re
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
    log_out,
    org_action,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

STATE_COOKIE = "stytch_discovery_oauth"


def open_sign_in(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in with your work email")).to_be_visible()


def enter_acme(page: Page, shoot: Screenshots, step: str) -> None:
    expect(page.get_by_role("heading", name="Choose an organization")).to_be_visible()
    expect(page.locator("#orgs-email")).to_have_text(DEMO_EMAIL)
    shoot(page, f"{step}-picker")
    assert_tokens_out_of_reach(page, page.context, expected={IST_COOKIE})
    org_action(page, "acme").click()
    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-org")).to_have_text("Acme")
    assert_tokens_out_of_reach(page, page.context, expected={SESSION_COOKIE})


def test_an_emailed_code_ends_in_the_picker(page: Page, demo_server: DemoServer, shoot: Screenshots) -> None:
    open_sign_in(page)
    page.get_by_role("textbox", name="Work email").fill(DEMO_EMAIL)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    expect(page.locator("#code-email")).to_have_text(DEMO_EMAIL)
    newest = page.locator('#inbox-list li[data-kind="discovery_email_otp"]').first
    expect(newest).to_contain_text(f"To {DEMO_EMAIL}")
    code = newest.locator(".inbox-code").inner_text()
    shoot(page, "code-sent")

    page.locator("#code").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#code-error")).to_have_text("That code is not right; check it and try again.")
    shoot(page, "code-wrong")
    page.locator("#code").fill(code)
    page.get_by_role("button", name="Verify").click()

    enter_acme(page, shoot, "code")
    log_out(page, shoot)


def test_after_ten_wrong_codes_even_the_right_one_is_refused_and_the_page_says_so(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    email = "guessed@acme.example"  # an address of this test's own: its budget is spent here
    open_sign_in(page)
    page.get_by_role("textbox", name="Work email").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    newest = page.locator('#inbox-list li[data-kind="discovery_email_otp"]').first
    expect(newest).to_contain_text(f"To {email}")
    code = newest.locator(".inbox-code").inner_text()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(10):  # WRONG_CODE_BUDGET's default, ten an hour
        page.locator("#code").fill(wrong)
        with page.expect_response(lambda response: "otps/authenticate" in response.url) as answer:
            page.get_by_role("button", name="Verify").click()
        assert answer.value.status == 400
        expect(page.locator("#code-error")).to_have_text("That code is not right; check it and try again.")

    page.locator("#code").fill(code)
    page.get_by_role("button", name="Verify").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        re.compile(
            r"^Too many wrong codes; try again in (60|59) min\. Even the right code is refused until then\."
        )
    )
    expect(alert.locator("code")).to_have_text("code_attempts_exhausted")
    expect(page.locator("#code-error")).to_be_hidden()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    shoot(page, "code-attempts-exhausted")


def test_a_code_that_is_not_six_digits_never_leaves_the_page(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    open_sign_in(page)
    page.get_by_role("textbox", name="Work email").fill(DEMO_EMAIL)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.locator("#code").fill("12a")
    page.get_by_role("button", name="Verify").click()

    expect(page.locator("#code-error")).to_have_text("Enter the 6-digit code from the email.")
    assert not [url for url in requests if "otps/authenticate" in url]


def test_continue_with_google_ends_in_the_picker(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    open_sign_in(page)
    shoot(page, "sign-in-choices")
    page.get_by_role("link", name="Continue with Google").click()
    expect(page.get_by_role("heading", name=re.compile("Sign in with Google"))).to_be_visible()
    page.get_by_label("Or another email").fill(DEMO_EMAIL)
    shoot(page, "google-provider-page")
    page.get_by_role("button", name="Continue").click()

    enter_acme(page, shoot, "google")
    assert STATE_COOKIE not in {cookie["name"] for cookie in page.context.cookies()}  # single use
    log_out(page, shoot)


def test_continue_with_microsoft_ends_in_the_picker(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    open_sign_in(page)
    page.get_by_role("link", name="Continue with Microsoft").click()
    expect(page.get_by_role("heading", name=re.compile("Sign in with Microsoft"))).to_be_visible()
    page.get_by_role("radio", name=re.compile(re.escape(DEMO_EMAIL))).check()
    page.get_by_role("button", name="Continue").click()

    enter_acme(page, shoot, "microsoft")
    log_out(page, shoot)


def test_a_replayed_oauth_callback_shows_a_readable_error(
    page: Page, demo_server: DemoServer, shoot: Screenshots
) -> None:
    callbacks: list[str] = []
    page.on(
        "request",
        lambda request: callbacks.append(request.url) if "oauth/authenticate" in request.url else None,
    )
    open_sign_in(page)
    page.get_by_role("link", name="Continue with Google").click()
    page.get_by_label("Or another email").fill(DEMO_EMAIL)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Choose an organization")).to_be_visible()

    page.goto(callbacks[-1])  # the same callback again: its state was used up

    expect(page.get_by_role("alert")).to_contain_text("That sign-in was not started in this browser")
    assert "stytch_discovery_error" not in page.url
    shoot(page, "oauth-replayed")


def test_a_discovery_start_the_server_cannot_serve_says_why_on_the_sign_in_screen(
    page: Page, demo_server: DemoServer
) -> None:
    # What discovery's OAuth start answers while Django's cache is down, to a browser with no
    # credential: no step to resume, so nothing to ask the server (no failing GET session).
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)

    page.goto("/?stytch_discovery_error=cache_unavailable")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("could not go on with that sign-in just now")
    expect(alert.locator("code")).to_have_text("cache_unavailable")
    expect(page.get_by_role("heading", name="Sign in with your work email")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert failed == []
