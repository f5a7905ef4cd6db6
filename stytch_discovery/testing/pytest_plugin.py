"""pytest plugin: the ``fake_stytch`` fixture.

One fake server per test session, reset before each test. When pytest-django's ``settings``
fixture is available, ``settings.STYTCH_DISCOVERY`` is pointed at the fake (PROJECT_ID,
SECRET, BASE_URL, and PUBLIC_TOKEN when the settings name one; other keys kept). Django is never
imported here, so the plugin also works in projects without it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake import FakeStytch


@pytest.fixture(scope="session")
def fake_stytch_server() -> Iterator[FakeStytch]:
    with FakeStytch() as fake:
        yield fake


@pytest.fixture
def fake_stytch(fake_stytch_server: FakeStytch, request: pytest.FixtureRequest) -> FakeStytch:
    fake_stytch_server.reset()
    try:
        settings = request.getfixturevalue("settings")
    except (pytest.FixtureLookupError, pytest.skip.Exception):
        settings = None  # no pytest-django, or no Django settings: nothing to configure
    if settings is not None:
        configured = getattr(settings, "STYTCH_DISCOVERY", None) or {}
        # Only a PUBLIC_TOKEN the settings already name: an unknown key would fail a system check.
        public = {"PUBLIC_TOKEN": fake_stytch_server.public_token} if "PUBLIC_TOKEN" in configured else {}
        settings.STYTCH_DISCOVERY = {
            **configured,
            "PROJECT_ID": fake_stytch_server.project_id,
            "SECRET": fake_stytch_server.secret,
            "BASE_URL": fake_stytch_server.base_url,
            **public,
        }
    return fake_stytch_server
