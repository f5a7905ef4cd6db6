"""Input Stytch would refuse or misread is refused here, in our error shape, with no Stytch call."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, accept_client_claims, ist_cookie, seed_orgs, stytch_calls, url

EXCHANGE = "discovery/intermediate-sessions/exchange"


def raw_post(client: APIClient, path: str, body: bytes, content_type: str = "application/json") -> Any:
    data: Any = body  # bytes as they are: the stubs say str, the client sends either
    return client.generic("POST", url(path), data, content_type=content_type)


@pytest.mark.parametrize(
    "number",
    ["1e999", "-1e999", "1E+400", "1" + "0" * 400, "-" + "9" * 330, "NaN", "Infinity", "-Infinity"],
    ids=[
        "1e999",
        "-1e999",
        "1E+400",
        "int-400-digits",
        "int-minus-330-digits",
        "NaN",
        "Infinity",
        "-Infinity",
    ],
)
def test_numbers_beyond_a_double_are_refused_before_stytch(
    api: APIClient, fake_stytch: FakeStytch, number: str
) -> None:
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    body = f'{{"organization_id": "acme", "session_custom_claims": {{"n": {number}}}}}'.encode()

    response = raw_post(api, EXCHANGE, body)

    assert response.status_code == 400
    assert set(response.json()) >= {"code", "message", "fields"}
    assert response.json()["code"] == "parse_error"
    assert stytch_calls(fake_stytch) == 0


def test_the_largest_doubles_still_pass(api: APIClient, fake_stytch: FakeStytch, settings: Any) -> None:
    accept_client_claims(settings)  # the one field that takes any number
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    body = b'{"organization_id": "acme", "session_custom_claims": {"n": 1.7976931348623157e308, "i": 12}}'

    assert raw_post(api, EXCHANGE, body).status_code == 200


@pytest.mark.parametrize(
    "address", ["x@localhost", "ada@acme", "ada@localhost.", "ada@[127.0.0.1]x"], ids=lambda a: a
)
def test_an_address_without_a_dotted_domain_is_refused_before_stytch(
    api: APIClient, fake_stytch: FakeStytch, address: str
) -> None:
    response = api.post(url("discovery/magic-links/send"), {"email_address": address}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "email_address" in response.json()["fields"]
    assert fake_stytch.outbox() == []
    assert stytch_calls(fake_stytch) == 0


def test_a_dotted_domain_is_accepted(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = api.post(url("discovery/magic-links/send"), {"email_address": EMAIL}, format="json")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ('{"email_address": "adé@x.com"}'.encode("latin-1"), "application/json", 400, "parse_error"),
        ('{"email_address": "ada@acme.example"}'.encode("utf-16"), "application/json", 400, "parse_error"),
        (
            b'{"email_address": "ada@acme.example"}',
            "application/json; charset=latin-1",
            415,
            "unsupported_media_type",
        ),
        (
            b'{"email_address": "ada@acme.example"}',
            "application/json; charset=utf-16",
            415,
            "unsupported_media_type",
        ),
    ],
    ids=["latin-1-bytes", "utf-16-bytes", "latin-1-charset", "utf-16-charset"],
)
def test_request_json_must_be_utf8(
    api: APIClient, fake_stytch: FakeStytch, body: bytes, content_type: str, status: int, code: str
) -> None:
    response = raw_post(api, "discovery/magic-links/send", body, content_type)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert stytch_calls(fake_stytch) == 0


def test_utf8_with_its_charset_spelled_out_is_fine(api: APIClient, fake_stytch: FakeStytch) -> None:
    body = b'{"email_address": "ada@acme.example"}'

    assert (
        raw_post(api, "discovery/magic-links/send", body, 'application/json; charset="UTF-8"').status_code
        == 200
    )
