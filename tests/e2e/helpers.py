"""Helpers of the browser tests: the demo server, its start-up banner, screenshots."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from stytch_discovery.defaults import DEFAULTS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

DEMO_EMAIL = "ada@acme.example"
IST_COOKIE = DEFAULTS["IST_COOKIE_NAME"]
SESSION_COOKIE = DEFAULTS["SESSION_COOKIE_NAME"]
TOKEN_COOKIES = {IST_COOKIE, SESSION_COOKIE, DEFAULTS["SESSION_JWT_COOKIE_NAME"]}

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
SERVER_START_SECONDS = 45


@dataclass(frozen=True)
class DemoServer:
    url: str
    fake_url: str
    log: Path


def wait_for_banner(process: subprocess.Popen[bytes], log: Path) -> DemoServer:
    """The URL line is printed only once the server listens."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        ready = re.search(r"^Demo ready: (http://\S+)$", text, re.MULTILINE)
        fake = re.search(r"in-process at (http://\S+?) ", text)
        if ready and fake:
            return DemoServer(url=ready.group(1), fake_url=fake.group(1), log=log)
        if process.poll() is not None:
            pytest.fail(f"the demo server exited with {process.returncode}:\n{text}")
        time.sleep(0.1)
    pytest.fail(f"the demo server printed no URL within {SERVER_START_SECONDS} s:\n{log.read_text()}")


@contextmanager
def running_demo(*, database: Path, log: Path, arguments: tuple[str, ...] = ()) -> Iterator[DemoServer]:
    """``manage.py demo`` (what ``scripts/demo`` runs) on a free port and ``database``; stopped after."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STYTCH_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, str(REPO / "example_project" / "manage.py"), "demo", "--port", "0", *arguments]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield wait_for_banner(process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Screenshots:
    """Numbered screenshots in run order: artifacts/screenshots/NN-step.png, or
    artifacts/screenshots/gwN/NN-step.png from pytest-xdist's worker gwN (`-n 2`).

    A serial run clears every earlier run's screenshots; a worker clears a serial run's and its
    own directory, never another worker's, which may already be writing.
    """

    def __init__(self) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        self.directory = SCREENSHOTS / worker if worker else SCREENSHOTS
        self.directory.mkdir(parents=True, exist_ok=True)
        if worker:
            stale = [*SCREENSHOTS.glob("*.png"), *self.directory.glob("*.png")]
        else:
            stale = list(SCREENSHOTS.glob("**/*.png"))
        for old in stale:
            old.unlink(missing_ok=True)
        self.taken = 0

    def __call__(self, page: Page, step: str) -> Path:
        self.taken += 1
        path = self.directory / f"{self.taken:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def fake_control(demo_server: DemoServer, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the in-process fake's /_fake/ control endpoints (loopback only)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        demo_server.fake_url + path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def org_action(page: Page, slug: str) -> Locator:
    return page.locator(f'[data-org-slug="{slug}"] .org-action')


def sign_in_by_magic_link(
    page: Page, demo_server: DemoServer, shoot: Screenshots, email: str = DEMO_EMAIL
) -> None:
    """Email -> check your inbox -> click the newest link in the dev inbox -> the picker."""
    from playwright.sync_api import expect

    sent_before = len(fake_control(demo_server, "/_fake/outbox")["messages"])
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in with your work email")).to_be_visible()
    page.get_by_role("textbox", name="Work email").fill(email)
    shoot(page, "email")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    inbox = page.locator("#inbox-list li")
    expect(inbox).to_have_count(min(sent_before + 1, 20))
    expect(inbox.first).to_contain_text(f"To {email}")
    shoot(page, "check-inbox")
    inbox.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Choose an organization")).to_be_visible()
    assert_tokens_out_of_reach(page, page.context, expected={IST_COOKIE})


def assert_tokens_out_of_reach(page: Page, context: BrowserContext, *, expected: set[str]) -> None:
    """Token cookies are HttpOnly, and no script-readable storage holds a token value."""
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert expected <= set(cookies), f"missing token cookies: {expected - set(cookies)}"
    tokens = [cookies[name]["value"] for name in TOKEN_COOKIES & set(cookies)]
    for name in TOKEN_COOKIES & set(cookies):
        assert cookies[name]["httpOnly"], f"{name} is readable by scripts"
    readable = page.evaluate(
        """() => ({
            local: Object.entries(localStorage),
            session: Object.entries(sessionStorage),
            cookie: document.cookie,
        })"""
    )
    assert readable == {"local": [], "session": [], "cookie": ""}
    dumped = json.dumps(readable)
    assert all(token and token not in dumped for token in tokens)


def log_out(page: Page, shoot: Screenshots) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign in with your work email")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    shoot(page, "signed-out")
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert not names & TOKEN_COOKIES


def seed_own_member(
    demo_server: DemoServer, *, person: str, domain: str, organization: dict[str, Any], **member: Any
) -> tuple[str, str]:
    """A member and an organization of this test's own, so that nothing it does changes what
    another test sees: (email, organization slug), both with a fresh suffix. ``organization``
    holds its ``organization_name`` (the slug is made from it) and any other seed fields."""
    suffix = uuid.uuid4().hex[:8]
    email = f"{person.lower()}-{suffix}@{domain}"
    slug = f"{organization['organization_name'].lower().replace(' ', '-')}-{suffix}"
    fake_control(
        demo_server,
        "/_fake/seed",
        {
            "organizations": [{"organization_slug": slug, **organization}],
            "members": [{"organization_slug": slug, "email_address": email, "name": person, **member}],
        },
    )
    return email, slug


def expect_signed_in(page: Page, organization: str, factors: str) -> None:
    """The signed-in screen for ``organization`` with these factors; the tokens out of reach, the IST gone."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="You're signed in")).to_be_visible()
    expect(page.locator("#si-org")).to_have_text(organization)
    expect(page.locator("#si-factors")).to_have_text(factors)
    assert_tokens_out_of_reach(page, page.context, expected={SESSION_COOKIE})
    assert IST_COOKIE not in {cookie["name"] for cookie in page.context.cookies()}
