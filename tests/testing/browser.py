"""Helpers for the fake's OAuth and SSO tests: start URLs and a browser's redirect steps."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from stytch_discovery.testing import FakeStytch

CALLBACK = "http://localhost:3000/cb"
VERIFIER = "v" * 43


def start_url(fake: FakeStytch, path: str, **query: str) -> str:
    return f"{fake.base_url}{path}?{urlencode({'public_token': fake.public_token, **query})}"


def provider_page(http: requests.Session, fake: FakeStytch, url: str) -> str:
    """The start's 307 Location: the fake provider's page (relative to the fake)."""
    started = http.get(url, allow_redirects=False, timeout=10)
    assert started.status_code == 307, started.text
    location: str = started.headers["Location"]
    assert location.startswith("/fake-idp/authorize?flow=")
    return location


def flow_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["flow"][0]


def token_of(callback: str, token_type: str) -> str:
    query = parse_qs(urlsplit(callback).query)
    assert query["stytch_token_type"] == [token_type]
    return query["token"][0]
