"""Discovery magic links: send, outbox, authenticate, single use, expiry, PKCE."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from stytch_discovery.testing import FakeStytch

from .helpers import AUTHENTICATE, SEND, Call, assert_stytch_error
from .shapes import assert_envelope, assert_organization

REDIRECT = "http://localhost:3000/auth/callback"


def send(call: Call, email: str = "ada@acme.example", **fields: object) -> dict[str, object]:
    response = call(SEND, {"email_address": email, "discovery_redirect_url": REDIRECT, **fields})
    assert response.status_code == 200, response.json()
    body: dict[str, object] = response.json()
    return body


def test_send_answers_the_bare_envelope_and_fills_the_outbox(
    fake: FakeStytch, call: Call, control: Call
) -> None:
    body = send(call)
    assert_envelope(body)
    assert set(body) == {"status_code", "request_id"}
    (message,) = control("outbox").json()["messages"]
    assert set(message) == {"kind", "email_address", "url", "token", "sent_at"}
    assert message["kind"] == "discovery_magic_link"
    assert message["email_address"] == "ada@acme.example"
    assert message["url"] == f"{REDIRECT}?stytch_token_type=discovery&token={message['token']}"
    assert message["sent_at"].endswith("Z")
    assert fake.outbox() == [message]


def test_redirect_url_keeps_its_own_query_string(fake: FakeStytch, call: Call) -> None:
    send(call, discovery_redirect_url="https://app.example/cb?next=%2Forgs&token=stale")
    url = fake.outbox()[0]["url"]
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).netloc == "app.example"
    assert query == {
        "next": ["/orgs"],
        "stytch_token_type": ["discovery"],
        "token": [fake.outbox()[0]["token"]],
    }


def test_default_redirect_url_is_used_when_none_is_given() -> None:
    with FakeStytch(default_discovery_redirect_url="http://localhost:9/in") as fake:
        response = requests.post(
            fake.base_url + SEND,
            json={"email_address": "ada@acme.example"},
            auth=(fake.project_id, fake.secret),
            timeout=5,
        )
        assert response.status_code == 200
        assert fake.outbox()[0]["url"].startswith("http://localhost:9/in?stytch_token_type=")


def test_no_redirect_url_and_no_default_is_400(call: Call) -> None:
    response = call(SEND, {"email_address": "ada@acme.example"})
    assert_stytch_error(response, 400, "no_discovery_redirect_url_set")


@pytest.mark.parametrize(
    ("fields", "error_type"),
    [
        ({"email_address": "not-an-email"}, "invalid_email"),
        ({"email_address": "ada@acme"}, "invalid_email"),
        ({"email_address": None}, "bad_request"),
        ({"email_address": 42}, "invalid_argument"),
        ({"discovery_redirect_url": "javascript:alert(1)"}, "invalid_discovery_redirect_url"),
        ({"locale": "de"}, "invalid_argument"),
        ({"discovery_expiration_minutes": 4}, "invalid_argument"),
        ({"discovery_expiration_minutes": 10081}, "invalid_argument"),
        ({"discovery_expiration_minutes": "60"}, "invalid_argument"),
        ({"pkce_code_challenge": 1}, "invalid_argument"),
        ({"login_template_id": []}, "invalid_argument"),
    ],
)
def test_send_validation(call: Call, fields: dict[str, object], error_type: str) -> None:
    body = {"email_address": "ada@acme.example", "discovery_redirect_url": REDIRECT, **fields}
    assert_stytch_error(call(SEND, body), 400, error_type)


@pytest.mark.parametrize("locale", ["en", "es", "pt-br", "fr"])
def test_send_accepts_the_four_locales(call: Call, locale: str) -> None:
    send(call, locale=locale, discovery_expiration_minutes=5, login_template_id="tpl")


def test_authenticate_returns_an_ist_and_the_discovered_organizations(fake: FakeStytch, call: Call) -> None:
    fake.seed(
        {
            "organizations": [{"organization_slug": "acme"}],
            "members": [{"organization_slug": "acme", "email_address": "ada@acme.example"}],
        }
    )
    send(call)
    response = call(AUTHENTICATE, {"discovery_magic_links_token": fake.outbox()[0]["token"]})
    body = response.json()
    assert_envelope(body)
    assert body["email_address"] == "ada@acme.example"
    assert body["intermediate_session_token"]
    assert body["intermediate_session_token_expires_at"].endswith("Z")
    (found,) = body["discovered_organizations"]
    assert found["membership"]["type"] == "active_member"
    assert_organization(found["organization"])


def test_magic_link_is_single_use(fake: FakeStytch, call: Call) -> None:
    send(call)
    token = fake.outbox()[0]["token"]
    assert call(AUTHENTICATE, {"discovery_magic_links_token": token}).status_code == 200
    again = call(AUTHENTICATE, {"discovery_magic_links_token": token})
    assert_stytch_error(again, 404, "magic_link_not_found")


def test_unknown_magic_link_is_404(call: Call) -> None:
    response = call(AUTHENTICATE, {"discovery_magic_links_token": "nope"})
    assert_stytch_error(response, 404, "magic_link_not_found")


def test_magic_link_expires_after_60_minutes(fake: FakeStytch, call: Call) -> None:
    send(call)
    send(call)
    first, second = (message["token"] for message in fake.outbox())
    fake.advance_clock(59 * 60)
    assert call(AUTHENTICATE, {"discovery_magic_links_token": first}).status_code == 200
    fake.advance_clock(61)
    response = call(AUTHENTICATE, {"discovery_magic_links_token": second})
    assert_stytch_error(response, 404, "magic_link_not_found")


def test_discovery_expiration_minutes_sets_the_lifetime(fake: FakeStytch, call: Call) -> None:
    send(call, discovery_expiration_minutes=5)
    fake.advance_clock(5 * 60 + 1)
    token = fake.outbox()[0]["token"]
    assert_stytch_error(
        call(AUTHENTICATE, {"discovery_magic_links_token": token}), 404, "magic_link_not_found"
    )


def challenge_for(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_pkce_round_trip_and_failures(fake: FakeStytch, call: Call) -> None:
    verifier = "v" * 43
    send(call, pkce_code_challenge=challenge_for(verifier))
    token = fake.outbox()[0]["token"]
    assert_stytch_error(
        call(AUTHENTICATE, {"discovery_magic_links_token": token}), 400, "pkce_expected_code_verifier"
    )
    wrong = {"discovery_magic_links_token": token, "pkce_code_verifier": "w" * 43}
    assert_stytch_error(call(AUTHENTICATE, wrong), 400, "pkce_mismatch")
    right = {"discovery_magic_links_token": token, "pkce_code_verifier": verifier}
    assert call(AUTHENTICATE, right).status_code == 200  # failures did not use the link up


def test_verifier_without_challenge_is_400(fake: FakeStytch, call: Call) -> None:
    send(call)
    body = {"discovery_magic_links_token": fake.outbox()[0]["token"], "pkce_code_verifier": "x"}
    assert_stytch_error(call(AUTHENTICATE, body), 400, "pkce_did_not_expect_code_verifier")


def test_authenticate_requires_the_token(call: Call) -> None:
    assert_stytch_error(call(AUTHENTICATE, {}), 400, "bad_request")
