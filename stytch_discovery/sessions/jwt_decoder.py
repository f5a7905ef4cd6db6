"""The PyJWT decoder that verifies session JWTs: PyJWT's own, with one slow check made fast.

PyJWT 2.15.1 rejects a segment holding a byte outside the base64url alphabet
(GHSA-hxm8-2xgr-2p9m) by testing each byte in a Python generator. A Stytch session JWT is about
1,750 characters, so the segment checks took about 60% of ``jwt.decode``'s time here (70 to 88 of
121 to 142 µs; the RSA signature check 21). ``_AlphabetCheckedOnce`` does the same checks, in the
same order, with one compiled pattern (13 µs). Parsing, the signature and every claim stay PyJWT's.

The override is used only with the PyJWT release audited here (``AUDITED_VERSION``), and only
when its ``PyJWS._decode_base64url_segment`` still has the audited source
(``AUDITED_SOURCE_SHA256``: not patched). Any other PyJWT gets its stock decoder, so a release
that changes that function (2.15.1 already did) or how ``PyJWT`` builds its ``PyJWS`` is never
shadowed; it is only slower.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import inspect
import re
from typing import TYPE_CHECKING

import jwt
from jwt.api_jws import PyJWS
from jwt.exceptions import DecodeError
from jwt.utils import base64url_decode, base64url_encode

if TYPE_CHECKING:
    from jwt.types import Options

#: The PyJWT release whose ``PyJWT.__init__``, ``PyJWS._load`` and segment check were read.
AUDITED_VERSION = "2.15.1"
#: SHA-256 of ``inspect.getsource(PyJWS._decode_base64url_segment)`` in that release.
AUDITED_SOURCE_SHA256 = "c00c1d4615f8809dd3f46a36f4fd4f8591cc0a9860afc2b7bc0182dc099159a4"

_ALPHABET_ONLY = re.compile(rb"[A-Za-z0-9_-]*")


class _AlphabetCheckedOnce(PyJWS):
    @staticmethod
    def _decode_base64url_segment(segment: bytes, name: str) -> bytes:
        # PyJWT 2.15.1's rules: at most two trailing '=' and then only on a whole quantum, no
        # length of 1 mod 4, only base64url bytes, and the canonical encoding (no stray bits).
        stripped = segment.rstrip(b"=")
        padding = len(segment) - len(stripped)
        if (
            padding > 2
            or (padding and len(segment) % 4 != 0)
            or len(stripped) % 4 == 1
            or _ALPHABET_ONLY.fullmatch(stripped) is None
        ):
            raise DecodeError(f"Invalid {name} padding")
        try:
            decoded = base64url_decode(stripped)
        except (TypeError, binascii.Error) as err:
            raise DecodeError(f"Invalid {name} padding") from err
        if base64url_encode(decoded) != stripped:
            raise DecodeError(f"Invalid {name} padding")
        return decoded


class _FastPyJWT(jwt.PyJWT):
    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._jws = _AlphabetCheckedOnce(options=self._get_sig_options())


def installed_pyjwt_is_audited() -> bool:
    """Whether the installed PyJWT is the audited release, its segment check as released."""
    if jwt.__version__ != AUDITED_VERSION:
        return False
    try:
        source = inspect.getsource(PyJWS._decode_base64url_segment)
    except (AttributeError, OSError, TypeError):
        return False
    return hashlib.sha256(source.encode()).hexdigest() == AUDITED_SOURCE_SHA256


@functools.cache
def decoder(*, require: tuple[str, ...]) -> jwt.PyJWT:
    """A PyJWT decoder whose tokens must carry the ``require`` claims (options set once, not per call)."""
    options: Options = {"require": list(require)}
    return _FastPyJWT(options) if installed_pyjwt_is_audited() else jwt.PyJWT(options)
