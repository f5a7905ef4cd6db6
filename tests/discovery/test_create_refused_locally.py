"""Every Create input the fake Stytch refuses (its own rule table) is refused here first.

The fake is the independent oracle of the contract's rules (section 3.2): a row it answers with a
400 must be a 400 ``validation_error`` here, without a Stytch call, so a bad request never costs one.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import accept_client_claims, ist_cookie, post, stytch_calls
from tests.testing.test_create_validation import INVALID

#: Stytch's list of common email domains is not published, so only Stytch refuses one (see
#: tests/http/test_errors.py); every other rule is the contract's, checked here first.
REFUSED_HERE = [
    (fields, error) for fields, error in INVALID if error != "organization_settings_domain_too_common"
]


@pytest.mark.parametrize(("fields", "error_type"), REFUSED_HERE, ids=[e for _, e in REFUSED_HERE])
def test_what_the_fake_refuses_costs_no_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, fields: dict[str, Any], error_type: str
) -> None:
    ist_cookie(api, fake_stytch)
    calls = stytch_calls(fake_stytch)
    response = post(api, "discovery/organizations/create", fields)
    assert (response.status_code, response.json()["code"]) == (400, "validation_error"), error_type
    assert stytch_calls(fake_stytch) == calls


def test_custom_claims_are_measured_alike_here_and_at_the_fake(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    """4 KB of claims is 4096 bytes of UTF-8 JSON on both sides: "é" counts 2 bytes, not 6 (``\\u00e9``)."""
    accept_client_claims(settings)
    ist_cookie(api, fake_stytch)
    overhead = len('{"city":""}')
    claims = {"city": "é" * ((4096 - overhead) // 2)}
    response = post(api, "discovery/organizations/create", {"session_custom_claims": claims})
    assert response.status_code == 201, response.json()
    assert response.json()["member_session"] is not None
