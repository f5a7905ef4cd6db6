"""The MFA and primary service functions: keyword-only, typed, secrets kept out of repr and raw."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from stytch_discovery import services
from stytch_discovery.exceptions import StytchDiscoveryResponseError
from stytch_discovery.mfa import services as mfa
from stytch_discovery.testing import FakeStytch
from stytch_discovery.testing.routes.registry import Route
from tests.helpers.mfa import RECOVERY_CODES, seed_mfa

NEW = [
    "send_sms_otp",
    "authenticate_sms_otp",
    "create_totp",
    "authenticate_totp",
    "recover_with_recovery_code",
    "send_login_magic_link",
    "authenticate_magic_link",
    "send_login_email_otp",
    "authenticate_email_otp",
]


@pytest.mark.parametrize("name", NEW)
def test_every_argument_is_keyword_only_and_typed(name: str) -> None:
    signature = inspect.signature(getattr(services, name))

    assert all(
        parameter.kind is inspect.Parameter.KEYWORD_ONLY for parameter in signature.parameters.values()
    )
    assert all(
        parameter.annotation is not inspect.Parameter.empty for parameter in signature.parameters.values()
    )
    assert signature.return_annotation is not inspect.Signature.empty


def test_session_fields_are_counted_before_any_call(fake_stytch: FakeStytch) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        services.authenticate_totp(organization_id="o", member_id="m", code="123456")
    with pytest.raises(ValueError, match="at most one"):
        services.send_sms_otp(
            organization_id="o", member_id="m", intermediate_session_token="a", session_jwt="b"
        )
    assert fake_stytch.stats()["requests"] == {}


def test_a_totp_registration_keeps_its_secrets_out_of_repr_and_raw(fake_stytch: FakeStytch, db: None) -> None:
    members = seed_mfa(fake_stytch)
    ist = fake_stytch.mint_intermediate_session("ada@acme.example")

    created = services.create_totp(
        organization_id="bare",
        member_id=members["bare"],
        intermediate_session_token=ist,
        expiration_minutes=5,
    )

    assert len(created.secret) == 32
    assert len(created.recovery_codes) == 10
    assert created.qr_code.startswith("data:image/png;base64,")
    assert created.secret not in repr(created)
    assert not {"secret", "qr_code", "recovery_codes"} & set(created.raw)
    assert all(code not in repr(created) for code in created.recovery_codes)


def test_an_answer_without_recovery_codes_remaining_is_stytchs_fault(
    fake_stytch: FakeStytch, db: None
) -> None:
    members = seed_mfa(fake_stytch)
    router = fake_stytch.app.router
    original = router.routes["POST", mfa.RECOVER]

    def without_count(project: Any, request: Any) -> dict[str, Any]:
        answer = original.handler(project, request)
        return {**answer, "recovery_codes_remaining": "nine"}

    router.routes["POST", mfa.RECOVER] = Route("POST", mfa.RECOVER, without_count)
    try:
        with pytest.raises(StytchDiscoveryResponseError, match="lacks or mistypes"):
            services.recover_with_recovery_code(
                organization_id="totp",
                member_id=members["totp"],
                recovery_code=RECOVERY_CODES[0],
                intermediate_session_token=fake_stytch.mint_intermediate_session("ada@acme.example"),
            )
    finally:
        router.routes["POST", mfa.RECOVER] = original
