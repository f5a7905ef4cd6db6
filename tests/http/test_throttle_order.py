"""Requests the guards refuse (CSRF, media type, a token in the URL) spend no throttle quota."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, url

SEND = "discovery/magic-links/send"


@pytest.fixture
def browser(db: None, settings: Any) -> APIClient:
    """A CSRF-enforcing client holding the csrftoken cookie, with a send limit of two a minute."""
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.send": "2/min"},
    }
    client = APIClient(enforce_csrf_checks=True)
    client.get(url("csrf"))
    return client


def cross_site_json(client: APIClient) -> Any:
    """JSON without the CSRF header (a page elsewhere cannot read the token)."""
    return post(client, SEND, {"email_address": EMAIL})


def cross_site_form(client: APIClient) -> Any:
    """What a hostile page's auto-submitted form sends: a form body, no CSRF header."""
    return client.post(url(SEND), {"email_address": EMAIL})


def token_in_query(client: APIClient) -> Any:
    token = client.cookies["csrftoken"].value
    return post(client, f"{SEND}?session_token=x", {"email_address": EMAIL}, HTTP_X_CSRFTOKEN=token)


@pytest.mark.parametrize(
    ("refused", "status"),
    [(cross_site_json, 403), (cross_site_form, 415), (token_in_query, 400)],
    ids=["csrf", "media-type", "token-in-url"],
)
def test_refused_requests_spend_no_quota(
    browser: APIClient, fake_stytch: FakeStytch, refused: Callable[[APIClient], Any], status: int
) -> None:
    assert [refused(browser).status_code for _ in range(5)] == [status] * 5

    token = browser.cookies["csrftoken"].value
    sent = post(browser, SEND, {"email_address": EMAIL}, HTTP_X_CSRFTOKEN=token)

    assert sent.status_code == 200
    assert len(fake_stytch.outbox()) == 1


def test_accepted_requests_still_spend_it(browser: APIClient, fake_stytch: FakeStytch) -> None:
    token = browser.cookies["csrftoken"].value
    statuses = [
        post(browser, SEND, {"email_address": EMAIL}, HTTP_X_CSRFTOKEN=token).status_code for _ in range(3)
    ]

    assert statuses == [200, 200, 429]
