"""Fault injection: rules that make the next calls to a path slow, failing, garbled or dropped.

A rule watches one API path (or ``"*"`` for every API path) and fires on every ``every``-th
call it sees, ``count`` times in all (``-1``: until reset). Rules compose: on one call, the
delays of all firing latency rules add up, then the first firing non-latency rule (in the
order the rules were added) decides the answer and uses up one of its ``count``; a
shadowed rule keeps its count, so rules added one after the other apply one after the
other. When no answer rule fires, the call is served normally. So "10% 503s and 5%
two-second delays" on one path is two rules::

    {"path": P, "count": -1, "every": 10, "status": 503}
    {"path": P, "count": -1, "every": 20, "latency_ms": 2000}
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from . import validation
from .errors import invalid_argument

Json = dict[str, Any]

KINDS = ("status", "latency_ms", "retry_after", "malformed", "drop")


@dataclass
class FaultRule:
    path: str
    count: int = 1
    every: int = 1
    status: int | None = None
    error_type: str | None = None
    #: Stytch's text in the envelope, e.g. one that repeats what was sent, as Stytch's can.
    error_message: str | None = None
    latency_ms: int | None = None
    retry_after: int | None = None
    malformed: bool = False
    drop: bool = False
    seen: int = 0

    @classmethod
    def from_json(cls, body: Json) -> FaultRule:
        path = validation.required_str(body, "path")
        if path != "*" and not path.startswith("/"):
            raise invalid_argument('path must start with "/" or be "*".')
        count = validation.optional_int(body, "count")
        every = validation.optional_int(body, "every")
        status = validation.optional_int(body, "status")
        latency_ms = validation.optional_int(body, "latency_ms")
        retry_after = validation.optional_int(body, "retry_after")
        malformed = bool(validation.optional_bool(body, "malformed"))
        drop = bool(validation.optional_bool(body, "drop"))
        rule = cls(
            path=path,
            count=1 if count is None else count,
            every=1 if every is None else every,
            status=status,
            error_type=validation.optional_str(body, "error_type"),
            error_message=validation.optional_str(body, "error_message"),
            latency_ms=latency_ms,
            retry_after=retry_after,
            malformed=malformed,
            drop=drop,
        )
        rule.check()
        return rule

    def check(self) -> None:
        # A malformed body may carry its own status; otherwise exactly one kind per rule.
        kinds = [
            self.status is not None and not self.malformed,
            self.latency_ms is not None,
            self.retry_after is not None,
            self.malformed,
            self.drop,
        ]
        if sum(kinds) != 1:
            raise invalid_argument(f"A fault needs exactly one of {', '.join(KINDS)}.")
        if self.count == 0 or self.count < -1:
            raise invalid_argument("count must be positive, or -1 for every call until reset.")
        if self.every < 1:
            raise invalid_argument("every must be at least 1.")
        if self.status is not None and not 400 <= self.status <= 599:
            raise invalid_argument("status must be between 400 and 599.")
        if (self.error_type is not None or self.error_message is not None) and (
            self.status is None or self.malformed
        ):
            raise invalid_argument("error_type and error_message need status (and no malformed).")
        if any(value is not None and value < 0 for value in (self.latency_ms, self.retry_after)):
            raise invalid_argument("latency_ms and retry_after cannot be negative.")

    def to_json(self) -> Json:
        return {key: value for key, value in asdict(self).items() if value is not None and value is not False}


@dataclass
class FaultDraw:
    """What the faults decided for one call."""

    delay_seconds: float = 0.0
    rule: FaultRule | None = None


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[Json]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def draw(self, path: str) -> FaultDraw:
        draw = FaultDraw()
        with self._lock:
            for rule in self._rules:
                if rule.path not in ("*", path):
                    continue
                rule.seen += 1
                if rule.seen % rule.every:
                    continue
                if rule.latency_ms is not None:
                    draw.delay_seconds += rule.latency_ms / 1000
                elif draw.rule is None:
                    draw.rule = rule
                else:
                    continue  # shadowed by an earlier rule: it keeps its count for later
                if rule.count > 0:
                    rule.count -= 1
            self._rules = [rule for rule in self._rules if rule.count != 0]
        return draw
