"""``app_settings``: defaults, environment fallbacks, environment inference, read at access time."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from stytch_discovery.conf import app_settings
from stytch_discovery.defaults import DEFAULT_THROTTLE_RATES, DEFAULTS


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STYTCH_PROJECT_ID", raising=False)
    monkeypatch.delenv("STYTCH_SECRET", raising=False)


def configure(settings: Any, **values: Any) -> None:
    settings.STYTCH_DISCOVERY = values


def test_defaults_apply_to_unset_keys(settings: Any) -> None:
    configure(settings)

    assert DEFAULTS["CONNECT_TIMEOUT"] == app_settings.CONNECT_TIMEOUT
    assert app_settings.READ_TIMEOUT == 10.0
    assert app_settings.MAX_RETRIES == 2
    assert app_settings.RETRY_DEADLINE == 15.0
    assert app_settings.MAX_RETRY_AFTER == 5.0
    assert app_settings.CACHE_ENABLED is True
    assert app_settings.IST_COOKIE_NAME == "stytch_discovery_ist"
    assert app_settings.COOKIE_DOMAIN is None
    assert app_settings.DISCOVERY_REDIRECT_URL is None
    assert app_settings.ALLOWED_REDIRECT_HOSTS == []
    assert app_settings.PROJECT_ID is None
    assert app_settings.SECRET is None


def test_settings_that_are_not_a_dict_read_as_defaults(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = "oops"

    assert DEFAULTS["READ_TIMEOUT"] == app_settings.READ_TIMEOUT
    assert app_settings.get("SECRET") is None


def test_credentials_fall_back_to_the_environment(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(settings)
    monkeypatch.setenv("STYTCH_PROJECT_ID", "project-test-from-env")
    monkeypatch.setenv("STYTCH_SECRET", "secret-from-env")

    assert app_settings.PROJECT_ID == "project-test-from-env"
    assert app_settings.SECRET == "secret-from-env"


def test_settings_win_over_the_environment(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(settings, PROJECT_ID="project-test-from-settings", SECRET="secret-from-settings")
    monkeypatch.setenv("STYTCH_PROJECT_ID", "project-test-from-env")
    monkeypatch.setenv("STYTCH_SECRET", "secret-from-env")

    assert app_settings.PROJECT_ID == "project-test-from-settings"
    assert app_settings.SECRET == "secret-from-settings"


def test_empty_environment_values_count_as_unset(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(settings)
    monkeypatch.setenv("STYTCH_PROJECT_ID", "")

    assert app_settings.PROJECT_ID is None


@pytest.mark.parametrize(
    ("project_id", "environment", "base_url"),
    [
        ("project-live-0000", "live", "https://api.stytch.com"),
        ("project-test-0000", "test", "https://test.stytch.com"),
        (None, "test", "https://test.stytch.com"),
        ("some-project-live-lookalike", "test", "https://test.stytch.com"),
    ],
)
def test_environment_is_inferred_from_the_project_id(
    settings: Any, project_id: str | None, environment: str, base_url: str
) -> None:
    configure(settings, PROJECT_ID=project_id)

    assert environment == app_settings.ENVIRONMENT
    assert base_url == app_settings.BASE_URL


def test_environment_inference_uses_the_env_project_id(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(settings)
    monkeypatch.setenv("STYTCH_PROJECT_ID", "project-live-from-env")

    assert app_settings.BASE_URL == "https://api.stytch.com"


def test_explicit_environment_wins(settings: Any) -> None:
    configure(settings, PROJECT_ID="project-test-0000", ENVIRONMENT="live")

    assert app_settings.ENVIRONMENT == "live"
    assert app_settings.BASE_URL == "https://api.stytch.com"


def test_base_url_wins_over_the_environment_and_loses_its_trailing_slash(settings: Any) -> None:
    configure(settings, PROJECT_ID="project-live-0000", BASE_URL="http://127.0.0.1:8765/")

    assert app_settings.BASE_URL == "http://127.0.0.1:8765"


def test_settings_are_read_at_access_time() -> None:
    with override_settings(STYTCH_DISCOVERY={"READ_TIMEOUT": 1.5, "BASE_URL": "http://127.0.0.1:1"}):
        assert app_settings.READ_TIMEOUT == 1.5
        assert app_settings.BASE_URL == "http://127.0.0.1:1"
        with override_settings(STYTCH_DISCOVERY={"READ_TIMEOUT": 2}):
            assert app_settings.READ_TIMEOUT == 2.0
        assert app_settings.READ_TIMEOUT == 1.5


def test_numbers_are_coerced(settings: Any) -> None:
    configure(settings, CONNECT_TIMEOUT=2, MAX_RETRIES=3.0)

    assert isinstance(app_settings.CONNECT_TIMEOUT, float)
    assert app_settings.MAX_RETRIES == 3


@pytest.mark.parametrize(
    ("explicit", "debug", "expected"),
    [(None, True, False), (None, False, True), (False, False, False), (True, True, True)],
)
def test_cookie_secure_follows_debug_unless_set(
    settings: Any, explicit: bool | None, debug: bool, expected: bool
) -> None:
    configure(settings, COOKIE_SECURE=explicit)
    settings.DEBUG = debug

    assert app_settings.COOKIE_SECURE is expected


def test_throttle_rates_overlay_the_app_defaults(settings: Any) -> None:
    configure(settings, THROTTLE_RATES={"stytch_discovery.send": "1/min", "stytch_discovery.list": None})

    rates = app_settings.THROTTLE_RATES

    assert rates["stytch_discovery.send"] == "1/min"
    assert rates["stytch_discovery.list"] is None
    assert rates["stytch_discovery.create"] == DEFAULT_THROTTLE_RATES["stytch_discovery.create"]


@pytest.mark.parametrize("budget", [None, "0/hour", "lots", 10])
def test_a_malformed_wrong_code_budget_counts_as_the_default_not_as_none(settings: Any, budget: Any) -> None:
    # E027 reports it; meanwhile codes keep their budget rather than losing it or crashing the view.
    configure(settings, WRONG_CODE_BUDGET=budget)

    assert app_settings.WRONG_CODE_BUDGET == DEFAULTS["WRONG_CODE_BUDGET"] == "10/hour"


def test_the_wrong_code_budget_is_read_at_access_time(settings: Any) -> None:
    configure(settings, WRONG_CODE_BUDGET="3/day")

    assert app_settings.WRONG_CODE_BUDGET == "3/day"


def test_get_reads_what_the_project_set_and_defaults_the_rest(settings: Any) -> None:
    configure(settings, SECRET="s", READ_TIMEOUT=1)

    assert app_settings.get("SECRET") == "s"
    assert app_settings.get("READ_TIMEOUT") == 1
    assert app_settings.get("CONNECT_TIMEOUT") == DEFAULTS["CONNECT_TIMEOUT"]


def test_optional_strings_read_empty_as_none(settings: Any) -> None:
    configure(settings, COOKIE_DOMAIN="", DISCOVERY_REDIRECT_URL="", ALLOWED_REDIRECT_HOSTS=("a.example",))

    assert app_settings.COOKIE_DOMAIN is None
    assert app_settings.DISCOVERY_REDIRECT_URL is None
    assert app_settings.ALLOWED_REDIRECT_HOSTS == ["a.example"]


def test_a_non_string_project_id_does_not_break_inference(settings: Any) -> None:
    # A bad value must reach the system checks (E001), not crash every settings read.
    configure(settings, PROJECT_ID=1234)

    assert app_settings.ENVIRONMENT == "test"
