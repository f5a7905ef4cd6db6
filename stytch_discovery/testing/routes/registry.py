"""The route registry: which handler serves a method and path, path parameters included.

A route is a method, a path pattern such as ``/v1/b2b/sessions/jwks/{project_id}`` and a
handler. Handlers are plain functions of the :class:`Project` they work on and the parsed
:class:`Request`; they return the response fields (the app adds ``status_code`` and
``request_id``) or raise :class:`~stytch_discovery.testing.errors.ApiError`. The browser-facing
routes (OAuth and SSO starts, the fake identity provider's page) return a :class:`Page`
instead: a redirect or some HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from stytch_discovery.testing import totp
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.keys import KeyRing
from stytch_discovery.testing.state import FakeState

Json = dict[str, Any]

PARAMETER_RE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Project:
    """The fake Stytch project a handler works on: its id, state, signing keys, settings."""

    project_id: str
    state: FakeState
    keys: KeyRing
    default_discovery_redirect_url: str | None = None
    #: The public token browser-facing start URLs (OAuth, SSO) must carry, as Stytch checks it.
    public_token: str = ""
    #: TOTP create's ``qr_code``: a PNG data URI for an ``otpauth://`` URI (``testing.totp``).
    qr_code: totp.QrRenderer = totp.placeholder_qr_code


@dataclass(frozen=True)
class Request:
    """One API call: the JSON (or HTML form) body, ``{}`` for GET, path and query parameters."""

    body: Json
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """A browser answer: a redirect to ``location`` (a 3xx ``status``) or an HTML page."""

    status: int
    location: str | None = None
    html: str = ""


Handler = Callable[[Project, Request], Json]
PageHandler = Callable[[Project, Request], Page]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: Handler
    # Every Stytch endpoint needs Basic auth except the JWKS (PyJWKClient sends none).
    needs_auth: bool = True


@dataclass(frozen=True)
class PageRoute:
    """A browser-facing route (no Basic auth: a browser has no secret) answering a :class:`Page`."""

    method: str
    pattern: str
    handler: PageHandler
    needs_auth: bool = False


def pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = PARAMETER_RE.split(pattern)
    # split() alternates literal text and parameter names.
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)" for index, part in enumerate(parts)
    )
    return re.compile(regex)


class Router:
    """Resolves (method, path) to a route: 404 ``route_not_found``, 405 ``method_not_allowed``."""

    def __init__(self, routes: Iterable[Route | PageRoute]) -> None:
        # Keyed by (method, pattern); looked up at resolve time, so a test may replace one.
        self.routes: dict[tuple[str, str], Route] = {}
        self.pages: dict[tuple[str, str], PageRoute] = {}
        for route in routes:
            key = route.method, route.pattern
            if key in self.routes or key in self.pages:
                raise ValueError(f"Two routes for {route.method} {route.pattern}.")
            if isinstance(route, PageRoute):
                self.pages[key] = route
            else:
                self.routes[key] = route
        patterns = {pattern for _, pattern in (*self.routes, *self.pages)}
        self._static = {pattern for pattern in patterns if "{" not in pattern}
        self._parameterized = [(pattern, pattern_regex(pattern)) for pattern in patterns if "{" in pattern]

    def resolve(self, method: str, path: str) -> tuple[Route | PageRoute, dict[str, str]]:
        pattern, params = self._match(path)
        route = self.routes.get((method, pattern)) or self.pages.get((method, pattern))
        if route is None:
            raise ApiError(405, "method_not_allowed")
        return route, params

    def _match(self, path: str) -> tuple[str, dict[str, str]]:
        if path in self._static:
            return path, {}
        for pattern, regex in self._parameterized:
            match = regex.fullmatch(path)
            if match is not None:
                return pattern, match.groupdict()
        raise ApiError(404, "route_not_found")
