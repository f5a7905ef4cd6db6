"""The fake's signing keys: a key ring with rotation, its JWKS, and RS256 session JWTs.

Keys come from ``cryptography`` (a 2048-bit RSA key takes well under a second) and JWTs are
signed and verified with PyJWT. Every :class:`FakeStytch` has its own ring: it starts with one
key; :meth:`KeyRing.rotate` makes a new key the signing key and keeps the older ones in the
JWKS until :meth:`KeyRing.retire` drops them, as Stytch keeps serving the old key for a month
after a rotation (sessions contract section A.5). :meth:`KeyRing.reset` goes back to the
initial key alone, so a JWKS cache in the code under test stays valid from one test to the next.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .errors import ApiError, invalid_argument

if TYPE_CHECKING:
    from jwt.types import Options  # a TypedDict of newer PyJWT releases

Json = dict[str, Any]

ALGORITHM = "RS256"
KEY_BITS = 2048
PUBLIC_EXPONENT = 65537
# Verification of a JWT the fake signed: the signature only. Expiry is the caller's business
# (sessions/authenticate accepts an expired JWT of a live session), and the fake's own
# aud/iss cannot differ from what it signed.
SIGNATURE_ONLY: Options = {
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def self_signed_certificate(kid: str, private_key: rsa.RSAPrivateKey) -> bytes:
    """A DER certificate for the key, so the JWK can carry ``x5c`` and ``x5tS256`` as Stytch's do."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kid)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=400))
        .sign(private_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    jwk: Json  # the public key in the shape of the SDK's JWK model, every field present

    @classmethod
    def generate(cls) -> SigningKey:
        kid = f"jwk-test-{uuid.uuid4()}"
        private_key = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)
        numbers = private_key.public_key().public_numbers()
        certificate = self_signed_certificate(kid, private_key)
        jwk = {
            "kty": "RSA",
            "use": "sig",
            "key_ops": ["verify"],
            "alg": ALGORITHM,
            "kid": kid,
            "x5c": [base64.b64encode(certificate).decode("ascii")],
            "x5tS256": b64url(hashlib.sha256(certificate).digest()),
            "n": b64url_uint(numbers.n),
            "e": b64url_uint(numbers.e),
        }
        return cls(kid, private_key, jwk)


class KeyRing:
    """The published keys, oldest first; the newest one signs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._initial = SigningKey.generate()
        self._keys = [self._initial]

    @property
    def current(self) -> SigningKey:
        with self._lock:
            return self._keys[-1]

    def published(self) -> list[SigningKey]:
        """Newest first, the order a client meeting the new kid tries first."""
        with self._lock:
            return self._keys[::-1]

    def rotate(self) -> SigningKey:
        key = SigningKey.generate()  # outside the lock: the one slow step
        with self._lock:
            self._keys.append(key)
        return key

    def retire(self, kid: str) -> None:
        with self._lock:
            if kid == self._keys[-1].kid:
                raise invalid_argument("The current signing key cannot be retired: rotate first.")
            kept = [key for key in self._keys if key.kid != kid]
            if len(kept) == len(self._keys):
                raise ApiError(404, "signing_key_not_found")
            self._keys = kept

    def reset(self) -> None:
        with self._lock:
            self._keys = [self._initial]

    def sign(self, claims: Json) -> str:
        key = self.current
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})

    def verify(self, token: str) -> Json | None:
        """The claims of a JWT one of the published keys signed, else None (expired is fine)."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return None
        key = next((key for key in self.published() if key.kid == kid), None)
        if key is None:
            return None
        try:
            claims: Json = jwt.decode(
                token, key.private_key.public_key(), algorithms=[ALGORITHM], options=SIGNATURE_ONLY
            )
        except jwt.PyJWTError:
            return None
        return claims
