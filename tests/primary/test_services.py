"""The primary services called from Python: ``member_id=`` refuses an answer about someone else."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.exceptions import StytchDiscoveryIdentityMismatch
from stytch_discovery.models import StytchMember
from stytch_discovery.primary import services
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post
from tests.helpers.mfa import enter, ist_of, last_code, seed_mfa
from tests.helpers.redirects import (
    SOMEONE_ELSE,
    answering_for_someone_else,
    nothing_recorded_for_someone_else,
    session_lives,
)

pytestmark = pytest.mark.django_db


def code_step(api: APIClient, fake: FakeStytch) -> dict[str, Any]:
    """The arguments that finish a pending email-code step (its code sent) and its member id."""
    member_id = seed_mfa(fake)["codes"]
    entered = enter(api, fake, "codes")
    post(api, "primary/email-codes/send", {})
    return {
        "organization_id": entered["organization"]["organization_id"],
        "email_address": EMAIL,
        "intermediate_session_token": ist_of(api),
        "code": last_code(fake, "email_otp"),
        "member_id": member_id,
    }


def test_an_answer_for_the_member_named_signs_them_in(api: APIClient, fake_stytch: FakeStytch) -> None:
    step = code_step(api, fake_stytch)

    result = services.authenticate_email_otp(**step)

    assert (result.member_id, result.member_authenticated) == (step["member_id"], True)
    assert StytchMember.objects.filter(member_id=step["member_id"]).exists()


def test_an_answer_for_someone_else_is_refused_before_anything_is_recorded(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    step = code_step(api, fake_stytch)

    with (
        answering_for_someone_else(fake_stytch, services.AUTHENTICATE_EMAIL_OTP) as given,
        pytest.raises(StytchDiscoveryIdentityMismatch) as raised,
    ):
        services.authenticate_email_otp(**step)

    assert nothing_recorded_for_someone_else()
    assert not session_lives(fake_stytch, given[0])
    assert SOMEONE_ELSE["member_id"] not in str(raised.value)
    assert step["member_id"] not in str(raised.value)
    assert given[0] not in repr(raised.value)
