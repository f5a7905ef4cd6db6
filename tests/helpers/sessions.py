"""Helpers for the member-session tests: signing in through the API, and forging JWTs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, TypeVar

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import DEFAULT_PROJECT_ID, DEFAULT_SECRET, FakeStytch
from tests.helpers.api import EMAIL, post

Json = dict[str, Any]
ClientT = TypeVar("ClientT", bound=Client)

ORGANIZATIONS = [
    {"organization_slug": "acme", "organization_name": "Acme"},
    {"organization_slug": "beta", "organization_name": "Beta"},
    {"organization_slug": "vault", "organization_name": "Vault", "mfa_policy": "REQUIRED_FOR_ALL"},
]


def seed_member_of(fake: FakeStytch, *slugs: str, email: str = EMAIL, **member: Any) -> dict[str, str]:
    """Acme, Beta and Vault (MFA), with ``email`` a member of ``slugs``; organization ids by slug."""
    seeded = fake.seed(
        {
            "organizations": ORGANIZATIONS,
            "members": [{"organization_slug": slug, "email_address": email, **member} for slug in slugs],
        }
    )
    return {org["organization_slug"]: org["organization_id"] for org in seeded["organizations"]}


def sign_in(client: APIClient, fake: FakeStytch, organization: str = "acme", email: str = EMAIL) -> Json:
    """Enter ``organization`` with a fresh IST through the API; the client then holds the cookies."""
    ist = fake.mint_intermediate_session(email)
    response = post(
        client,
        "discovery/intermediate-sessions/exchange",
        {"organization_id": organization, "intermediate_session_token": ist},
    )
    assert response.status_code == 200, response.content
    assert response.json()["member_authenticated"] is True
    return dict(response.json())


def started_elsewhere(fake: FakeStytch, organization_id: str) -> dict[str, Any]:
    """A member session made by calling Stytch directly (as a frontend SDK would), not through us."""
    answer = requests.post(
        fake.base_url + "/v1/b2b/discovery/intermediate_sessions/exchange",
        json={
            "intermediate_session_token": fake.mint_intermediate_session(EMAIL),
            "organization_id": organization_id,
        },
        auth=(DEFAULT_PROJECT_ID, DEFAULT_SECRET),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


#: A session token cookie that is not a JWT: only Stytch can say whose session it is.
OPAQUE_TOKEN = "session-token-stytch-must-check"


def with_session_token(token: str = OPAQUE_TOKEN) -> Client:
    """A browser holding a session token cookie and no JWT: each request of it asks Stytch."""
    client = Client()
    client.cookies[app_settings.SESSION_COOKIE_NAME] = token
    return client


def signed_in_reader(fake: FakeStytch) -> tuple[APIClient, str]:
    """Ada, signed in to Acme as a ``reader`` (documents: read, not write), and Acme's id; her JWT
    verifies here, so only a permission check that asks Stytch calls it."""
    seeded = fake.seed(
        {
            "resources": [{"resource_id": "documents", "description": "", "actions": ["read", "write"]}],
            "roles": [
                {"role_id": "reader", "permissions": [{"resource_id": "documents", "actions": ["read"]}]}
            ],
            "organizations": [{"organization_slug": "acme", "organization_name": "Acme"}],
            "members": [{"organization_slug": "acme", "email_address": EMAIL, "roles": ["reader"]}],
        }
    )
    client = APIClient()
    sign_in(client, fake)
    return client, seeded["organizations"][0]["organization_id"]


def with_session_cookies(client: ClientT, session: dict[str, Any]) -> ClientT:
    """``client`` carrying the session's cookies, its token and its JWT."""
    client.cookies[app_settings.SESSION_COOKIE_NAME] = session["session_token"]
    client.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = session["session_jwt"]
    return client


def session_jwt(client: APIClient) -> str:
    return str(client.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value)


def session_token(client: APIClient) -> str:
    return str(client.cookies[app_settings.SESSION_COOKIE_NAME].value)


def claims_of(token: str) -> Json:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def header_of(token: str) -> Json:
    return dict(jwt.get_unverified_header(token))


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def signed(claims: Json, *, key: Any, kid: str, algorithm: str = "RS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def unsigned(claims: Json, kid: str) -> str:
    """``alg: none``: a header and a payload, no signature."""

    def part(value: Json) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{part(claims)}."


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_signed(claims: Json, *, secret: bytes, kid: str) -> str:
    """HS256 with ``secret`` as the HMAC key, by hand (PyJWT refuses a PEM key for HMAC, rightly):
    the classic confusion attack signs with the server's *public* key."""
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def tampered(token: str, **changes: Any) -> str:
    """``token`` with its payload changed and its signature kept."""
    header, _payload, signature = token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps({**claims_of(token), **changes}).encode()).rstrip(b"=")
    return f"{header}.{payload.decode()}.{signature}"


def expired_copy(claims: Json, seconds: int = 600) -> Json:
    """Claims issued ``seconds`` ago (so expired for a 5-minute JWT)."""
    now = int(time.time()) - seconds
    return {**claims, "iat": now, "nbf": now, "exp": now + 300}
