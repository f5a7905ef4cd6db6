"""The session JWT decoder gives PyJWT's verdict on every token, only faster; another PyJWT gets its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jwt.api_jws import PyJWS

from stytch_discovery.sessions import jwt_decoder
from stytch_discovery.sessions.jwt_decoder import decoder, stock_source_is_audited
from stytch_discovery.sessions.verification import REQUIRED_CLAIMS
from tests.helpers.sessions import new_key, signed

AUDITED = stock_source_is_audited()
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
    "exp": NOW + 300,
    "https://stytch.com/session": {"id": "member-session-test-1", "roles": ["stytch_member"]},
}
TOKEN = signed(CLAIMS, key=KEY, kid="jwk-test-decoder")

segments = st.text(alphabet=BASE64URL + NEAR_MISSES, max_size=24).map(lambda text: text.encode())


def outcome(decode: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "decoded", decode()
    except jwt.PyJWTError as error:  # the same refusal, with the same message
        return type(error).__name__, str(error)


@pytest.fixture
def fresh_decoders() -> Iterator[None]:
    decoder.cache_clear()
    yield
    decoder.cache_clear()


@pytest.mark.skipif(not AUDITED, reason="this PyJWT has no segment check of the audited kind to compare with")
@settings(max_examples=3000, deadline=None)
@given(segments)
def test_a_segment_is_decoded_or_refused_exactly_as_pyjwt_does(segment: bytes) -> None:
    assert STOCK is not None
    assert outcome(lambda: OVERRIDDEN(segment, "payload")) == outcome(lambda: STOCK(segment, "payload"))


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


def test_the_untouched_token_decodes_to_its_claims() -> None:
    assert our_decode(TOKEN) == CLAIMS


@pytest.mark.parametrize("missing", REQUIRED_CLAIMS)
def test_each_required_claim_is_still_required(missing: str) -> None:
    token = signed({k: v for k, v in CLAIMS.items() if k != missing}, key=KEY, kid="jwk-test-decoder")

    with pytest.raises(jwt.MissingRequiredClaimError, match=missing):
        our_decode(token)


@pytest.mark.skipif(jwt.__version__ != "2.15.1", reason="the audited source is PyJWT 2.15.1's")
def test_pyjwt_2_15_1_gets_the_fast_check(fresh_decoders: None) -> None:
    assert stock_source_is_audited()
    assert isinstance(decoder(require=REQUIRED_CLAIMS)._jws, jwt_decoder._AlphabetCheckedOnce)


def test_a_pyjwt_whose_check_changed_gets_its_stock_decoder(
    monkeypatch: pytest.MonkeyPatch, fresh_decoders: None
) -> None:
    def changed(segment: bytes, name: str) -> bytes:  # any other source, stricter or looser
        raise jwt.DecodeError(f"Invalid {name}")

    monkeypatch.setattr(PyJWS, "_decode_base64url_segment", staticmethod(changed), raising=False)

    assert not stock_source_is_audited()
    assert type(decoder(require=REQUIRED_CLAIMS)) is jwt.PyJWT


def test_one_decoder_per_set_of_required_claims() -> None:
    assert decoder(require=REQUIRED_CLAIMS) is decoder(require=REQUIRED_CLAIMS)
    assert decoder(require=("exp",)) is not decoder(require=REQUIRED_CLAIMS)
