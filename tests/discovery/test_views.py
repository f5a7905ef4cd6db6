"""Happy paths of every endpoint, against the fake Stytch over loopback HTTP."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http.cookies import SDK_IST_COOKIE_NAME
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, seed_orgs

TOKEN_NAMES = ("session_token", "session_jwt", "intermediate_session_token")


def cookie_attrs(response: Any, name: str) -> Any:
    return response.cookies[name]


def follow_magic_link(api: APIClient, fake: FakeStytch, **extra_query: str) -> Any:
    post(api, "discovery/magic-links/send", {"email_address": EMAIL})
    link = urlsplit(fake.outbox()[-1]["url"])
    query = {key: values[0] for key, values in parse_qs(link.query).items()} | extra_query
    return api.get(link.path, query, HTTP_ACCEPT="text/html")


def test_list_with_the_ist_cookie(api: APIClient, fake_stytch: FakeStytch) -> None:
    ids = seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    response = post(api, "discovery/organizations")
    assert response.status_code == 200
    data = response.json()
    assert data["email_address"] == EMAIL
    assert data["can_create_organization"] is True
    assert data["organization_id_hint"] is None
    by_slug = {item["organization"]["organization_slug"]: item for item in data["discovered_organizations"]}
    assert set(by_slug) == {"acme", "vault", "ssoonly"}
    acme = by_slug["acme"]
    assert acme["organization"]["organization_id"] == ids["acme"]
    assert acme["membership"]["type"] == "active_member"
    assert acme["membership"]["member"]["email_address"] == EMAIL
    assert acme["member_authenticated"] is True
    assert by_slug["vault"]["mfa_required"] is not None
    assert by_slug["ssoonly"]["primary_required"] == {"allowed_auth_methods": ["sso"]}
    assert set(acme["organization"]) == {
        "organization_id",
        "organization_name",
        "organization_slug",
        "organization_logo_url",
        "mfa_policy",
        "auth_methods",
        "allowed_auth_methods",
    }


def test_list_with_a_body_token_beats_the_cookie(api: APIClient, fake_stytch: FakeStytch) -> None:
    ist_cookie(api, fake_stytch, "cookie@acme.example")
    body_token = fake_stytch.mint_intermediate_session("body@acme.example")
    response = post(api, "discovery/organizations", {"intermediate_session_token": body_token})
    assert response.json()["email_address"] == "body@acme.example"


def test_list_falls_back_on_the_sdk_ist_cookie(api: APIClient, fake_stytch: FakeStytch) -> None:
    api.cookies[SDK_IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session("sdk@acme.example")
    response = post(api, "discovery/organizations")
    assert response.status_code == 200
    assert response.json()["email_address"] == "sdk@acme.example"


def test_sdk_ist_cookie_is_ignored_when_disabled(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "ACCEPT_SDK_IST_COOKIE": False}
    api.cookies[SDK_IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session("sdk@acme.example")
    assert post(api, "discovery/organizations").json()["code"] == "intermediate_session_required"


def create(api: APIClient, fake: FakeStytch, **fields: Any) -> Any:
    ist_cookie(api, fake)
    return post(
        api,
        "discovery/organizations/create",
        {"organization_name": "Acme", "organization_slug": "acme", **fields},
    )


def test_create_sets_session_cookies_and_keeps_tokens_out_of_json(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    response = create(api, fake_stytch, session_duration_minutes=120)
    assert response.status_code == 201
    data = response.json()
    assert data["member_authenticated"] is True
    assert data["next_step"] is None
    assert data["organization"]["organization_slug"] == "acme"
    assert data["member"]["is_admin"] is True
    assert data["member_session"]["expires_at"].endswith("Z")
    assert not set(TOKEN_NAMES) & set(data)
    body = response.content.decode()
    for name in (app_settings.SESSION_COOKIE_NAME, app_settings.SESSION_JWT_COOKIE_NAME):
        cookie = response.cookies[name]
        assert cookie.value
        assert cookie.value not in body
        assert cookie["httponly"]
        assert cookie["secure"]
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert 7100 < int(cookie["max-age"]) <= 7200
    spent = response.cookies[app_settings.IST_COOKIE_NAME]
    assert spent.value == ""
    assert spent["max-age"] == 0


def test_create_then_list_with_the_session_cookie(api: APIClient, fake_stytch: FakeStytch) -> None:
    create(api, fake_stytch)
    response = post(api, "discovery/organizations")
    assert response.status_code == 200
    data = response.json()
    assert data["can_create_organization"] is False
    assert [item["organization"]["organization_slug"] for item in data["discovered_organizations"]] == [
        "acme"
    ]


def test_tokens_in_body_when_the_setting_asks(api: APIClient, fake_stytch: FakeStytch, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "RETURN_TOKENS_IN_BODY": True}
    data = create(api, fake_stytch).json()
    assert data["session_token"]
    assert data["session_jwt"]
    assert data["intermediate_session_token"] == ""


def test_cookie_names_domain_path_and_flags_follow_settings(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "SESSION_COOKIE_NAME": "sess",
        "SESSION_JWT_COOKIE_NAME": "jwt",
        "COOKIE_DOMAIN": "example.test",
        "COOKIE_PATH": "/api/",
        "COOKIE_SAMESITE": "Strict",
        "COOKIE_SECURE": False,
    }
    response = create(api, fake_stytch)
    for name in ("sess", "jwt"):
        cookie = response.cookies[name]
        assert (cookie["domain"], cookie["path"], cookie["samesite"]) == ("example.test", "/api/", "Strict")
        assert cookie["secure"] == ""
        assert cookie["httponly"]


def test_cookies_are_not_secure_under_debug(api: APIClient, fake_stytch: FakeStytch, settings: Any) -> None:
    settings.DEBUG = True
    assert create(api, fake_stytch).cookies[app_settings.SESSION_COOKIE_NAME]["secure"] == ""


def test_create_with_required_mfa_keeps_the_ist_server_side(api: APIClient, fake_stytch: FakeStytch) -> None:
    sent = ist_cookie(api, fake_stytch)
    response = post(
        api, "discovery/organizations/create", {"organization_slug": "safe", "mfa_policy": "REQUIRED_FOR_ALL"}
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["member_authenticated"], data["next_step"]) == (False, "mfa")
    assert data["mfa_required"] is not None
    assert data["member_session"] is None
    assert "intermediate_session_token" not in data
    kept = response.cookies[app_settings.IST_COOKIE_NAME]
    assert kept.value == sent  # Stytch answers the IST it was sent, for the next step
    assert kept["httponly"]
    assert response.cookies[app_settings.PENDING_COOKIE_NAME].value
    assert app_settings.SESSION_COOKIE_NAME not in response.cookies


def test_exchange_enters_an_organization(api: APIClient, fake_stytch: FakeStytch) -> None:
    ids = seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    response = post(
        api, "discovery/intermediate-sessions/exchange", {"organization_id": ids["acme"], "locale": "de-DE"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["member_authenticated"] is True
    assert data["organization"]["organization_id"] == ids["acme"]
    assert data["member_session"]["roles"]
    assert not set(TOKEN_NAMES) & set(data)
    assert response.cookies[app_settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize(
    ("slug", "step", "requirement"),
    [("vault", "mfa", "mfa_required"), ("ssoonly", "primary_auth", "primary_required")],
)
def test_exchange_that_needs_another_step(
    api: APIClient, fake_stytch: FakeStytch, slug: str, step: str, requirement: str
) -> None:
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    response = post(api, "discovery/intermediate-sessions/exchange", {"organization_id": slug})
    assert response.status_code == 200
    data = response.json()
    assert (data["member_authenticated"], data["next_step"]) == (False, step)
    assert data[requirement] is not None
    assert response.cookies[app_settings.IST_COOKIE_NAME].value
    assert app_settings.SESSION_COOKIE_NAME not in response.cookies


def test_exchange_with_an_ist_in_the_body(api: APIClient, fake_stytch: FakeStytch) -> None:
    seed_orgs(fake_stytch)
    token = fake_stytch.mint_intermediate_session(EMAIL)
    response = post(
        api,
        "discovery/intermediate-sessions/exchange",
        {
            "organization_id": "acme",
            "intermediate_session_token": token,
        },
    )
    assert response.status_code == 200
    assert response.json()["member_authenticated"] is True
