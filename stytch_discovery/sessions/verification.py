"""Verify a Stytch session JWT here, with PyJWT and the project's keys (sessions contract A.3).

What the official SDK does, without its traps: a malformed token or an unknown key id is an
invalid session (not an exception that skips the fallback), the clock may be ``SESSION_JWT_LEEWAY``
seconds off, and only an expired (or older than ``SESSION_JWT_MAX_AGE``) but well-signed JWT is
worth asking Stytch about. A verified JWT is remembered until it expires, by the SHA-256 of the
whole token, in a bounded table of this process: it was verified once, and asking again before
its ``exp`` could not give another answer, since a JWT is verified by its signature and claims
alone (revoking a session does not invalidate its JWTs, at Stytch either; they live 5 minutes).
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import jwt
from jwt.utils import base64url_decode

from stytch_discovery.client import StytchClient
from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryInvalidSession
from stytch_discovery.sessions.jwks import Scope, scope_of, signing_keys
from stytch_discovery.sessions.jwt_decoder import decoder
from stytch_discovery.sessions.types import MemberSession

SESSION_CLAIM = "https://stytch.com/session"
ORGANIZATION_CLAIM = "https://stytch.com/organization"
#: Claims that are not custom claims (the SDK's list).
REGISTERED_CLAIMS = frozenset(
    {"aud", "exp", "iat", "iss", "jti", "nbf", "sub", SESSION_CLAIM, ORGANIZATION_CLAIM}
)
REQUIRED_CLAIMS = ("aud", "iss", "exp", "iat", "nbf", "sub")


class StaleSessionJwt(Exception):
    """Well signed, but expired or older than ``SESSION_JWT_MAX_AGE``: only Stytch can tell more."""


class NoSigningKeys(Exception):
    """No key set could be had (Stytch's JWKS never answered): only Stytch can verify."""


def verify_session_jwt(token: str, *, stytch: StytchClient | None = None) -> MemberSession:
    """The session behind ``token``, verified here; see the module doc for what raises what.

    ``stytch`` defaults to the settings' project, whose client is built only to fetch its keys.
    """
    scope = scope_of(stytch)
    entry = verified_jwts.entry(scope, token)
    remembered = verified_jwts.get(entry)
    if remembered is not None:
        return remembered
    claims = _decode(token, scope, stytch, max_age=app_settings.SESSION_JWT_MAX_AGE)
    session = member_session_from_claims(claims)
    verified_jwts.put(entry, session, expires=trusted_until(claims))
    return session


def trusted_until(claims: Mapping[str, Any]) -> float:
    """When a JWT with these (numeric) claims stops being trusted here: its ``exp``, or its ``iat``
    plus ``SESSION_JWT_MAX_AGE`` when that is sooner; after that only Stytch can tell."""
    expires = float(claims["exp"])
    max_age = app_settings.SESSION_JWT_MAX_AGE
    return expires if max_age is None else min(expires, float(claims["iat"]) + max_age)


def _key_id(token: str) -> str:
    """The ``kid`` of an RS256 JWT, from its header alone.

    Not ``jwt.get_unverified_header``: that decodes and checks every segment, and ``jwt.decode``
    then does it all again, which doubled the cost of verifying. ``jwt.decode`` still checks the
    whole token strictly; this only picks the key.
    """
    return _key_id_of_header(token.partition(".")[0])


@functools.lru_cache(maxsize=64)
def _key_id_of_header(segment: str) -> str:
    # Cached (failures are not): every JWT signed with one key carries the same header.
    try:
        header = json.loads(base64url_decode(segment))
    except (ValueError, binascii.Error) as error:
        raise StytchDiscoveryInvalidSession("The session JWT is malformed.") from error
    kid = header.get("kid") if isinstance(header, dict) else None
    if not isinstance(kid, str) or header.get("alg") != "RS256":
        raise StytchDiscoveryInvalidSession("The session JWT is not signed with RS256 by a named key.")
    return kid


def _decode(
    token: str, scope: Scope, stytch: StytchClient | None, *, max_age: float | None
) -> dict[str, Any]:
    key = signing_keys.key(_key_id(token), scope=scope, stytch=stytch)
    if key is None:
        if not signing_keys.known(scope):
            raise NoSigningKeys
        raise StytchDiscoveryInvalidSession("The session JWT is signed by a key this project does not have.")
    base_url, project_id = scope
    try:
        claims: dict[str, Any] = decoder(require=REQUIRED_CLAIMS).decode(
            token,
            key,
            algorithms=["RS256"],
            audience=project_id,
            issuer=(f"stytch.com/{project_id}", base_url.rstrip("/")),
            leeway=app_settings.SESSION_JWT_LEEWAY,
        )
    except jwt.ExpiredSignatureError as error:
        raise StaleSessionJwt from error
    except jwt.PyJWTError as error:
        raise StytchDiscoveryInvalidSession(
            f"The session JWT is not valid ({type(error).__name__})."
        ) from error
    if max_age is not None and time.time() - float(claims["iat"]) > max_age:
        raise StaleSessionJwt
    return claims


def _timestamp(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def member_session_from_claims(claims: dict[str, Any]) -> MemberSession:
    """The ``MemberSession`` a verified JWT describes (Stytch's member_session shape, in ``raw``)."""
    session, organization = claims.get(SESSION_CLAIM), claims.get(ORGANIZATION_CLAIM)
    if not isinstance(session, dict) or not isinstance(organization, dict):
        raise StytchDiscoveryInvalidSession("The session JWT lacks Stytch's session or organization claim.")
    roles, factors = session.get("roles", []), session.get("authentication_factors")
    valid = (
        isinstance(session.get("id"), str)
        and isinstance(organization.get("organization_id"), str)
        and isinstance(claims["sub"], str)
        and isinstance(roles, list)
        and all(isinstance(role, str) for role in roles)
        and isinstance(factors, list)
    )
    if not valid:
        raise StytchDiscoveryInvalidSession("The session JWT's Stytch claims are malformed.")
    expires_at = _timestamp(session.get("expires_at")) or _iso(float(claims["exp"]))
    raw = {
        "member_session_id": session["id"],
        "member_id": claims["sub"],
        "organization_id": organization["organization_id"],
        "organization_slug": organization.get("slug") if isinstance(organization.get("slug"), str) else "",
        "started_at": _timestamp(session.get("started_at")),
        "last_accessed_at": _timestamp(session.get("last_accessed_at")),
        "expires_at": expires_at,
        "authentication_factors": factors,
        "roles": roles,
        "custom_claims": {key: value for key, value in claims.items() if key not in REGISTERED_CLAIMS},
    }
    return MemberSession.from_json(raw)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class VerifiedJwts:
    """Sessions of JWTs this process verified, until each JWT's ``exp``; the oldest go first when full."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[bytes, tuple[MemberSession, float]] = OrderedDict()

    @staticmethod
    def entry(scope: Scope, token: str) -> bytes:
        """The table's key for ``token`` of the project of ``scope`` (a digest: no token kept)."""
        base_url, project_id = scope
        return hashlib.sha256(f"{base_url}\0{project_id}\0{token}".encode()).digest()

    def get(self, key: bytes) -> MemberSession | None:
        found = self._entries.get(key)
        if found is None:
            return None
        session, expires = found
        if expires + app_settings.SESSION_JWT_LEEWAY <= time.time():
            with self._lock:
                self._entries.pop(key, None)
            return None
        return session

    def put(self, key: bytes, session: MemberSession, *, expires: float) -> None:
        size = app_settings.VERIFIED_JWT_CACHE_SIZE
        if size <= 0:
            return
        with self._lock:
            self._entries[key] = (session, expires)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


#: The process's verified JWTs.
verified_jwts = VerifiedJwts()
