"""The OAuth services without HTTP: the start URL, and the authenticate answer's typed result."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from stytch_discovery import services as public_services
from stytch_discovery.email_codes.types import EmailCodeAuthentication
from stytch_discovery.exceptions import StytchDiscoveryConfigurationError
from stytch_discovery.oauth.services import oauth_discovery_start_url
from stytch_discovery.oauth.types import OAuthDiscoveryAuthentication
from tests.helpers import stytch_json as wire

PUBLIC_TOKEN = "public-token-test-abc"


def oauth_body(**overrides: Any) -> dict[str, Any]:
    facts = {
        "provider_type": "Google",
        "provider_tenant_id": "acme.example",
        "provider_tenant_ids": ["acme.example"],
        "full_name": "Ada Lovelace",
    }
    return wire.magic_link_body(**{**facts, **overrides})


def test_the_start_url_carries_every_option_stytch_reads(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "BASE_URL": "https://test.stytch.com"}

    built = oauth_discovery_start_url(
        provider="microsoft",
        discovery_redirect_url="https://app.example/cb",
        pkce_code_challenge="challenge",
        custom_scopes=["a", "b"],
        provider_params={"prompt": "select_account", "domain_hint": "acme.example"},
        public_token=PUBLIC_TOKEN,
    )

    parts = urlsplit(built)
    assert (parts.netloc, parts.path) == ("test.stytch.com", "/v1/b2b/public/oauth/microsoft/discovery/start")
    assert "custom_scopes=a+b" in parts.query
    assert parse_qs(parts.query) == {
        "public_token": [PUBLIC_TOKEN],
        "discovery_redirect_url": ["https://app.example/cb"],
        "pkce_code_challenge": ["challenge"],
        "custom_scopes": ["a b"],
        "provider_prompt": ["select_account"],
        "provider_domain_hint": ["acme.example"],
    }


def test_the_start_url_reads_the_public_token_setting_then_the_environment(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "PUBLIC_TOKEN": None}
    monkeypatch.delenv("STYTCH_PUBLIC_TOKEN", raising=False)
    with pytest.raises(StytchDiscoveryConfigurationError):
        oauth_discovery_start_url(provider="google")

    monkeypatch.setenv("STYTCH_PUBLIC_TOKEN", PUBLIC_TOKEN)
    assert parse_qs(urlsplit(oauth_discovery_start_url(provider="google")).query) == {
        "public_token": [PUBLIC_TOKEN]
    }


def test_the_oauth_result_keeps_the_providers_facts_and_hides_the_ist() -> None:
    result = OAuthDiscoveryAuthentication.from_json(oauth_body())

    assert (result.provider_type, result.provider_tenant_id, result.full_name) == (
        "Google",
        "acme.example",
        "Ada Lovelace",
    )
    assert result.provider_tenant_ids == ("acme.example",)
    assert result.intermediate_session_token == wire.IST
    assert wire.IST not in repr(result) + repr(result.raw)


def test_an_oauth_answer_without_its_provider_type_is_a_key_error() -> None:
    body = oauth_body()
    del body["provider_type"]

    with pytest.raises(KeyError):
        OAuthDiscoveryAuthentication.from_json(body)


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(OAuthDiscoveryAuthentication.from_json(oauth_body(provider_tenant_ids=[])), id="oauth"),
        pytest.param(EmailCodeAuthentication.from_json(wire.magic_link_body()), id="email-code"),
    ],
)
def test_fast_construction_sets_every_field(result: Any) -> None:
    values = {spec.name: getattr(result, spec.name) for spec in dataclasses.fields(result)}

    assert type(result)(**values) == result


def test_the_public_facade_re_exports_them() -> None:
    names = (
        "send_discovery_email_otp",
        "authenticate_discovery_email_otp",
        "oauth_discovery_start_url",
        "authenticate_discovery_oauth",
    )
    assert all(callable(getattr(public_services, name)) for name in names)
