"""Stytch's documented request rules (stytch-contract.md section 3), for the serializers.

Refusing here what Stytch would refuse means a bad request never costs a Stytch call. The fake
Stytch keeps its own copy on purpose (it is an independent oracle); a test keeps the two equal.
"""

from __future__ import annotations

import re

SLUG_MESSAGE = "Use 2 to 128 letters, digits or the characters - . _ ~, with at least one letter or digit."
SLUG_RE = re.compile(r"^(?=.*[A-Za-z0-9])[A-Za-z0-9._~-]{2,128}\Z")
EXTERNAL_ID_RE = re.compile(r"^[A-Za-z0-9._|-]{1,128}\Z")
#: Exchange takes an organization id, slug or external id: the union of their alphabets.
ORGANIZATION_REFERENCE_RE = re.compile(r"^[A-Za-z0-9._~|-]{1,128}\Z")
#: What Stytch takes as an email (Django's validator also takes quoted local parts with blanks or
#: an ``@``, and IP literals such as ``[::1]``): no blank, one ``@``, a dotted domain.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+\Z")
DOMAIN_RE = re.compile(r"^(?=.{1,253}\Z)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}\Z")
ROLE_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}\Z")

MAX_CUSTOM_CLAIMS_BYTES = 4096
RESERVED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
STYTCH_CLAIM_PREFIX = "https://stytch.com/"
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 5, 527040
MAX_LIST_ITEMS = 100

SEND_LOCALES = ("en", "es", "pt-br", "fr")
EXCHANGE_LOCALES = (
    *SEND_LOCALES,
    *("it", "de-DE", "zh-Hans", "ca-ES", "ja", "ru", "nl", "pl", "tr", "fa", "vi", "cs"),
)
AUTH_METHODS = (
    *("sso", "magic_link", "email_otp", "password", "google_oauth", "microsoft_oauth"),
    *("slack_oauth", "github_oauth", "hubspot_oauth"),
)
MFA_METHODS = ("sms_otp", "totp")
OAUTH_TENANT_PROVIDERS = ("slack", "hubspot", "github")
ALL_RESTRICTED_NOT = ("ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED")
RESTRICTED_NOT = ("RESTRICTED", "NOT_ALLOWED")
ALL_RESTRICTED = ("ALL_ALLOWED", "RESTRICTED")
MFA_POLICIES = ("REQUIRED_FOR_ALL", "OPTIONAL")

# MFA and primary authentication (sessions contract §B): Stytch's codes are 6 digits (SMS, email,
# TOTP), phone numbers E.164, recovery codes as in Stytch's documented example (``ckss-2skx-ebow``).
E164_RE = re.compile(r"^\+[1-9][0-9]{1,14}\Z")
E164_MESSAGE = "Give the phone number in E.164: a + then the country code and number, e.g. +14155550123."
CODE_RE = re.compile(r"^[0-9]{6}\Z")
CODE_MESSAGE = "Enter the 6-digit code."
RECOVERY_CODE_RE = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}\Z")
RECOVERY_CODE_MESSAGE = "Enter a recovery code like abcd-1234-efgh."
MFA_ENROLLMENT = ("enroll", "unenroll")
#: TOTP create: how long a new registration may wait for its first code. The IST it is created
#: with lives 10 minutes, so a longer wait could only block the next sign-in (pending_totp_exists).
TOTP_ENROLMENT_MINUTES = 10
