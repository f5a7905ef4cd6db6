"""Fixtures for the browser tests: the demo server as a subprocess and the system's Chromium.

The server is started the way ``scripts/demo`` starts it (``manage.py demo``), minus the
virtual environment, on a free port and a throwaway SQLite file. Playwright's own browser
download does not work offline, so these tests drive Debian's Chromium (``/usr/bin/chromium``
or ``$CHROMIUM``) and skip, saying why, when it is absent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import DemoServer, Screenshots, running_demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The network is closed: nothing may try to phone home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_candidate() -> str:
    return os.environ.get("CHROMIUM") or "/usr/bin/chromium"


def chromium_path() -> str | None:
    candidate = chromium_candidate()
    return candidate if os.access(candidate, os.X_OK) else shutil.which(candidate)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if chromium_path() is None:
        reason = (
            f"no Chromium at {chromium_candidate()} (set $CHROMIUM to another path): install "
            "Debian's chromium package (.ci/run does) to run the browser tests"
        )
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    workdir = tmp_path_factory.mktemp("demo")
    with running_demo(database=workdir / "db.sqlite3", log=workdir / "server.log") as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def shoot() -> Screenshots:
    return Screenshots()


@pytest.fixture
def context(browser: Browser, demo_server: DemoServer) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=demo_server.url, viewport={"width": 1200, "height": 900}, locale="en-US", timezone_id="UTC"
    )
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.set_default_timeout(10_000)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    yield page
    assert script_errors == [], "the page's script threw"
