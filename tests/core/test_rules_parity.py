"""The request rules the serializers enforce equal the fake Stytch's own copy of the contract.

Both read shared/docs/stytch-contract.md; the fake keeps its copy on purpose (an oracle must not
import what it tests), so this keeps the two from drifting apart.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.fields import ChoiceField

from stytch_discovery.discovery.serializers import (
    CreateOrganizationRequestSerializer,
    DiscoveryEmailRequestSerializer,
)
from stytch_discovery.internal import rules
from stytch_discovery.testing import validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.routes import mfa as mfa_routes


@pytest.mark.parametrize(
    "name",
    [
        "SEND_LOCALES",
        "EXCHANGE_LOCALES",
        "AUTH_METHODS",
        "MFA_METHODS",
        "OAUTH_TENANT_PROVIDERS",
        "ALL_RESTRICTED_NOT",
        "RESERVED_CLAIMS",
        "MAX_CUSTOM_CLAIMS_BYTES",
    ],
)
def test_the_same_table_on_both_sides(name: str) -> None:
    assert getattr(rules, name) == getattr(validation, name)


@pytest.mark.parametrize("field", sorted(validation.ORG_ENUMS))
def test_every_organization_enum_allows_the_same_values(field: str) -> None:
    allowed, _default, _error = validation.ORG_ENUMS[field]
    serializer_field = CreateOrganizationRequestSerializer().fields[field]
    assert isinstance(serializer_field, ChoiceField)
    assert tuple(serializer_field.choices) == allowed


@pytest.mark.parametrize(
    ("ours", "theirs", "samples"),
    [
        (
            rules.E164_RE,
            mfa_routes.E164_RE,
            ["+15005550006", "+1", "+12", "15005550006", "+05005550006", "+1234567890123456", "+1 500"],
        ),
        (
            rules.EMAIL_RE,
            validation.EMAIL_RE,
            [
                "ada@acme.example",
                '"a@b"@acme.example',
                "a b@acme.example",
                "ada@[::1]",
                "ada@acme",
                "ada@acme.",
            ],
        ),
        (rules.CODE_RE, mfa_routes.CODE_RE, ["123456", "12345", "1234567", "12345a", "١٢٣٤٥٦", "123456\n"]),
        (
            rules.RECOVERY_CODE_RE,
            mfa_routes.RECOVERY_CODE_RE,
            ["ckss-2skx-ebow", "CKSS-2SKX-EBOW", "ckss2skxebow", "ckss-2skx-ebo", "ckss-2skx-ebow\n"],
        ),
    ],
)
def test_patterns_accept_the_same_strings(ours: Any, theirs: Any, samples: list[str]) -> None:
    for sample in samples:
        assert bool(ours.match(sample)) == bool(theirs.fullmatch(sample)), sample


_LOCAL = st.text(alphabet='ab.-+"@\\ \t', min_size=1, max_size=8)
_LABEL = st.text(alphabet="ab1-é", min_size=1, max_size=5)
EMAILS = st.builds(
    "{}@{}".format,
    st.one_of(_LOCAL, _LOCAL.map('"{}"'.format)),
    st.one_of(
        st.lists(_LABEL, min_size=1, max_size=3).map(".".join),
        st.sampled_from(["[::1]", "[127.0.0.1]", "[IPv6:::1]", "localhost"]),
    ),
)


@settings(max_examples=400, derandomize=True, database=None)
@given(EMAILS)
def test_an_email_taken_here_is_taken_by_the_fake(email: str) -> None:
    """Locally valid must never cost a Stytch call that Stytch refuses (``invalid_email``)."""
    serializer = DiscoveryEmailRequestSerializer(data={"email_address": email})
    if serializer.is_valid():
        try:
            validation.email_address(dict(serializer.validated_data))
        except ApiError:  # pragma: no cover - the failure this test exists to report
            pytest.fail(f"{email!r} passes here but the fake refuses it")
