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
from django.core import signing
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.redirect_state import RecordStore
from stytch_discovery.oauth import state as oauth_state
from stytch_discovery.primary import redirects
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, seed_orgs, stytch_calls, url
from tests.helpers.mfa import enter
from tests.helpers.redirects import error_of, start, state_of

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


def started_record(client: APIClient) -> tuple[RecordStore, str]:
    """Where the client's started redirect is recorded: the store, and the state it is kept by."""
    oauth_cookie = client.cookies.get(app_settings.OAUTH_STATE_COOKIE_NAME)
    if oauth_cookie is not None and oauth_cookie.value:
        return oauth_state._STATES, str(signing.loads(oauth_cookie.value, salt=oauth_state.SALT))
    return redirects._RECORDS, state_of(client)


def rewrite_record(client: APIClient, change: Callable[[dict[str, Any]], Any]) -> None:
    store, state = started_record(client)
    record = store.find(state)
    assert isinstance(record, dict)
    assert "challenge" in record
    store.keep(state, change(dict(record)), 600)


def without_challenge(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the version before 1a8064c wrote it: no PKCE challenge."""
    record.pop("challenge")
    return record


@pytest.mark.parametrize(("begin", "finished", "_"), FLOWS)
def test_a_start_recorded_by_the_previous_version_finishes(
    api: APIClient,
    fake_stytch: FakeStytch,
    begin: Callable[[APIClient, FakeStytch], str],
    finished: Callable[[APIClient, Any], None],
    _: str,
) -> None:
    """An upgrade while a browser is at the identity provider: its record has no challenge, and
    its verifier is the current key's, as that version derived it."""
    callback = begin(api, fake_stytch)
    rewrite_record(api, without_challenge)

    finished(api, come_back(api, callback))


MALFORMED = [
    pytest.param(lambda record: "a string", id="a-string"),
    pytest.param(lambda record: ["a", "list"], id="a-list"),
    pytest.param(lambda record: 42, id="a-number"),
    pytest.param(lambda record: {}, id="empty"),
    pytest.param(lambda record: {"challenge": record["challenge"]}, id="a-challenge-only"),
    pytest.param(lambda record: {**record, "challenge": None}, id="a-challenge-not-a-string"),
    pytest.param(
        lambda record: {
            key: value for key, value in record.items() if key in ("challenge", "provider", "kind")
        },
        id="fields-missing",
    ),
]


@pytest.mark.parametrize("change", MALFORMED)
@pytest.mark.parametrize(("begin", "_", "code"), FLOWS)
def test_a_record_of_another_shape_is_refused_without_a_stytch_call(
    api: APIClient,
    fake_stytch: FakeStytch,
    begin: Callable[[APIClient, FakeStytch], str],
    _: Callable[[APIClient, Any], None],
    code: str,
    change: Callable[[dict[str, Any]], Any],
) -> None:
    """Written by another version, or by anything else under the key: never a 500."""
    callback = begin(api, fake_stytch)
    rewrite_record(api, change)
    before = stytch_calls(fake_stytch)

    expected = "oauth_state_missing" if code == "oauth_state_missing" else "redirect_state_invalid"
    assert error_of(come_back(api, callback)) == expected
    assert stytch_calls(fake_stytch) == before
