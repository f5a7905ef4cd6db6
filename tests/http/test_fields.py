"""The strict fields and the request base every serializer builds on, and the error shape."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.serializers import BaseSerializer

from stytch_discovery.discovery.serializers import (
    CreateOrganizationRequestSerializer,
    DiscoveryEmailRequestSerializer,
    ExchangeRequestSerializer,
)
from stytch_discovery.internal.http.openapi import ErrorSerializer
from tests.helpers.api import accept_client_claims
from tests.helpers.serializers import errors_of, valid
from tests.http.test_openapi_limits import request_serializer_classes

# -- requests --------------------------------------------------------------------------------------


def test_reserved_claims_are_dropped_silently(settings: Any) -> None:
    accept_client_claims(settings)
    claims = {"iss": "me", "sub": "x", "aud": "y", "exp": 1, "nbf": 1, "iat": 1, "jti": "j", "plan": "pro"}
    data = valid(ExchangeRequestSerializer, {"organization_id": "acme", "session_custom_claims": claims})
    assert data["session_custom_claims"] == {"plan": "pro"}


def test_claims_size_counts_utf8_bytes_after_dropping_reserved_claims(settings: Any) -> None:
    accept_client_claims(settings)
    # 2 bytes per "é": under 4096 characters but over 4096 bytes.
    over = {"n": "é" * 2100}
    assert "session_custom_claims" in errors_of(
        ExchangeRequestSerializer, {"organization_id": "acme", "session_custom_claims": over}
    )
    fits = {"n": "x" * 4000, "jti": "y" * 500}
    assert valid(ExchangeRequestSerializer, {"organization_id": "acme", "session_custom_claims": fits})


@pytest.mark.parametrize("email", ["not-an-email", '"ada@home"@acme.example', "ada@[::1]", "ada@localhost"])
def test_a_bad_email_gets_one_message(email: str) -> None:
    errors = errors_of(DiscoveryEmailRequestSerializer, {"email_address": email})
    assert errors["email_address"] == ["Enter a valid email address."]


def test_each_request_binds_its_own_fields_and_leaves_the_declared_ones_untouched() -> None:
    first = CreateOrganizationRequestSerializer(data={"organization_slug": "acme"})
    second = CreateOrganizationRequestSerializer(data={"organization_slug": "!"})

    assert first.is_valid()
    assert not second.is_valid()
    for name in ("organization_slug", "intermediate_session_token", "allowed_auth_methods"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second
        assert CreateOrganizationRequestSerializer._declared_fields[name].parent is None
    # A list field's child is bound under this request's list field, not a shared one.
    auth_methods = first.fields["allowed_auth_methods"]
    assert auth_methods.child.parent is auth_methods  # type: ignore[attr-defined]
    assert first.validated_data == {"organization_slug": "acme"}
    assert list(second.errors) == ["organization_slug"]


def test_unknown_fields_are_reported_with_the_other_errors() -> None:
    errors = errors_of(CreateOrganizationRequestSerializer, {"organization_slug": "a", "colour": "red"})
    assert set(errors) == {"organization_slug", "colour"}


# -- responses -------------------------------------------------------------------------------------


def test_error_shape_declares_fields() -> None:
    data = ErrorSerializer(
        {
            "code": "x",
            "message": "y",
            "fields": {"a": ["b"]},
            "stytch_error_type": None,
            "stytch_request_id": None,
        }
    ).data
    assert data["fields"] == {"a": ["b"]}


def test_each_request_gets_copies_of_the_leaf_fields_equal_to_copy_copy() -> None:
    """``RequestSerializer.get_fields`` clones leaf fields without ``copy.copy``: the clones must be
    what ``copy.copy`` makes (same class, same attributes, not the declared field itself), for every
    leaf field of every request serializer. A field class with ``__copy__`` or ``__slots__`` would
    need ``copy.copy`` again."""
    checked = 0
    for serializer_class in request_serializer_classes().values():
        fields = serializer_class().get_fields()
        for name, declared in serializer_class._declared_fields.items():
            if hasattr(declared, "child") or isinstance(declared, BaseSerializer):
                continue
            clone, expected = fields[name], copy.copy(declared)
            assert clone is not declared
            assert type(clone) is type(expected)
            assert not hasattr(type(declared), "__copy__")
            assert not hasattr(type(declared), "__slots__")
            assert clone.__dict__ == expected.__dict__, f"{serializer_class.__name__}.{name}"
            checked += 1
    assert checked > 20
