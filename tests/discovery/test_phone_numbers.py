"""No answer shows a member's full phone number: the live list, the cached list and an exchange
show ``mfa_required.member_options.mfa_phone_number`` masked, the same on all three.

Real HTTP to the fake Stytch, whose list answers carry the member's options (a verified phone
for ``sms``, ``tests.helpers.mfa.seed_mfa``) as Stytch's do; real SQL for the cache.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, url
from tests.helpers.mfa import MASKED, enter, seed_mfa
from tests.helpers.org_cache import assert_masked_only, stored_text
from tests.testapp.models import User

Json = dict[str, Any]

#: The member's options as the answers show them for ``sms`` (no authenticator app there).
SHOWN = {"mfa_phone_number": MASKED, "totp_registration_id": ""}


@pytest.fixture
def ada(api: APIClient, fake_stytch: FakeStytch) -> APIClient:
    """A signed-in Django user whose email is a member of every ``seed_mfa`` organization."""
    seed_mfa(fake_stytch)
    api.force_login(User.objects.create(username="ada", email=EMAIL))
    return api


def text_of(response: Any) -> str:
    """The answer's JSON as text, its escapes (the renderer writes ``•`` as ``\\u2022``) decoded."""
    return json.dumps(response.json(), ensure_ascii=False)


def sms(organizations: list[Json]) -> Json:
    """The ``sms`` organization of a live (``organization.organization_slug``) or cached list."""
    (found,) = [
        organization
        for organization in organizations
        if organization.get("organization", organization)["organization_slug"] == "sms"
    ]
    return found


def test_the_live_list_the_cached_list_and_the_rows_show_the_number_masked_alike(
    ada: APIClient, fake_stytch: FakeStytch
) -> None:
    ist_cookie(ada, fake_stytch)

    live = post(ada, "discovery/organizations")
    cached = ada.get(url("discovery/organizations/cached"))

    assert (live.status_code, cached.status_code) == (200, 200)
    for response in (live, cached):
        assert_masked_only(text_of(response))
    listed, row = sms(live.json()["discovered_organizations"]), sms(cached.json()["organizations"])
    assert listed["mfa_required"] == {"member_options": SHOWN, "secondary_auth_initiated": None}
    assert row["mfa_required"] == listed["mfa_required"]
    assert_masked_only(stored_text())


def test_an_exchange_answers_and_caches_the_number_masked(ada: APIClient, fake_stytch: FakeStytch) -> None:
    answer = enter(ada, fake_stytch, "sms")

    assert answer["mfa_required"]["member_options"] == SHOWN
    assert_masked_only(str(answer))
    cached = ada.get(url("discovery/organizations/cached"))
    assert_masked_only(text_of(cached))
    assert cached.json()["organizations"][0]["mfa_required"] == answer["mfa_required"]
    assert_masked_only(stored_text())
