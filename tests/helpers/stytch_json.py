"""Stytch wire bodies for unit tests, shaped like shared/docs/stytch-contract.md section 4.

Only the fields this package reads are filled in, plus one unknown field per object to prove
that ``raw`` keeps what the code does not know. The token constants are distinctive strings so
a leak test can search for them anywhere.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

PROJECT_ID = "project-test-11111111-2222-4333-8444-555555555555"
SECRET = "secret-test-DO-NOT-LEAK-7f3a9c"
BASE_URL = "https://stytch.invalid"
REQUEST_ID = "request-id-test-0d6f1c2e"
ORGANIZATION_ID = "organization-test-07971b06"
MEMBER_ID = "member-test-32fc5024"
EMAIL = "ada@acme.example"

IST = "ist-DO-NOT-LEAK-SeiGwdj5lKkrEVgc"
SESSION_TOKEN = "session-token-DO-NOT-LEAK-mZAYn5aL"
SESSION_JWT = "eyJ-session-jwt-DO-NOT-LEAK.payload.signature"
MAGIC_LINK_TOKEN = "magic-link-DO-NOT-LEAK-DOYoip3rvIMMW5lgItikFK"
TOKENS = (IST, SESSION_TOKEN, SESSION_JWT, MAGIC_LINK_TOKEN)


def organization(**overrides: Any) -> Json:
    return {
        "organization_id": ORGANIZATION_ID,
        "organization_name": "Acme Co",
        "organization_slug": "acme-co",
        "organization_logo_url": "",
        "mfa_policy": "OPTIONAL",
        "future_organization_field": "kept",
        **overrides,
    }


def member(**overrides: Any) -> Json:
    return {
        "organization_id": ORGANIZATION_ID,
        "member_id": MEMBER_ID,
        "email_address": EMAIL,
        "status": "active",
        "name": "Ada",
        "is_admin": True,
        "future_member_field": "kept",
        **overrides,
    }


def discovered(membership_type: str = "active_member", **overrides: Any) -> Json:
    return {
        "member_authenticated": membership_type == "active_member",
        "organization": organization(),
        "membership": {
            "type": membership_type,
            "details": None,
            "member": member() if membership_type == "active_member" else None,
        },
        "primary_required": None,
        "mfa_required": None,
        **overrides,
    }


def ok(**fields: Any) -> Json:
    """A success body: every Stytch answer carries status_code and request_id (overridable)."""
    return {"status_code": 200, "request_id": REQUEST_ID, **fields}


def list_body(**overrides: Any) -> Json:
    return ok(
        **{
            "email_address": EMAIL,
            "organization_id_hint": None,
            "discovered_organizations": [discovered(), discovered("eligible_to_join_by_email_domain")],
            **overrides,
        }
    )


def member_session() -> Json:
    return {
        "member_session_id": "member-session-test-e4a4a3b7",
        "member_id": MEMBER_ID,
        "organization_id": ORGANIZATION_ID,
        "organization_slug": "acme-co",
        "started_at": "2025-06-01T12:00:00Z",
        "last_accessed_at": "2025-06-01T12:00:00Z",
        "expires_at": "2025-06-01T13:00:00Z",
        "roles": ["stytch_member", "stytch_admin"],
        "custom_claims": {},
    }


def authentication_body(*, authenticated: bool = True, **overrides: Any) -> Json:
    """Create and exchange answer: a session, or an IST plus what is still required."""
    return ok(
        **{
            "member_id": MEMBER_ID,
            "member_authenticated": authenticated,
            "session_token": SESSION_TOKEN if authenticated else "",
            "session_jwt": SESSION_JWT if authenticated else "",
            "intermediate_session_token": "" if authenticated else IST,
            "intermediate_session_token_expires_at": None if authenticated else "2025-06-01T12:10:00Z",
            "member": member(),
            "organization": organization(mfa_policy="OPTIONAL" if authenticated else "REQUIRED_FOR_ALL"),
            "member_session": member_session() if authenticated else None,
            "mfa_required": None
            if authenticated
            else {"member_options": None, "secondary_auth_initiated": None},
            "primary_required": None,
            "member_device": None,
            **overrides,
        }
    )


def magic_link_body(**overrides: Any) -> Json:
    return ok(
        **{
            "intermediate_session_token": IST,
            "intermediate_session_token_expires_at": "2025-06-01T12:10:00Z",
            "email_address": EMAIL,
            "discovered_organizations": [discovered()],
            **overrides,
        }
    )


def error_body(status: int, error_type: str, message: str = "Something is wrong.") -> Json:
    return {
        "status_code": status,
        "request_id": REQUEST_ID,
        "error_type": error_type,
        "error_message": message,
        "error_url": f"https://stytch.com/docs/b2b/api/errors/{status}#{error_type}",
    }
