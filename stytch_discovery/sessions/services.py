"""Member sessions at Stytch: verify one (here when its JWT allows, else with Stytch), switch
organization with it, end it; and what happens after any call that starts a session.

Verifying prefers the JWT: a fresh one is checked here with the project's keys and costs no
Stytch call. An expired one (or one older than ``SESSION_JWT_MAX_AGE``) is checked with
``sessions/authenticate``, with the session token when there is one, and the answer (a fresh
JWT) is shared with the other processes through Django's cache until that fresh JWT expires:
the requests still carrying the old JWT then need no Stytch call either. The cache holds only
what rebuilding the answer needs (``SessionAuthentication.shared_copy``: no token, no phone
number), under the SHA-256 of the credential. With Django's cache down, each such request asks
Stytch (``internal.shared.SharedCache``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import jwt
from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryError,
    StytchDiscoveryIdentityMismatch,
    StytchDiscoveryInvalidSession,
)
from stytch_discovery.internal.calls import call, payload
from stytch_discovery.internal.shared import SharedCache, produce_once
from stytch_discovery.org_cache import store
from stytch_discovery.sessions import members, policy
from stytch_discovery.sessions.jwks import scope_of
from stytch_discovery.sessions.types import MemberAuthentication, SessionAuthentication
from stytch_discovery.sessions.verification import (
    NoSigningKeys,
    StaleSessionJwt,
    trusted_until,
    verified_jwts,
    verify_session_jwt,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

AUTHENTICATE_SESSION = "/v1/b2b/sessions/authenticate"
EXCHANGE_SESSION = "/v1/b2b/sessions/exchange"
REVOKE_SESSION = "/v1/b2b/sessions/revoke"

logger = logging.getLogger("stytch_discovery.sessions")

#: How long "Stytch says this session does not exist" is remembered for a credential.
DEAD_SESSION_SECONDS = 300
_DEAD = "dead"

__all__ = [
    "authenticate_session",
    "exchange_session",
    "revoke_session",
    "session_payload",
    "session_started",
    "start_session",
]


@sensitive_variables("session_token", "session_jwt", "body")
def authenticate_session(
    *,
    session_jwt: str | None = None,
    session_token: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    authorization_check: Mapping[str, str] | None = None,
    verify_locally: bool = True,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> SessionAuthentication:
    """The live session behind a session JWT and/or its session token.

    With a JWT (and nothing that only Stytch can do: extending the session, claims, an
    authorization check), it is verified here; expired or too old, or with a token only, Stytch
    is asked. Raises ``StytchDiscoveryInvalidSession`` for a forged, malformed or dead session.
    """
    if session_jwt is None and session_token is None:
        raise ValueError("Give a session_jwt, a session_token, or both.")
    asks_stytch = session_duration_minutes or session_custom_claims or authorization_check or extra
    if session_jwt is not None and verify_locally and not asks_stytch:
        try:
            session = verify_session_jwt(session_jwt, stytch=stytch)
        except (StaleSessionJwt, NoSigningKeys):
            pass  # only Stytch can say whether the session lives on
        else:
            return SessionAuthentication.from_session(
                session, session_jwt=session_jwt, session_token=session_token or ""
            )
    # Stytch refuses both at once; the token is the session itself, the JWT only its proof.
    credential = (
        {"session_token": session_token} if session_token is not None else {"session_jwt": session_jwt}
    )
    body = payload(
        {
            **credential,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "authorization_check": authorization_check,
        },
        extra,
    )
    client = stytch or StytchClient.from_settings()
    if asks_stytch:
        return _ask_stytch(body, client)
    return _ask_stytch_once(body, client)


def _shared_key(client: StytchClient, body: Mapping[str, Any]) -> str:
    ((kind, token),) = body.items()
    digest = hashlib.sha256(f"{client.base_url}\0{client.project_id}\0{kind}\0{token}".encode()).hexdigest()
    return f"stytch_discovery:session:{digest}"


@sensitive_variables("body")
def _ask_stytch_once(body: Mapping[str, Any], client: StytchClient) -> SessionAuthentication:
    """``_ask_stytch``, once for all the processes and requests holding the same credential."""
    key = _shared_key(client, body)
    cache = SharedCache("this process asks Stytch about the session itself")
    shared = cache.get(key)
    if shared is None:
        shared = produce_once(key, lambda: _ask_and_share(key, body, client, cache), cache)
    if shared == _DEAD:
        raise StytchDiscoveryInvalidSession("Stytch says this session does not exist.")
    if isinstance(shared, SessionAuthentication):
        return shared  # this process asked: the answer with its fresh tokens
    if shared is None:
        return _ask_stytch(body, client)
    return SessionAuthentication.from_json(shared)  # another process asked: no tokens to store


@sensitive_variables("body", "result")
def _ask_and_share(
    key: str, body: Mapping[str, Any], client: StytchClient, cache: SharedCache
) -> SessionAuthentication | str:
    try:
        result = _ask_stytch(body, client)
    except StytchDiscoveryInvalidSession:
        cache.set(key, _DEAD, DEAD_SESSION_SECONDS)
        return _DEAD
    expires = _trusted_until(result.session_jwt)
    lifetime = max(1, int(expires - time.time())) if expires else 1
    cache.set(key, result.shared_copy(), lifetime)
    if expires:
        entry = verified_jwts.entry(scope_of(client), result.session_jwt)
        verified_jwts.put(entry, result.member_session, expires=expires)
    return result


@sensitive_variables("body")
def _ask_stytch(body: Mapping[str, Any], client: StytchClient) -> SessionAuthentication:
    try:
        return call(AUTHENTICATE_SESSION, body, SessionAuthentication.from_json, stytch=client)
    except StytchDiscoveryAPIError as error:
        if error.error_type == "session_not_found":
            raise StytchDiscoveryInvalidSession("Stytch says this session does not exist.") from error
        raise


@sensitive_variables("token")
def _trusted_until(token: str) -> float | None:
    """``verification.trusted_until`` of a JWT Stytch just minted (read, not verified: it came from
    Stytch over TLS); None when it lacks a numeric ``exp`` or ``iat``."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    if not all(isinstance(claims.get(name), (int, float)) for name in ("exp", "iat")):
        return None
    return trusted_until(claims)


@sensitive_variables("session_token", "session_jwt", "body")
def exchange_session(
    *,
    organization_id: str,
    session_token: str | None = None,
    session_jwt: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    locale: str | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """Switch a signed-in member to ``organization_id`` (an id, slug or external id).

    Like the discovery exchange, the answer is a session, or (when the organization needs MFA or
    another primary method) ``member_authenticated`` False with an IST for that step.
    """
    _exactly_one(session_token, session_jwt)
    return start_session(
        EXCHANGE_SESSION,
        {
            "organization_id": organization_id,
            "session_token": session_token,
            "session_jwt": session_jwt,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "locale": locale,
            "telemetry_id": telemetry_id,
        },
        extra,
        stytch=stytch,
    )


def session_started(
    result: MemberAuthentication, *, created: bool, user: AbstractBaseUser | None = None
) -> None:
    """After any call that may start a session: link the member to their user, refresh the cache.

    The member is linked only once they are authenticated (a pending MFA step has not proven
    who they are yet); the cache rows then link to that user.
    """
    linked = (
        members.link_member(member=result.member, organization=result.organization)
        if (result.member_authenticated)
        else None
    )
    store.record_membership(result=result, user=linked or user, created=created)


@sensitive_variables("fields", "body")
def start_session(
    path: str,
    fields: Mapping[str, Any],
    extra: Mapping[str, Any] | None,
    *,
    parse: Callable[[Mapping[str, Any]], MemberAuthentication] = MemberAuthentication.from_json,
    created: bool = False,
    user: AbstractBaseUser | None = None,
    member_id: str | None = None,
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """One call whose answer may start a member session (an authenticate, an exchange, a create).

    ``fields`` become the body as :func:`session_payload` builds it; the answer, parsed, then
    goes to :func:`session_started`. With ``member_id``, an answer for another member is refused
    first (:func:`refuse_other_member`), so nothing of theirs is linked to ``user`` or cached.
    """
    result = call(path, session_payload(fields, extra), parse, stytch=stytch)
    if member_id is not None and result.member_id != member_id:
        refuse_other_member(result, stytch=stytch)
    session_started(result, created=created, user=user)
    return result


@sensitive_variables("result")
def refuse_other_member(result: MemberAuthentication, *, stytch: StytchClient | None = None) -> None:
    """Raise ``StytchDiscoveryIdentityMismatch`` for an answer about a member the call was not
    for, after revoking the session Stytch started for them: nobody may use it.

    A token a link, SSO or OAuth carries names whoever it was issued to, and anyone can make a
    browser open one. Best effort: the answer is refused whatever Stytch says to the revoke, so a
    failed revoke is logged (its error type only), not raised.
    """
    if result.session_token:
        try:
            revoke_session(session_token=result.session_token, stytch=stytch)
        except StytchDiscoveryError as error:
            logger.warning(
                "stytch_discovery identity_mismatch: the other member's session was not revoked (%s)",
                type(error).__name__,
            )
    raise StytchDiscoveryIdentityMismatch("Stytch answered for another member than the one asked about.")


@sensitive_variables("fields")
def session_payload(fields: Mapping[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """:func:`payload` of a call that starts a session: a duration not given is the server's
    (``SESSION_DURATION_MINUTES``, ``sessions.policy``)."""
    return payload({**fields, policy.DURATION: policy.duration(fields.get(policy.DURATION))}, extra)


def _exactly_one(session_token: str | None, session_jwt: str | None) -> None:
    if (session_token is None) == (session_jwt is None):
        raise ValueError("Give exactly one of session_token, session_jwt.")


@sensitive_variables("session_token", "session_jwt", "body")
def revoke_session(
    *,
    session_token: str | None = None,
    session_jwt: str | None = None,
    stytch: StytchClient | None = None,
) -> None:
    """End the member session behind exactly one of a session token or a session JWT."""
    _exactly_one(session_token, session_jwt)
    body = payload({"session_token": session_token, "session_jwt": session_jwt})
    call(REVOKE_SESSION, body, lambda data: None, stytch=stytch)
