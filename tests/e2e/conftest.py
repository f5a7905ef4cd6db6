"""Fixtures for the browser tests: the demo server as a subprocess and the system's Chromium.

The server is started the way ``scripts/demo`` starts it (``manage.py demo``), minus the
virtual environment, on a free port and a throwaway SQLite file. Playwright's own browser
download does not work offline, so these tests drive Debian's Chromium (``/usr/bin/chromium``
or ``$CHROMIUM``) and skip, saying why, when it is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
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
SERVER_START_SECONDS = 45


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


@dataclass(frozen=True)
class DemoServer:
    url: str
    fake_url: str
    log: Path


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    workdir = tmp_path_factory.mktemp("demo")
    log = workdir / "server.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("STYTCH_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(REPO / "example_project" / "manage.py"), "demo", "--port", "0"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield wait_for_banner(process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Screenshots:
    """Numbered screenshots in run order: artifacts/screenshots/NN-step.png."""

    def __init__(self) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("*.png"):
            old.unlink()
        self.taken = 0

    def __call__(self, page: Page, step: str) -> Path:
        self.taken += 1
        path = SCREENSHOTS / f"{self.taken:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="session")
def shoot() -> Screenshots:
    return Screenshots()
