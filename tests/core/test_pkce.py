"""PKCE for the browser redirects: RFC 7636's S256, and verifiers derived per state and per kind."""

from __future__ import annotations

from stytch_discovery.internal import pkce


def test_the_challenge_is_rfc_7636s_s256() -> None:
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_verifier_is_derived_again_from_its_state_and_kind_only(settings: object) -> None:
    verifier = pkce.code_verifier("state-1", salt="kind-a")

    assert len(verifier) == 43  # RFC 7636: 43 to 128 characters of [A-Za-z0-9-._~]
    assert verifier.replace("-", "").replace("_", "").isalnum()
    assert verifier == pkce.code_verifier("state-1", salt="kind-a")
    assert verifier != pkce.code_verifier("state-2", salt="kind-a")
    assert verifier != pkce.code_verifier("state-1", salt="kind-b")
    settings.SECRET_KEY = "another-key-another-server"  # type: ignore[attr-defined]
    assert verifier != pkce.code_verifier("state-1", salt="kind-a")


def test_a_callback_finds_the_verifier_again_under_the_current_key_or_a_fallback(settings: object) -> None:
    verifier = pkce.code_verifier("state-1", salt="kind-a")
    challenge = pkce.code_challenge(verifier)
    assert pkce.verifier_of("state-1", salt="kind-a", challenge=challenge) == verifier

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]  # type: ignore[attr-defined]
    settings.SECRET_KEY = "the-rotated-key"  # type: ignore[attr-defined]
    assert pkce.verifier_of("state-1", salt="kind-a", challenge=challenge) == verifier
    assert pkce.code_verifier("state-1", salt="kind-a") != verifier  # a new start: the new key

    settings.SECRET_KEY_FALLBACKS = []  # type: ignore[attr-defined]
    assert pkce.verifier_of("state-1", salt="kind-a", challenge=challenge) is None
    assert pkce.verifier_of("state-2", salt="kind-a", challenge=challenge) is None
    assert pkce.verifier_of("state-1", salt="kind-a", challenge="") is None
