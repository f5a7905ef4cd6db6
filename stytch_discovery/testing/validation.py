"""The contract's request rules (stytch-contract.md sections 3.1-3.3), as pure functions.

Each function reads a JSON object, raises :class:`ApiError` on the first broken rule and returns
normalized values. Like Stytch's proto-based API, an empty string counts as "not given" for
optional string fields (the Go SDK never sends one, and SPAs often send ``""`` for a blank box).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, invalid_argument

Json = dict[str, Any]

SLUG_RE = re.compile(r"[A-Za-z0-9._~-]{2,128}")
EXTERNAL_ID_RE = re.compile(r"[A-Za-z0-9._|-]{1,128}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
DOMAIN_RE = re.compile(r"(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}")

# A small stand-in for Stytch's "common email domains" list.
COMMON_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "mail.com",
        "yandex.com",
    }
)

RESERVED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
MAX_CUSTOM_CLAIMS_BYTES = 4096
MAX_METADATA_BYTES = 4096  # fake's choice: the contract documents no limit
MAX_METADATA_KEYS = 20  # fake's choice
MAX_LOGO_URL_LENGTH = 2048  # fake's choice

SEND_LOCALES = ("en", "es", "pt-br", "fr")
EXCHANGE_LOCALES = (
    *SEND_LOCALES,
    "it",
    "de-DE",
    "zh-Hans",
    "ca-ES",
    "ja",
    "ru",
    "nl",
    "pl",
    "tr",
    "fa",
    "vi",
    "cs",
)
AUTH_METHODS = (
    "sso",
    "magic_link",
    "email_otp",
    "password",
    "google_oauth",
    "microsoft_oauth",
    "slack_oauth",
    "github_oauth",
    "hubspot_oauth",
)
#: The factors named otherwise than the auth method they prove: SSO through an OIDC connection
#: (``sso`` is SAML's; Stytch tells them apart by ``delivery_method``).
FACTOR_METHODS = {"sso_oidc": "sso"}
MFA_METHODS = ("sms_otp", "totp")
OAUTH_TENANT_PROVIDERS = ("slack", "hubspot", "github")
ALL_RESTRICTED_NOT = ("ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED")


def auth_method(factor: str) -> str:
    """The auth method a factor proves (an MFA factor's name is no auth method)."""
    return FACTOR_METHODS.get(factor, factor)


def primary_factors(factors: tuple[str, ...]) -> tuple[str, ...]:
    """The factors that prove an auth method (a session's, without its MFA factors)."""
    return tuple(factor for factor in factors if auth_method(factor) in AUTH_METHODS)


# Enum fields of the Organization: allowed values, default, error type for a bad value.
ORG_ENUMS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "sso_jit_provisioning": (ALL_RESTRICTED_NOT, "ALL_ALLOWED", "invalid_argument"),
    "email_jit_provisioning": (("RESTRICTED", "NOT_ALLOWED"), "NOT_ALLOWED", "invalid_argument"),
    "email_invites": (ALL_RESTRICTED_NOT, "ALL_ALLOWED", "invalid_argument"),
    "auth_methods": (("ALL_ALLOWED", "RESTRICTED"), "ALL_ALLOWED", "invalid_argument"),
    "mfa_policy": (("REQUIRED_FOR_ALL", "OPTIONAL"), "OPTIONAL", "invalid_organization_mfa_policy"),
    "mfa_methods": (("ALL_ALLOWED", "RESTRICTED"), "ALL_ALLOWED", "invalid_argument"),
    "oauth_tenant_jit_provisioning": (
        ("RESTRICTED", "NOT_ALLOWED"),
        "NOT_ALLOWED",
        "invalid_argument",
    ),
    "first_party_connected_apps_allowed_type": (
        ALL_RESTRICTED_NOT,
        "ALL_ALLOWED",
        "invalid_argument",
    ),
    "third_party_connected_apps_allowed_type": (
        ALL_RESTRICTED_NOT,
        "ALL_ALLOWED",
        "invalid_argument",
    ),
}
PLAIN_STRING_LISTS = ("allowed_first_party_connected_apps", "allowed_third_party_connected_apps")


def optional_str(body: Json, key: str) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid_argument(f"{key} must be a string.")
    return value


def required_str(body: Json, key: str) -> str:
    value = optional_str(body, key)
    if value is None:
        raise ApiError(400, "bad_request", f"{key} is a required field.")
    return value


def optional_int(body: Json, key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    # bool is an int subclass in Python, but not in JSON.
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_argument(f"{key} must be an integer.")
    return value


def optional_bool(body: Json, key: str) -> bool | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid_argument(f"{key} must be a boolean.")
    return value


def optional_object(body: Json, key: str, error_type: str = "invalid_argument") -> Json | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError(400, error_type, f"{key} must be a JSON object.")
    return value


def str_list(body: Json, key: str, error_type: str = "invalid_argument") -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ApiError(400, error_type, f"{key} must be a list of strings.")
    return list(value)


def one_of(body: Json, key: str, allowed: tuple[str, ...], error_type: str) -> str | None:
    value = optional_str(body, key)
    if value is not None and value not in allowed:
        raise ApiError(400, error_type, f"{key} must be one of {', '.join(allowed)}.")
    return value


def email_address(body: Json, key: str = "email_address") -> str:
    value = required_str(body, key)
    if len(value) > 254 or not EMAIL_RE.fullmatch(value):
        raise ApiError(400, "invalid_email")
    return value


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[1].lower()


def http_url(body: Json, key: str, error_type: str) -> str | None:
    value = optional_str(body, key)
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ApiError(400, error_type)
    return value


def int_in_range(body: Json, key: str, low: int, high: int, error_type: str) -> int | None:
    value = optional_int(body, key)
    if value is not None and not low <= value <= high:
        raise ApiError(400, error_type, f"{key} must be between {low} and {high}.")
    return value


def session_duration_minutes(body: Json) -> int | None:
    return int_in_range(body, "session_duration_minutes", 5, 527040, "invalid_session_duration_minutes")


def session_custom_claims(body: Json) -> Json:
    """Custom claims with the reserved JWT claims silently dropped, as Stytch documents."""
    claims = optional_object(body, "session_custom_claims") or {}
    kept = {key: value for key, value in claims.items() if key not in RESERVED_CLAIMS}
    if any(key.startswith("https://stytch.com/") for key in kept):
        raise ApiError(400, "stytch_claims_in_custom_claims")
    if json_size(kept) > MAX_CUSTOM_CLAIMS_BYTES:
        raise ApiError(400, "custom_claims_too_large")
    return kept


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON: "4 KB" counts ``é`` as 2 bytes, not 6 (``\\u00e9``)."""
    # surrogatepass: a lone surrogate (valid in a JSON string escape) is measured, not a crash.
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass"))


def organization_slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value) or not any(char.isalnum() for char in value):
        raise ApiError(400, "invalid_organization_slug")
    return value


def organization_fields(body: Json) -> Json:
    """Every Organization setting of a Create request (or a seeded organization), normalized.

    Name and slug stay ``None`` when absent: the caller derives them from the email.
    """
    name = optional_str(body, "organization_name")
    if name is not None and len(name) > 128:
        raise ApiError(400, "invalid_organization_name")
    slug = optional_str(body, "organization_slug")
    if slug is not None:
        organization_slug(slug)
    external_id = optional_str(body, "organization_external_id")
    if external_id is not None and not EXTERNAL_ID_RE.fullmatch(external_id):
        raise ApiError(400, "invalid_organization_external_id")
    logo_url = optional_str(body, "organization_logo_url") or ""
    if len(logo_url) > MAX_LOGO_URL_LENGTH:
        raise ApiError(400, "organization_logo_url_too_long")
    fields: Json = {
        "organization_name": name,
        "organization_slug": slug,
        "organization_external_id": external_id,
        "organization_logo_url": logo_url,
        "trusted_metadata": trusted_metadata(body),
        "email_allowed_domains": allowed_domains(body),
        "allowed_oauth_tenants": allowed_oauth_tenants(body),
        "rbac_email_implicit_role_assignments": implicit_role_assignments(body),
    }
    for key, (allowed, default, error_type) in ORG_ENUMS.items():
        fields[key] = one_of(body, key, allowed, error_type) or default
    for key in PLAIN_STRING_LISTS:
        fields[key] = str_list(body, key)
    fields["allowed_auth_methods"] = restricted_list(
        body, "allowed_auth_methods", AUTH_METHODS, fields["auth_methods"], "auth"
    )
    fields["allowed_mfa_methods"] = restricted_list(
        body, "allowed_mfa_methods", MFA_METHODS, fields["mfa_methods"], "mfa"
    )
    return fields


def trusted_metadata(body: Json) -> Json:
    metadata = optional_object(body, "trusted_metadata", "metadata_invalid_format") or {}
    if len(metadata) > MAX_METADATA_KEYS:
        raise ApiError(400, "metadata_too_many_keys")
    if json_size(metadata) > MAX_METADATA_BYTES:
        raise ApiError(400, "metadata_too_large")
    return metadata


def allowed_domains(body: Json) -> list[str]:
    domains = [domain.lower() for domain in str_list(body, "email_allowed_domains")]
    for domain in domains:
        if not DOMAIN_RE.fullmatch(domain):
            raise ApiError(400, "organization_settings_invalid_domain")
        if domain in COMMON_EMAIL_DOMAINS:
            raise ApiError(400, "organization_settings_domain_too_common")
    if len(set(domains)) != len(domains):
        raise ApiError(400, "organization_settings_duplicate_domain")
    return domains


def restricted_list(body: Json, key: str, allowed: tuple[str, ...], setting: str, kind: str) -> list[str]:
    """allowed_auth_methods / allowed_mfa_methods: known items, required when RESTRICTED."""
    error_type = f"invalid_organization_allowed_{kind}_methods"
    items = str_list(body, key, error_type)
    if any(item not in allowed for item in items):
        raise ApiError(400, error_type)
    if setting == "RESTRICTED" and not items:
        raise ApiError(400, f"allowed_{kind}_methods_required_for_restricted")
    return items


def allowed_oauth_tenants(body: Json, key: str = "allowed_oauth_tenants") -> dict[str, list[str]]:
    """A map of provider (slack, hubspot, github) to tenant ids."""
    error_type = "invalid_oauth_allowed_tenants_format"
    tenants = optional_object(body, key, error_type) or {}
    if any(provider not in OAUTH_TENANT_PROVIDERS for provider in tenants):
        raise ApiError(400, error_type)
    return {provider: str_list(tenants, provider, error_type) for provider in tenants}


def implicit_role_assignments(body: Json) -> list[dict[str, str]]:
    items = body.get("rbac_email_implicit_role_assignments")
    if items is None:
        return []
    message = "rbac_email_implicit_role_assignments items need a string domain and role_id."
    if not isinstance(items, list):
        raise invalid_argument(message)
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise invalid_argument(message)
        domain, role_id = item.get("domain"), item.get("role_id")
        if not isinstance(domain, str) or not domain or not isinstance(role_id, str) or not role_id:
            raise invalid_argument(message)
        result.append({"domain": domain.lower(), "role_id": role_id})
    return result
