"""Helpers of the browser tests: the demo server, its start-up banner, screenshots."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

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
