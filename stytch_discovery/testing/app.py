"""Request dispatch: control endpoints, recording, faults, routing, auth and envelopes.

Transport-free: :meth:`FakeApp.handle` maps (method, target, headers, body) to a
:class:`Reply`, which the HTTP layer writes. The control operations live in
:mod:`~stytch_discovery.testing.control`, shared by ``/_fake/...`` and ``FakeStytch``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .control import Controls
from .errors import ApiError, default_error_type
from .faults import FaultPlan, FaultRule
from .keys import KeyRing
from .recording import Recorder
from .routes import Page, Project, Request, stytch_router
from .state import FakeState
from .totp import QrRenderer, placeholder_qr_code

Json = dict[str, Any]

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
FORM_TYPE = "application/x-www-form-urlencoded"
MALFORMED_BODY = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False  # close the connection without answering


def json_reply(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json.dumps(payload).encode(), headers=headers)


def new_request_id() -> str:
    return f"request-id-test-{uuid.uuid4()}"


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


class FakeApp:
    def __init__(
        self,
        *,
        project_id: str,
        secret: str,
        public_token: str,
        default_discovery_redirect_url: str | None,
        qr_code: QrRenderer | None = None,
    ) -> None:
        self.state = FakeState()
        self.faults = FaultPlan()
        self.recorder = Recorder()
        self.keys = KeyRing()
        self.project = Project(
            project_id,
            self.state,
            self.keys,
            default_discovery_redirect_url=default_discovery_redirect_url,
            public_token=public_token,
            qr_code=qr_code or placeholder_qr_code,
        )
        self.router = stytch_router()
        self._credentials = f"{project_id}:{secret}".encode()
        self.control = Controls(self.project, self.faults, self.recorder)

    # -- dispatch -------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Message, body: bytes) -> Reply:
        path = urlsplit(target).path
        if path.startswith("/_fake/"):
            return self._serve(lambda: self._control_call(method, path, body), envelope=False)
        self.recorder.record(method, path, headers.items(), parse_json(body))
        draw = self.faults.draw(path)
        if draw.delay_seconds:
            time.sleep(draw.delay_seconds)
        if draw.rule is not None:
            return fault_reply(draw.rule)
        return self._serve(lambda: self._api_call(method, target, headers, body), envelope=True)

    def _serve(self, call: Callable[[], Any], *, envelope: bool) -> Reply:
        request_id = new_request_id()
        try:
            result = call()
        except ApiError as error:
            return json_reply(error.status, error.envelope(request_id))
        except Exception as error:
            # A bug in the fake: say so in a Stytch-shaped 500 rather than dropping the line.
            failure = ApiError(500, "internal_server_error", f"Fake Stytch failed: {error!r}")
            return json_reply(500, failure.envelope(request_id))
        if isinstance(result, Page):
            location = () if result.location is None else (("Location", result.location),)
            return Reply(result.status, result.html.encode(), HTML_TYPE, location)
        if envelope:
            result = {"status_code": 200, "request_id": request_id, **result}
        return json_reply(200, result)

    def _control_call(self, method: str, path: str, body: bytes) -> Any:
        if path not in self.control.endpoints:
            raise ApiError(404, "route_not_found")
        allowed, operation = self.control.endpoints[path]
        if method != allowed:
            raise ApiError(405, "method_not_allowed")
        return operation(json_object(body) if method == "POST" else {})

    def _api_call(self, method: str, target: str, headers: Message, body: bytes) -> Json | Page:
        parts = urlsplit(target)
        route, params = self.router.resolve(method, parts.path)
        if route.needs_auth and not self._authorized(headers.get("Authorization", "")):
            raise ApiError(401, "unauthorized_credentials")
        request = Request(
            body=request_body(method, headers, body),
            params=params,
            query=dict(parse_qsl(parts.query)),
        )
        with self.state.lock:
            return route.handler(self.project, request)

    def _authorized(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self._credentials)


def request_body(method: str, headers: Message, body: bytes) -> Json:
    """A POST's JSON object, or its fields when it is an HTML form (the fake provider's page)."""
    if method != "POST":
        return {}
    if headers.get("Content-Type", "").startswith(FORM_TYPE):
        return dict(parse_qsl(body.decode("utf-8", "replace")))
    return json_object(body)


def json_object(body: bytes) -> Json:
    """An empty body counts as ``{}`` (control endpoints are often called without one)."""
    parsed = parse_json(body) if body.strip() else {}
    if not isinstance(parsed, dict):
        raise ApiError(400, "bad_request", "The request body must be a JSON object.")
    return parsed


def bad_length_reply() -> Reply:
    """The answer to a request whose ``Content-Length`` is no byte count (the HTTP layer's call)."""
    error = ApiError(400, "bad_request", "The Content-Length header must be a number of bytes.")
    return json_reply(400, error.envelope(new_request_id()))


def fault_reply(rule: FaultRule) -> Reply:
    if rule.drop:
        return Reply(0, drop=True)
    if rule.malformed:
        return Reply(rule.status or 502, MALFORMED_BODY, content_type="text/html")
    request_id = new_request_id()
    if rule.retry_after is not None:
        error = ApiError(429, "too_many_requests")
        return json_reply(429, error.envelope(request_id), (("Retry-After", str(rule.retry_after)),))
    status = rule.status or 500
    error = ApiError(status, rule.error_type or default_error_type(status), rule.error_message, injected=True)
    return json_reply(status, error.envelope(request_id))
