"""The pending step: the MFA facts Stytch's own UI reads, in Stytch's decision order."""

from __future__ import annotations

import time
from typing import Any

import pytest

from stytch_discovery.sessions import pending
from stytch_discovery.sessions.types import MemberAuthentication


def answer(member: dict[str, Any], organization: dict[str, Any], mfa_required: Any) -> MemberAuthentication:
    base = {
        "member_id": "member-test-1",
        "member_authenticated": False,
        "member": {
            "member_id": "member-test-1",
            "organization_id": "organization-test-1",
            "email_address": "ada@acme.example",
            "status": "active",
            **member,
        },
        "organization": {
            "organization_id": "organization-test-1",
            "organization_name": "Vault",
            "organization_slug": "vault",
            **organization,
        },
        "mfa_required": mfa_required,
        "primary_required": None,
        "intermediate_session_token": "ist-" + "x" * 40,
        "request_id": "request-id-test-1",
    }
    return MemberAuthentication.from_json(base)


def step(
    member: dict[str, Any] | None = None, organization: dict[str, Any] | None = None, **mfa: Any
) -> pending.PendingStep:
    return pending.step_of(answer(member or {}, organization or {}, {"member_options": None, **mfa}))


def test_nothing_enrolled_means_enrolment_with_what_the_organization_allows() -> None:
    found = step()

    assert (found.mfa_types, found.enroll_types, found.default_mfa_type) == ([], ["sms_otp", "totp"], None)


def test_a_restricted_organization_allows_its_list_only() -> None:
    found = step(
        {"totp_registration_id": "member-totp-1"},
        {"mfa_methods": "RESTRICTED", "allowed_mfa_methods": ["sms_otp"]},
    )

    assert found.mfa_allowed == ("sms_otp",)
    assert (found.mfa_types, found.enroll_types) == ([], ["sms_otp"])


def test_the_default_method_comes_first_when_usable() -> None:
    both = {
        "mfa_phone_number_verified": True,
        "mfa_phone_number": "+15005550006",
        "totp_registration_id": "t-1",
    }

    assert step({**both, "default_mfa_method": "totp"}).default_mfa_type == "totp"
    assert step({**both, "default_mfa_method": ""}).default_mfa_type == "sms_otp"
    assert step(both).mfa_types == ["sms_otp", "totp", "recovery_codes"]


def test_a_code_stytch_sent_is_live_for_two_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    found = step(
        {"mfa_phone_number_verified": True, "mfa_phone_number": "+15005550006"},
        secondary_auth_initiated="sms_otp",
    )
    before = found.sms_code_expires_at
    later = time.time() + 121
    monkeypatch.setattr(time, "time", lambda: later)
    after = found.sms_code_expires_at

    assert (before is not None, after) == (True, None)
    assert step().sms_sent_at is None
