"""The control operations: seed, mint tokens, move the clock, rotate keys, faults, stats, reset.

:class:`~stytch_discovery.testing.FakeStytch` calls them as methods and ``/_fake/...`` serves
them as JSON endpoints without auth (:attr:`Controls.endpoints`); both run the code here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from . import payloads, seeding, totp, validation
from .errors import ApiError, invalid_argument
from .faults import FaultPlan, FaultRule
from .recording import Recorder
from .routes import Project

Json = dict[str, Any]


def finite_number(body: Json, key: str) -> float:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid_argument(f"{key} must be a finite number of seconds.")
    return float(value)


class Controls:
    def __init__(self, project: Project, faults: FaultPlan, recorder: Recorder) -> None:
        self.project = project
        self.state = project.state
        self.faults = faults
        self.recorder = recorder
        # path -> (method, operation on the JSON body; GET operations get {}).
        self.endpoints: dict[str, tuple[str, Callable[[Json], Any]]] = {
            "/_fake/outbox": ("GET", lambda _: {"messages": self.outbox()}),
            "/_fake/seed": ("POST", self.seed),
            "/_fake/intermediate_sessions": ("POST", self._mint_intermediate_session_from_json),
            "/_fake/totp_code": (
                "POST",
                lambda body: self.totp_code(validation.required_str(body, "member_id")),
            ),
            "/_fake/recovery_codes": (
                "POST",
                lambda body: self.recovery_codes(validation.required_str(body, "member_id")),
            ),
            "/_fake/faults": ("POST", self.add_fault),
            "/_fake/stats": ("GET", lambda _: self.stats()),
            "/_fake/requests": ("GET", lambda _: self.requests()),
            "/_fake/reset": ("POST", lambda _: self.reset()),
            "/_fake/clock": ("POST", self._clock_from_json),
            "/_fake/keys": ("GET", lambda _: self.signing_keys()),
            "/_fake/keys/rotate": ("POST", lambda _: self.rotate_signing_key()),
            "/_fake/keys/retire": ("POST", self._retire_signing_key_from_json),
        }

    # -- state ----------------------------------------------------------------------------

    def seed(self, data: Json) -> Json:
        with self.state.lock:
            return seeding.seed(self.state, data)

    def outbox(self) -> list[Json]:
        with self.state.lock:
            return [dict(message) for message in self.state.outbox]

    def mint_intermediate_session(
        self, email_address: str, factors: tuple[str, ...] = ("magic_link",)
    ) -> Json:
        email = validation.email_address({"email_address": email_address})
        if not factors or any(factor not in validation.AUTH_METHODS for factor in factors):
            raise invalid_argument(f"factors must be primary methods: {', '.join(validation.AUTH_METHODS)}.")
        with self.state.lock:
            ist = self.state.mint_intermediate_session(email, factors=factors)
        return {"intermediate_session_token": ist.token, "expires_at": payloads.iso(ist.expires_at)}

    def _member(self, member_id: str) -> Any:
        member = self.state.members.get(member_id)
        if member is None:
            raise ApiError(404, "member_not_found")
        return member

    def totp_code(self, member_id: str) -> Json:
        """The code the member's authenticator app shows now, by the fake's clock."""
        with self.state.lock:
            member = self._member(member_id)
            registration = member.totp or member.pending_totp
            if registration is None:
                raise ApiError(404, "totp_not_found")
            now = self.state.now()
            left = totp.STEP_SECONDS - int(now.timestamp()) % totp.STEP_SECONDS
            return {"code": totp.code_at(registration.secret, now), "seconds_left": left}

    def recovery_codes(self, member_id: str) -> Json:
        with self.state.lock:
            member = self._member(member_id)
            return {"recovery_codes": list(member.totp.recovery_codes) if member.totp else []}

    def reset(self) -> Json:
        """Back to a freshly started fake: no data, no faults, real time, the initial key."""
        with self.state.lock:
            self.state.reset()
        self.project.keys.reset()
        self.faults.clear()
        self.recorder.reset()
        return {}

    # -- the clock ------------------------------------------------------------------------

    def advance_clock(self, seconds: float) -> Json:
        """Move the fake's clock by ``seconds``, forward or (negative) back."""
        with self.state.lock:
            return self.set_clock_offset(self.state.clock_offset.total_seconds() + seconds)

    def set_clock_offset(self, seconds: float) -> Json:
        """Put the fake's clock ``seconds`` ahead of real time (behind when negative)."""
        with self.state.lock:
            self.state.clock_offset = timedelta(seconds=seconds)
            return self.clock()

    def clock(self) -> Json:
        with self.state.lock:
            offset = self.state.clock_offset.total_seconds()
            return {"now": payloads.iso(self.state.now()), "offset_seconds": offset}

    # -- signing keys ---------------------------------------------------------------------

    def signing_keys(self) -> Json:
        keys = self.project.keys
        return {"signing_kid": keys.current.kid, "published_kids": [key.kid for key in keys.published()]}

    def rotate_signing_key(self) -> Json:
        """A new key signs from now on; the old ones stay in the JWKS until retired."""
        self.project.keys.rotate()
        return self.signing_keys()

    def retire_signing_key(self, kid: str) -> Json:
        self.project.keys.retire(kid)
        return self.signing_keys()

    # -- faults and what the fake saw -----------------------------------------------------

    def add_fault(self, rule: Json) -> Json:
        fault = FaultRule.from_json(rule)
        self.faults.add(fault)
        return fault.to_json()

    def stats(self) -> Json:
        return self.recorder.stats()

    def requests(self) -> list[Json]:
        return self.recorder.requests()

    # -- JSON bodies of the endpoints -----------------------------------------------------

    def _mint_intermediate_session_from_json(self, body: Json) -> Json:
        factors = tuple(validation.str_list(body, "factors")) or ("magic_link",)
        return self.mint_intermediate_session(validation.required_str(body, "email_address"), factors)

    def _clock_from_json(self, body: Json) -> Json:
        given = [key for key in ("advance_seconds", "offset_seconds") if key in body]
        if len(given) != 1:
            raise invalid_argument("Give exactly one of advance_seconds or offset_seconds.")
        seconds = finite_number(body, given[0])
        return self.advance_clock(seconds) if given == ["advance_seconds"] else self.set_clock_offset(seconds)

    def _retire_signing_key_from_json(self, body: Json) -> Json:
        return self.retire_signing_key(validation.required_str(body, "kid"))
