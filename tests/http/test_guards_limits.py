"""``internal.http.guards``: the body-size limit at N and N + 1, and what a Content-Length says."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.http.guards import MAX_BODY_BYTES, check_body_size, content_length
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import stytch_calls, url

SEND = "discovery/magic-links/send"


@pytest.mark.parametrize(
    ("header", "length"),
    [(None, 0), ("", 0), ("17", 17), ("0", 0), ("-5", 0), ("abc", 0), ("1e3", 0)],
)
def test_content_length_reads_a_declared_length_or_zero(header: str | None, length: int) -> None:
    request = RequestFactory().get("/")
    request.META.pop("CONTENT_LENGTH", None)
    if header is not None:
        request.META["CONTENT_LENGTH"] = header
    assert content_length(request) == length


def body_of_size(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes (an unknown field padded out)."""
    body = json.dumps({"email_address": "ada@acme.example", "padding": ""}).encode()
    body = json.dumps({"email_address": "ada@acme.example", "padding": "p" * (size - len(body))}).encode()
    assert len(body) == size
    return body


@pytest.mark.parametrize(("size", "status"), [(MAX_BODY_BYTES, 400), (MAX_BODY_BYTES + 1, 413)])
def test_the_body_limit_at_n_and_n_plus_one(
    api: APIClient, fake_stytch: FakeStytch, size: int, status: int
) -> None:
    response = api.post(url(SEND), body_of_size(size), content_type="application/json")

    assert response.status_code == status, response.content
    data = response.json()
    # N is read and validated (the padding is an unknown field); N + 1 is never parsed.
    assert data["code"] == ("validation_error" if status == 400 else "payload_too_large")
    if status == 400:
        assert set(data["fields"]) == {"padding"}
    assert stytch_calls(fake_stytch) == 0


def test_a_body_longer_than_its_header_says_is_refused() -> None:
    request = RequestFactory().post("/", b"{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = "2"
    request._body = b" " * (MAX_BODY_BYTES + 1)  # what a server that ignored the header would hand over
    with pytest.raises(Problem) as raised:
        check_body_size(request)
    assert raised.value.code == "payload_too_large"
    assert raised.value.status_code == 413


def test_a_body_at_the_limit_passes_the_size_check() -> None:
    request = RequestFactory().post("/", b"x" * MAX_BODY_BYTES, content_type="application/json")
    check_body_size(request)  # no exception
    assert content_length(request) == MAX_BODY_BYTES
