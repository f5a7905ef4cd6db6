"""``client.envelope``: which of Stytch's identifiers are kept, and what its text keeps."""

from __future__ import annotations

import time
from typing import Any

import pytest

from stytch_discovery.client.envelope import error_type_of, redacted, request_id_of


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("organization_slug_already_used", True),
        ("invalid_pkce_code_challenge", True),
        ("Organization_slug", False),
        ("invalid argument", False),
        ("ada@acme.example", False),
        ("a" * 101, False),
        (["invalid_argument"], False),
    ],
)
def test_an_error_type_is_kept_when_shaped_as_stytchs(value: Any, kept: bool) -> None:
    assert error_type_of({"error_type": value}) == (value if kept else None)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("request-id-test-2b7c9e1a-4d3f-4a8b-9c6e-1f0d2a3b4c5d", True),
        ("request-id-live-9d1a7e2c-0b4f-4c8e-a6d3-5f2b8c1e7a90", True),
        ("request-id-test-secret-test-abc", False),
        ("req-1", False),
        ("request-id-test-", False),
        (17, False),
    ],
)
def test_a_request_id_is_kept_when_shaped_as_stytchs(value: Any, kept: bool) -> None:
    assert request_id_of({"request_id": value}) == (value if kept else "")
    assert request_id_of(["not", "an", "object"]) == ""


def test_the_secret_what_was_sent_and_email_addresses_are_taken_out() -> None:
    payload = {"intermediate_session_token": "ist-ABC", "fields": {"names": ["Ada Lovelace"]}, "n": 5}

    text = redacted(
        "IST-abc of Ada Lovelace (grace@navy.example) refused with secret-x.",
        secret="secret-x",
        payload=payload,
    )

    assert text == "[redacted] of [redacted] ([redacted]) refused with [redacted]."


def test_a_longer_value_is_taken_out_whole_and_short_ones_stay() -> None:
    # "Ada" inside "Ada Lovelace" does not split it; a two-letter value would garble the text.
    payload = {"short": "Ada", "name": "Ada Lovelace", "two": "in"}

    text = redacted("Ada Lovelace is in acme, Ada.", secret="s3cret", payload=payload)

    assert text == "[redacted] is in acme, [redacted]."


def test_an_address_glued_to_a_value_sent_is_taken_out_too() -> None:
    payload = {"name": "Ada Lovelace", "intermediate_session_token": "ist-ABC"}

    text = redacted(
        "Ada Lovelacebob@acme.example and ist-ABCgrace@navy.example", secret="s3cret", payload=payload
    )

    assert text == "[redacted][redacted] and [redacted][redacted]"


@pytest.mark.parametrize("text", ["x" * 100_000, "x@" * 50_000, "x." * 50_000, "@." * 50_000, "x@." * 30_000])
def test_redacting_a_long_text_without_blanks_takes_linear_time(text: str) -> None:
    started = time.perf_counter()

    redacted(text, secret="s3cret", payload={"email_address": "ada@acme.example"})

    assert time.perf_counter() - started < 1  # the square of 100,000: about 15 s
