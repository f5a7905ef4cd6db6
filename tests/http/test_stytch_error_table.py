"""Every entry of ``STYTCH_ERROR_TYPES``, answered by the fake Stytch over real HTTP.

Each Stytch error type is injected on the exchange call with a 400 (429 for Stytch's own rate
limit): the table, not Stytch's status, must decide the answer, so a dropped or changed entry
falls back on ``stytch_rejected`` and fails here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.discovery.services import EXCHANGE_INTERMEDIATE_SESSION
from stytch_discovery.internal.http.errors import CODES, STYTCH_ERROR_TYPES, status_of
from stytch_discovery.testing import FakeStytch
from tests.core.test_public_api import section
from tests.helpers.api import ist_cookie, post, seed_orgs, stytch_calls

ERROR_KEYS = {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
EXCHANGE = "discovery/intermediate-sessions/exchange"
#: The field a code's message is shown next to (``errors._CONFLICT_FIELDS``, restated as the contract).
FIELD_OF = {
    "organization_slug_taken": "organization_slug",
    "organization_external_id_taken": "organization_external_id",
    "phone_number_taken": "mfa_phone_number",
    "phone_number_invalid": "mfa_phone_number",
    "code_invalid": "code",
    "code_expired": "code",
    "recovery_code_invalid": "recovery_code",
}


def stytch_status(error_type: str) -> int:
    return 429 if error_type == "too_many_requests" else 400


def readme_error_rows() -> dict[str, int]:
    """``code -> status`` from the README's error table."""
    rows = re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", section("Errors"), flags=re.MULTILINE)
    return {code: int(status) for status, code in rows}


def test_the_table_is_not_empty_and_names_only_known_codes() -> None:
    assert len(STYTCH_ERROR_TYPES) >= 60
    assert set(STYTCH_ERROR_TYPES.values()) <= set(CODES)


@pytest.mark.parametrize("code", sorted(set(STYTCH_ERROR_TYPES.values())))
def test_every_mapped_code_is_in_the_readme_with_its_status(code: str) -> None:
    assert readme_error_rows().get(code) == status_of(code)


@pytest.mark.parametrize(("error_type", "code"), sorted(STYTCH_ERROR_TYPES.items()))
def test_each_stytch_error_type_answers_its_code(
    api: APIClient, fake_stytch: FakeStytch, error_type: str, code: str
) -> None:
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    fake_stytch.add_fault(
        EXCHANGE_INTERMEDIATE_SESSION, status=stytch_status(error_type), error_type=error_type
    )

    response = post(api, EXCHANGE, {"organization_id": "acme"})

    assert response.status_code == status_of(code), response.content
    data: dict[str, Any] = response.json()
    assert set(data) == ERROR_KEYS
    assert data["code"] == code
    assert data["message"] == CODES[code][1]
    assert data["stytch_error_type"] == error_type
    assert data["stytch_request_id"]
    expected_fields = {FIELD_OF[code]: [CODES[code][1]]} if code in FIELD_OF else {}
    assert data["fields"] == expected_fields
    if status_of(code) == 429:
        assert int(response["Retry-After"]) >= 1
    else:
        assert "Retry-After" not in response
    assert stytch_calls(fake_stytch) == 1  # a mapped refusal is never retried


@pytest.mark.parametrize(("status", "code"), [(400, "stytch_rejected"), (429, "stytch_rate_limited")])
def test_an_unlisted_error_type_falls_back_on_stytchs_status(
    api: APIClient, fake_stytch: FakeStytch, status: int, code: str
) -> None:
    assert "some_new_error_type" not in STYTCH_ERROR_TYPES
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    fake_stytch.add_fault(EXCHANGE_INTERMEDIATE_SESSION, status=status, error_type="some_new_error_type")
    data = post(api, EXCHANGE, {"organization_id": "acme"}).json()
    assert data["code"] == code
    assert data["stytch_error_type"] == "some_new_error_type"
