"""The request rules the serializers enforce equal the fake Stytch's own copy of the contract.

Both read shared/docs/stytch-contract.md; the fake keeps its copy on purpose (an oracle must not
import what it tests), so this keeps the two from drifting apart.
"""

from __future__ import annotations

import pytest
from rest_framework.fields import ChoiceField

from stytch_discovery.discovery.serializers import CreateOrganizationRequestSerializer
from stytch_discovery.internal import rules
from stytch_discovery.testing import validation


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
