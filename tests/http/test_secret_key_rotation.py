"""``SECRET_KEY`` rotated while a browser is at the identity provider: the old key moved to
``SECRET_KEY_FALLBACKS``. Every redirect flow signs and derives with the current key, and verifies
(its signed cookies) and derives again (its PKCE verifier) with the current key then the fallbacks,
as Django's own signing does: an in-flight sign-in finishes. A key that is in neither is the
documented error, with no Stytch call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, seed_orgs, stytch_calls, url
from tests.helpers.mfa import enter
from tests.helpers.redirects import error_of, start

OLD_KEY = django_settings.SECRET_KEY
NEW_KEY = "tests-only-rotated-key"
ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "organization_slug": "wayne",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["sso"],
        "sso_connections": [{"connection_id": "saml-connection-test-wayne", "display_name": "Wayne"}],
    },
    {"organization_slug": "google", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["google_oauth"]},
]


@pytest.fixture(autouse=True)
def redirects_on(settings: Any, fake_stytch: FakeStytch) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": fake_stytch.public_token,
        "OAUTH_PROVIDERS": ["google"],
    }
    fake_stytch.seed(
        {
            "organizations": ORGANIZATIONS,
            "members": [
                {"organization_slug": org["organization_slug"], "email_address": EMAIL}
                for org in ORGANIZATIONS
            ],
        }
    )


def rotate(settings: Any, *fallbacks: str) -> None:
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = list(fallbacks)


def come_back(client: APIClient, callback: str) -> Any:
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}", HTTP_ACCEPT="text/html")


def discovery_started(client: APIClient, fake: FakeStytch) -> str:
    """OAuth discovery started with Google; the callback Stytch redirects the browser to."""
    seed_orgs(fake)
    return fake.sign_in(start(client, "discovery/oauth/google/start")["Location"], EMAIL)


def primary_started(slug: str, path: str) -> Callable[[APIClient, FakeStytch], str]:
    def started(client: APIClient, fake: FakeStytch) -> str:
        enter(client, fake, slug)
        return fake.sign_in(start(client, path)["Location"], EMAIL)

    return started


def discovery_finished(client: APIClient, landed: Any) -> None:
    assert error_of(landed) is None, landed["Location"]
    assert landed.cookies[app_settings.IST_COOKIE_NAME].value


def primary_finished(client: APIClient, landed: Any) -> None:
    assert error_of(landed) is None, landed["Location"]
    assert client.get(url("session")).status_code == 200


FLOWS = [
    pytest.param(discovery_started, discovery_finished, "oauth_state_missing", id="oauth-discovery"),
    pytest.param(
        primary_started("wayne", "primary/sso/start"), primary_finished, "step_not_pending", id="primary-sso"
    ),
    pytest.param(
        primary_started("google", "primary/oauth/google/start"),
        primary_finished,
        "step_not_pending",
        id="primary-oauth",
    ),
]


@pytest.mark.parametrize(("begin", "finished", "_"), FLOWS)
def test_a_flow_started_before_a_rotation_finishes_with_the_old_key_in_the_fallbacks(
    api: APIClient,
    fake_stytch: FakeStytch,
    settings: Any,
    begin: Callable[[APIClient, FakeStytch], str],
    finished: Callable[[APIClient, Any], None],
    _: str,
) -> None:
    callback = begin(api, fake_stytch)
    rotate(settings, OLD_KEY)

    finished(api, come_back(api, callback))


@pytest.mark.parametrize(("begin", "finished", "_"), FLOWS)
def test_a_flow_started_after_a_rotation_finishes(
    api: APIClient,
    fake_stytch: FakeStytch,
    settings: Any,
    begin: Callable[[APIClient, FakeStytch], str],
    finished: Callable[[APIClient, Any], None],
    _: str,
) -> None:
    rotate(settings, OLD_KEY)
    callback = begin(api, fake_stytch)

    finished(api, come_back(api, callback))


@pytest.mark.parametrize(("begin", "_", "code"), FLOWS)
def test_a_flow_signed_with_a_key_no_longer_kept_is_refused_without_a_stytch_call(
    api: APIClient,
    fake_stytch: FakeStytch,
    settings: Any,
    begin: Callable[[APIClient, FakeStytch], str],
    _: Callable[[APIClient, Any], None],
    code: str,
) -> None:
    callback = begin(api, fake_stytch)
    rotate(settings, "tests-only-some-other-key")
    before = stytch_calls(fake_stytch)

    assert error_of(come_back(api, callback)) == code
    assert stytch_calls(fake_stytch) == before


@pytest.mark.parametrize(
    ("slug", "path"), [("wayne", "primary/sso/start"), ("google", "primary/oauth/google/start")]
)
def test_a_primary_start_whose_key_was_dropped_is_refused_though_its_step_is_still_signed(
    api: APIClient, fake_stytch: FakeStytch, settings: Any, slug: str, path: str
) -> None:
    enter(api, fake_stytch, slug)  # the step's cookie: under OLD_KEY
    rotate(settings, OLD_KEY)
    callback = fake_stytch.sign_in(start(api, path)["Location"], EMAIL)  # the verifier: under NEW_KEY
    settings.SECRET_KEY = "tests-only-a-third-key"  # NEW_KEY dropped, OLD_KEY still a fallback
    before = stytch_calls(fake_stytch)

    assert error_of(come_back(api, callback)) == "redirect_state_invalid"
    assert stytch_calls(fake_stytch) == before
