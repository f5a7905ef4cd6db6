"""Authenticator apps as Stytch runs them: RFC 6238 codes, recovery codes, and the QR code image.

TOTP here is RFC 6238 with RFC 4226's HOTP: HMAC-SHA1 over the 30-second step count, dynamic
truncation, 6 digits; a code of the previous, current or next step is accepted (Stytch's docs:
"codes from the previous and next 30-second windows"). Secrets are 32 base32 characters (20
random bytes), recovery codes ten ``xxxx-xxxx-xxxx`` strings of lower-case letters and digits,
as in Stytch's documented example answer.

The QR code: Stytch answers ``qr_code`` as a ``data:image/png;base64, ...`` URI. The fake has no QR
encoder of its own (that would be a dependency of the package for one picture), so by default it
answers a small valid PNG that is *not* a scannable code; ``FakeStytch(qr_code=...)`` takes a
function from the ``otpauth://`` URI to such a data URI (the example project passes one built on
``segno``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import struct
import zlib
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
#: Steps accepted either side of the current one.
WINDOW = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = string.ascii_lowercase + string.digits

QrRenderer = Callable[[str], str]


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def new_recovery_codes() -> list[str]:
    def part() -> str:
        return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4))

    return [f"{part()}-{part()}-{part()}" for _ in range(RECOVERY_CODE_COUNT)]


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def hotp(secret: str, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226: HMAC-SHA1 of the big-endian counter, dynamic truncation, ``digits`` digits."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def code_at(secret: str, moment: datetime) -> str:
    """The code an authenticator app shows at ``moment`` (RFC 6238, T0 = 0, X = 30 s)."""
    return hotp(secret, step_of(moment))


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """The step within the window whose code is ``code``, or None."""
    current = step_of(moment)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def otpauth_uri(*, secret: str, issuer: str, account: str) -> str:
    """The Key Uri Format authenticator apps read from a QR code."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": 30}
    )
    return f"otpauth://totp/{label}?{query}"


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    """A greyscale PNG (8 bits a pixel) from its rows, with the standard library only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def placeholder_qr_code(uri: str) -> str:
    """A PNG data URI, as Stytch answers ``qr_code``: a pattern drawn from the URI's hash, not a QR code."""
    modules, scale = 21, 6
    bits = int.from_bytes(hashlib.sha256(uri.encode()).digest() * 2, "big")
    rows = []
    for y in range(modules * scale):
        row = bytearray()
        for x in range(modules * scale):
            bit = (bits >> ((y // scale) * modules + x // scale) % 512) & 1
            row.append(0 if bit else 255)
        rows.append(bytes(row))
    png = _png(modules * scale, modules * scale, rows)
    return "data:image/png;base64, " + base64.b64encode(png).decode("ascii")
