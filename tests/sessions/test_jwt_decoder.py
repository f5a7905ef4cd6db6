"""The session JWT decoder gives PyJWT's verdict on every token, only faster; another PyJWT gets its own."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jwt.api_jws import PyJWS

from stytch_discovery.sessions import jwt_decoder
from stytch_discovery.sessions.jwt_decoder import decoder, installed_pyjwt_is_audited
from stytch_discovery.sessions.verification import REQUIRED_CLAIMS
from tests.helpers.sessions import new_key, signed

AUDITED = installed_pyjwt_is_audited()
OVERRIDDEN = jwt_decoder._AlphabetCheckedOnce._decode_base64url_segment
STOCK = PyJWS._decode_base64url_segment if AUDITED else None
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: What a broken client or an attacker puts in a segment: padding, the other base64 alphabet, junk.
NEAR_MISSES = "=+/!. \n\t\x00é"
KEY = new_key()
NOW = int(time.time())
CLAIMS = {
    "aud": ["project-test-decoder"],
    "iss": "stytch.com/project-test-decoder",
    "sub": "member-test-ada",
    "iat": NOW,
    "nbf": NOW,
    # Signed once, at import: valid for longer than any run of the suite (300 s did expire once,
    # in a 453 s run on a slow machine, failing the one test that expects the claims back).
    "exp": NOW + 24 * 3600,
    "https://stytch.com/session": {"id": "member-session-test-1", "roles": ["stytch_member"]},
}
TOKEN = signed(CLAIMS, key=KEY, kid="jwk-test-decoder")

segments = st.text(alphabet=BASE64URL + NEAR_MISSES, max_size=24).map(lambda text: text.encode())


def outcome(decode: Callable[[], Any]) -> tuple[str, Any, str | None]:
    """What ``decode`` gave: its result, or its error's type, message and cause (the same
    message stands for every refusal, so the cause tells which check made it)."""
    try:
        return "decoded", decode(), None
    except jwt.PyJWTError as error:
        cause = type(error.__cause__).__name__ if error.__cause__ is not None else None
        return type(error).__name__, str(error), cause


@pytest.fixture
def fresh_decoders() -> Iterator[None]:
    decoder.cache_clear()
    yield
    decoder.cache_clear()


@pytest.mark.skipif(not AUDITED, reason="this PyJWT has no segment check of the audited kind to compare with")
@settings(max_examples=3000, deadline=None)
@given(segments | st.binary(max_size=24))
@example(b"")
@example(b"=")
@example(b"AA=")
@example(b"AAA==")
@example(b"AB==")
@example(b"AAAA====")
@example(b"AAAAA===")
@example(b"AAAA\n")
@example(b"\nAAAA")
@example(b"=AAA")
@example(b"AA=A")
@example(b"AAAA\x80")
def test_a_segment_is_decoded_or_refused_exactly_as_pyjwt_does(segment: bytes) -> None:
    assert STOCK is not None
    assert outcome(lambda: OVERRIDDEN(segment, "payload")) == outcome(lambda: STOCK(segment, "payload"))


@given(st.binary(max_size=40))
@example(b"AAAA\n")
@example(b"")
def test_the_pattern_admits_exactly_the_base64url_alphabet(data: bytes) -> None:
    admitted = jwt_decoder._ALPHABET_ONLY.fullmatch(data) is not None

    assert admitted == all(byte in BASE64URL.encode() for byte in data)


def stock_decode(token: str) -> Any:
    return jwt.decode(
        token,
        KEY.public_key(),
        algorithms=["RS256"],
        audience="project-test-decoder",
        issuer="stytch.com/project-test-decoder",
        options={"require": list(REQUIRED_CLAIMS)},
    )


def our_decode(token: str) -> Any:
    return decoder(require=REQUIRED_CLAIMS).decode(
        token,
        KEY.public_key(),
        algorithms=["RS256"],
        audience="project-test-decoder",
        issuer="stytch.com/project-test-decoder",
    )


@settings(max_examples=500, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(TOKEN)),
    st.integers(min_value=0, max_value=2),
    st.text(alphabet=BASE64URL + NEAR_MISSES, max_size=3),
)
def test_a_changed_token_gets_the_verdict_of_jwt_decode(at: int, removed: int, inserted: str) -> None:
    token = TOKEN[:at] + inserted + TOKEN[at + removed :]

    assert outcome(lambda: our_decode(token)) == outcome(lambda: stock_decode(token))


def padded(token: str, segment: int, padding: str) -> str:
    parts = token.split(".")
    parts[segment] += padding
    return ".".join(parts)


def detached(claims: dict[str, Any]) -> str:
    """A JWS with ``b64: false`` (RFC 7797): its payload is not in the token."""
    return jwt.api_jws.encode(
        json.dumps(claims).encode(), KEY, algorithm="RS256", headers={"kid": "k"}, is_payload_detached=True
    )


#: Tokens changed where random edits seldom land: at each segment's end, and whole segments.
EDGE_TOKENS = {
    **{
        f"segment-{segment}-padded-{len(padding)}": padded(TOKEN, segment, padding)
        for segment in range(3)
        for padding in ("=", "==", "===")
    },
    "trailing-newline": TOKEN + "\n",
    "leading-newline": "\n" + TOKEN,
    "empty-payload": ".".join([TOKEN.split(".")[0], "", TOKEN.split(".")[2]]),
    "empty-signature": TOKEN.rsplit(".", 1)[0] + ".",
    "four-segments": TOKEN + ".AAAA",
    "standard-base64": TOKEN.replace("-", "+").replace("_", "/"),
    "padded-standard-base64-header": base64.b64encode(b'{"alg":"RS256"}').decode()
    + "."
    + TOKEN.split(".", 1)[1],
    "detached-payload": detached(CLAIMS),
}


@pytest.mark.parametrize("token", EDGE_TOKENS.values(), ids=EDGE_TOKENS.keys())
def test_an_edge_token_gets_the_verdict_of_jwt_decode(token: str) -> None:
    assert outcome(lambda: our_decode(token)) == outcome(lambda: stock_decode(token))


def test_the_untouched_token_decodes_to_its_claims() -> None:
    assert our_decode(TOKEN) == CLAIMS


@pytest.mark.parametrize("missing", REQUIRED_CLAIMS)
def test_each_required_claim_is_still_required(missing: str) -> None:
    token = signed({k: v for k, v in CLAIMS.items() if k != missing}, key=KEY, kid="jwk-test-decoder")

    with pytest.raises(jwt.MissingRequiredClaimError, match=missing):
        our_decode(token)


@pytest.mark.skipif(jwt.__version__ != jwt_decoder.AUDITED_VERSION, reason="not the audited PyJWT release")
def test_the_audited_pyjwt_gets_the_fast_check(fresh_decoders: None) -> None:
    assert installed_pyjwt_is_audited()
    assert isinstance(decoder(require=REQUIRED_CLAIMS)._jws, jwt_decoder._AlphabetCheckedOnce)


def test_a_pyjwt_whose_check_changed_gets_its_stock_decoder(
    monkeypatch: pytest.MonkeyPatch, fresh_decoders: None
) -> None:
    def changed(segment: bytes, name: str) -> bytes:  # any other source, stricter or looser
        raise jwt.DecodeError(f"Invalid {name}")

    monkeypatch.setattr(PyJWS, "_decode_base64url_segment", staticmethod(changed), raising=False)

    assert not installed_pyjwt_is_audited()
    assert type(decoder(require=REQUIRED_CLAIMS)) is jwt.PyJWT


def test_another_pyjwt_release_gets_its_stock_decoder(
    monkeypatch: pytest.MonkeyPatch, fresh_decoders: None
) -> None:
    # The same segment check, but PyJWT itself may build its PyJWS otherwise: not audited.
    monkeypatch.setattr(jwt, "__version__", "2.16.0")

    assert not installed_pyjwt_is_audited()
    assert type(decoder(require=REQUIRED_CLAIMS)) is jwt.PyJWT


def test_one_decoder_per_set_of_required_claims() -> None:
    assert decoder(require=REQUIRED_CLAIMS) is decoder(require=REQUIRED_CLAIMS)
    assert decoder(require=("exp",)) is not decoder(require=REQUIRED_CLAIMS)
