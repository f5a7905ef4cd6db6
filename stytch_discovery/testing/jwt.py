"""RS256 JSON Web Tokens in pure Python (the fake may not depend on ``cryptography``).

One 2048-bit RSA key is generated per process, lazily on first use, and shared by every
:class:`FakeStytch`: key generation costs about a second in pure Python, so paying it once
keeps fixtures fast. ``reset()`` therefore keeps the key (JWKS caches stay valid).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import Any

PUBLIC_EXPONENT = 65537
KEY_BITS = 2048
# ASN.1 DigestInfo prefix for SHA-256 (RFC 8017, section 9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
SMALL_PRIMES = tuple(p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p**0.5) + 1, 2)))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def int_to_bytes(value: int, length: int | None = None) -> bytes:
    return value.to_bytes(length or (value.bit_length() + 7) // 8, "big")


def is_probable_prime(candidate: int, rounds: int = 16) -> bool:
    if any(candidate % p == 0 for p in SMALL_PRIMES):
        return candidate in SMALL_PRIMES
    d, r = candidate - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(candidate - 3) + 2, d, candidate)
        if x in (1, candidate - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, candidate)
            if x == candidate - 1:
                break
        else:
            return False
    return True


def random_prime(bits: int) -> int:
    while True:
        # Top two bits set so that p*q has exactly 2*bits bits; odd; p-1 coprime with e.
        candidate = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        if (candidate - 1) % PUBLIC_EXPONENT and is_probable_prime(candidate):
            return candidate


@dataclass(frozen=True)
class RsaKey:
    kid: str
    n: int
    d: int
    p: int
    q: int

    @classmethod
    def generate(cls) -> RsaKey:
        while True:
            p, q = random_prime(KEY_BITS // 2), random_prime(KEY_BITS // 2)
            if p != q:
                break
        d = pow(PUBLIC_EXPONENT, -1, (p - 1) * (q - 1))
        return cls(kid=f"jwk-test-{uuid.uuid4()}", n=p * q, d=d, p=p, q=q)

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8

    def encoded_digest(self, message: bytes) -> int:
        """EMSA-PKCS1-v1_5 encoding of SHA-256(message), as an integer."""
        digest_info = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
        padding = b"\xff" * (self.size - len(digest_info) - 3)
        return int.from_bytes(b"\x00\x01" + padding + b"\x00" + digest_info, "big")

    def sign(self, message: bytes) -> bytes:
        m = self.encoded_digest(message)
        # Chinese remainder theorem: about three times faster than pow(m, d, n).
        s_p = pow(m, self.d % (self.p - 1), self.p)
        s_q = pow(m, self.d % (self.q - 1), self.q)
        h = (pow(self.q, -1, self.p) * (s_p - s_q)) % self.p
        return int_to_bytes(s_q + h * self.q, self.size)

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != self.size:
            return False
        recovered = pow(int.from_bytes(signature, "big"), PUBLIC_EXPONENT, self.n)
        return recovered == self.encoded_digest(message)

    def jwk(self) -> dict[str, Any]:
        """The public key in the JWK shape of the SDK's ``JWK`` model (every field present)."""
        return {
            "kty": "RSA",
            "use": "sig",
            "key_ops": ["verify"],
            "alg": "RS256",
            "kid": self.kid,
            "x5c": [],
            "x5tS256": "",
            "n": b64url(int_to_bytes(self.n)),
            "e": b64url(int_to_bytes(PUBLIC_EXPONENT)),
        }


_keys: list[RsaKey] = []  # holds at most the one process-wide key
_key_lock = threading.Lock()


def signing_key() -> RsaKey:
    # Under the lock, so that two threads never sign with two different keys.
    with _key_lock:
        if not _keys:
            _keys.append(RsaKey.generate())
        return _keys[0]


def encode(claims: dict[str, Any], key: RsaKey) -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": key.kid}
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    return f"{signing_input}.{b64url(key.sign(signing_input.encode()))}"


def decode(token: str, key: RsaKey) -> dict[str, Any] | None:
    """The claims of a token this key signed, or None. Expiry is the caller's business."""
    try:
        header_part, claims_part, signature_part = token.split(".")
        header = json.loads(b64url_decode(header_part))
        signature = b64url_decode(signature_part)
        claims = json.loads(b64url_decode(claims_part))
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        return None
    if not key.verify(f"{header_part}.{claims_part}".encode(), signature):
        return None
    return claims if isinstance(claims, dict) else None
