"""Strict JSON fields and the base request serializer every feature's serializers build on.

Strict about JSON types (``"60"`` is not an integer, ``12`` is not a string), refusing unknown
fields, and refusing what Stytch would refuse (``internal.rules``), so a bad request never costs
a Stytch call. Nothing here does I/O.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import timezone
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, RegexValidator
from rest_framework import serializers

from stytch_discovery.internal.rules import (
    EMAIL_RE,
    MAX_CUSTOM_CLAIMS_BYTES,
    MAX_LIST_ITEMS,
    RESERVED_CLAIMS,
    STYTCH_CLAIM_PREFIX,
)
from stytch_discovery.internal.tokens import MAX_TOKEN_LENGTH, TOKEN_RE

#: Bidirectional-override characters let a name display as something it is not.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# The schema's patterns (JSON Schema's, so ECMA-262 regular expressions) say what each field below
# accepts: a value a pattern matches, the field takes (tests/http/test_openapi_limits.py probes
# it). Where the server's rule is beyond a readable pattern, the pattern is stricter.

#: The characters ``TextField`` refuses: the control characters (``Cc``) and the bidi overrides.
_SCHEMA_CONTROLS = r"\u0000-\u001f\u007f-\u009f" + "".join(rf"\u{ord(c):04x}" for c in sorted(_BIDI_CONTROLS))
#: Every character ``str.strip()`` removes, as a class: ECMA's ``\s`` lacks ``\x1c``-``\x1f``, ``\x85``.
_SCHEMA_BLANKS = r"\s\u001c-\u001f\u0085"
#: A DNS label, and a top-level domain (letters, or an IDN's ``xn--`` form): the ASCII part of
#: Django's host rules, for emails and URLs (Django also takes Unicode labels).
_SCHEMA_LABEL = "[0-9A-Za-z](?:[0-9A-Za-z-]{0,61}[0-9A-Za-z])?"
_SCHEMA_HOST = rf"(?:{_SCHEMA_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[0-9A-Za-z]{{1,59}})"
#: Django's dot-atom (it refuses Unicode local parts; quoted ones are left out here) at a dotted
#: host, which ``rules.EMAIL_RE`` asks too.
_SCHEMA_ATOM = "[-!#$%&'*+/=?^_`{|}~0-9A-Za-z]+"
EMAIL_SCHEMA_PATTERN = rf"^{_SCHEMA_ATOM}(?:\.{_SCHEMA_ATOM})*@{_SCHEMA_HOST}$"
#: http(s), a host name of at most 253 characters (no user, no IP address), a port, and a path,
#: query or fragment without blanks or control characters (Django refuses blanks).
HTTP_URL_SCHEMA_PATTERN = (
    rf"^https?://(?=[^:/?#]{{1,253}}(?:[:/?#]|$)){_SCHEMA_HOST}(?::[0-9]{{1,5}})?"
    r"(?:[/?#][^\s\u0000-\u001f\u007f-\u009f]*)?$"
)


def reject_control_characters(value: str) -> None:
    """Refuse control characters and bidi overrides in display text (DRF refuses surrogates)."""
    for char in value:
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            raise serializers.ValidationError(
                f"Control or invisible formatting character U+{ord(char):04X} is not allowed."
            )


def _compact_utf8(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's ``CharField`` would quietly turn ``12`` into ``"12"``.

    ``max_length`` is checked on the string as sent, before any trimming: the schema's
    ``maxLength`` is about what the caller sends, and DRF alone would let a value with blanks
    around it through at up to any length.
    """

    #: Characters refused anywhere, as a pattern's class: DRF refuses NUL in every ``CharField``.
    schema_refused = r"\u0000"

    def schema_pattern(self) -> str | None:
        """The schema's ``pattern`` for this field: a value it matches, the field takes (None: its
        validator's regex, which spectacular copies). Unless blank is allowed, a character must be
        left once trimmed."""
        refused = self.schema_refused
        if self.allow_blank:
            return f"^[^{refused}]*$"
        if not self.trim_whitespace:
            return f"^[^{refused}]+$"
        return f"^[^{refused}]*[^{_SCHEMA_BLANKS}{refused}][^{refused}]*$"

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(StrictCharField):
    """Human-readable text: no control characters, surrounding blanks trimmed."""

    schema_refused = _SCHEMA_CONTROLS

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", []).append(reject_control_characters)
        super().__init__(**kwargs)


class PatternField(StrictCharField):
    """An identifier matched as typed: no trimming, so ``" acme"`` is refused, not fixed."""

    def __init__(self, *, pattern: re.Pattern[str], message: str, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("validators", []).append(RegexValidator(pattern, message))
        super().__init__(**kwargs)

    def schema_pattern(self) -> None:
        return None


class TokenField(PatternField):
    """A bearer token: never echoed back (``write_only``), never trimmed."""

    def __init__(self, *, max_length: int = MAX_TOKEN_LENGTH, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            pattern=TOKEN_RE,
            message="Not a valid token.",
            max_length=max_length,
            write_only=True,
            **kwargs,
        )


class _StytchEmailValidator(EmailValidator):
    """Django's check, and also the form Stytch takes (``rules.EMAIL_RE``), in one message.

    The local part must be ASCII, as Django means it to be: its pattern's ``A-Z`` under
    ``re.IGNORECASE`` also matches U+0130, U+0131, U+017F and the Kelvin sign, which Stytch may
    fold into ``i``, ``s`` and ``k`` (the fake folds the Kelvin sign), so one address would have a
    second spelling, with a throttle and a wrong-code budget of its own.
    """

    def __call__(self, value: str | None) -> None:
        if not value or not EMAIL_RE.match(value) or not value.rpartition("@")[0].isascii():
            raise DjangoValidationError(self.message, code=self.code, params={"value": value})
        super().__call__(value)


class StrictEmailField(StrictCharField, serializers.EmailField):
    """An email address given as a JSON string, in the form Stytch takes (``rules.EMAIL_RE``).

    Django's validator lets ``x@localhost`` through (its allowlist), and ``"a@b"@x.example`` or
    ``x@[::1]`` (quoted local parts, IP literals); Stytch refuses them.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for index, validator in enumerate(self.validators):
            if isinstance(validator, EmailValidator):
                self.validators[index] = _StytchEmailValidator(message=validator.message, allowlist=[])

    def schema_pattern(self) -> str:
        return EMAIL_SCHEMA_PATTERN


class HttpUrlField(StrictCharField, serializers.URLField):
    """An ``http(s)`` URL given as a JSON string (Django's validator also allows ftp)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for validator in self.validators:
            if hasattr(validator, "schemes"):
                validator.schemes = ["http", "https"]

    def schema_pattern(self) -> str:
        return HTTP_URL_SCHEMA_PATTERN


class EnumField(serializers.ChoiceField):
    """One of fixed strings; the error lists them instead of echoing the input."""

    default_error_messages = {"invalid_choice": "Must be one of: {choices}."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or data not in self.choices:
            self.fail("invalid_choice", choices=", ".join(self.choices))
        return data


def token_type_field(token_type: str) -> EnumField:
    """The ``stytch_token_type`` Stytch puts next to a token in a URL: ``token_type``, or none."""
    return EnumField(choices=(token_type,), required=False, help_text=f"Must be '{token_type}' when present.")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: not ``true``, not ``"60"``, not ``60.5``."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return data


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean only: not ``1``, not ``"true"``."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class CustomClaimsField(serializers.DictField):
    """``session_custom_claims``: a JSON object of at most 4 KB.

    The reserved JWT claims are dropped, as Stytch documents it does silently; the
    ``https://stytch.com/`` namespace belongs to Stytch and is refused.
    """

    default_error_messages = {
        "too_large": f"Custom claims may not exceed {MAX_CUSTOM_CLAIMS_BYTES} bytes of JSON.",
        "stytch_claim": f"Claims under {STYTCH_CLAIM_PREFIX} are reserved by Stytch.",
        "not_representable": "Custom claims must be valid Unicode and nest at most a few hundred levels.",
    }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        claims = super().to_internal_value(data)
        kept = {key: value for key, value in claims.items() if key not in RESERVED_CLAIMS}
        if any(key.startswith(STYTCH_CLAIM_PREFIX) for key in kept):
            self.fail("stytch_claim")
        try:
            size = len(_compact_utf8(kept))
        except (UnicodeEncodeError, RecursionError):
            self.fail("not_representable")
        if size > MAX_CUSTOM_CLAIMS_BYTES:
            self.fail("too_large")
        return kept


class KeyedDictField(serializers.DictField):
    """A JSON object whose keys are among fixed names (``keys``), each holding a ``child``.

    The schema lists the keys as properties with ``additionalProperties: false``
    (``openapi.py``), so it refuses what the server refuses.
    """

    default_error_messages = {"unknown_keys": "Keys must be among {allowed}; got {unknown}."}

    def __init__(self, *, keys: tuple[str, ...], **kwargs: Any) -> None:
        self.keys = keys
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value: dict[str, Any] = super().to_internal_value(data)
        unknown = sorted(set(value) - set(self.keys))
        if unknown:
            self.fail("unknown_keys", allowed=", ".join(self.keys), unknown=", ".join(unknown))
        return value


def string_list(child: serializers.Field[Any, Any, Any, Any]) -> serializers.ListField:
    """An optional JSON array of at most ``MAX_LIST_ITEMS`` items."""
    return serializers.ListField(child=child, required=False, max_length=MAX_LIST_ITEMS)


def utc_datetime(**kwargs: Any) -> serializers.DateTimeField:
    """Timestamps go out in UTC (``...Z``), whatever the project's TIME_ZONE."""
    return serializers.DateTimeField(default_timezone=timezone.utc, **kwargs)


AnyField = TypeVar("AnyField", bound=serializers.Field[Any, Any, Any, Any])


def _has_children(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    return hasattr(field, "child") or isinstance(field, serializers.BaseSerializer)


def _shallow_copy(field: AnyField) -> AnyField:
    """``copy.copy(field)`` without its pickling protocol (``__reduce_ex__``, ``copyreg``): a
    field is a plain object with no ``__copy__``, so its copy is a new instance with the same
    attributes. 15% of validating a list request."""
    clone: AnyField = type(field).__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class RequestSerializer(serializers.Serializer[Any]):
    """Base of request bodies: unknown fields are refused, so a typo is not silently ignored."""

    #: Fields Stytch knows but this API refuses, with the reason shown to the caller.
    refused_fields: Mapping[str, str] = {}
    #: JSON Schema keywords the request's schema adds for rules across fields (``validate``),
    #: next to the ``additionalProperties: false`` every request body gets (``openapi.py``).
    schema_rules: Mapping[str, Any] = {}

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # DRF deep-copies every declared field on every request, re-running each field's
        # __init__ (half the cost of validating a list request). A leaf field holds nothing
        # per request until it is bound, so a shallow copy is enough; fields with children
        # (lists, dicts, nested serializers) bind those children too and keep the deep copy.
        return {
            name: copy.deepcopy(field) if _has_children(field) else _shallow_copy(field)
            for name, field in self._declared_fields.items()
        }

    def refusals(self) -> Mapping[str, str]:
        """``refused_fields``, and any this request's settings refuse too (a subclass's say)."""
        return self.refused_fields

    def to_internal_value(self, data: Any) -> Any:
        refused = self.refusals()
        unknown = {
            key: [refused.get(key, "Unknown field.")]
            for key in (data if isinstance(data, Mapping) else ())
            if key not in self.fields
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            # Report unknown fields together with the other field errors, not one round later.
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
