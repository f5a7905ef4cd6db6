"""FakeStytch: the fake's public face. It owns the app and runs the HTTP server thread."""

from __future__ import annotations

import json
import threading
from email.message import Message
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit

from .app import FakeApp, Reply
from .errors import ApiError
from .server import FakeHTTPServer
from .totp import QrRenderer

Json = dict[str, Any]

DEFAULT_PROJECT_ID = "project-test-00000000-0000-4000-8000-000000000000"
DEFAULT_SECRET = "secret-test-fake-local-only"  # noqa: S105 - a published test-only value
#: Shaped like Stytch's test public tokens; the browser-facing OAuth and SSO start URLs carry it.
DEFAULT_PUBLIC_TOKEN = "public-token-test-00000000-0000-4000-8000-000000000000"  # noqa: S105 - test-only


class FakeStytch:
    """A stateful fake of Stytch B2B discovery, served over HTTP on loopback.

    ``with FakeStytch() as fake: ...`` starts it on a free port; point a client (or the
    official SDK, ``B2BClient(..., environment=fake.base_url + "/")``) at ``fake.base_url``
    with ``fake.project_id`` and ``fake.secret``. Browser-facing start URLs (OAuth, SSO) carry
    ``fake.public_token``, as a frontend carries a Stytch project's public token.
    """

    def __init__(
        self,
        *,
        project_id: str = DEFAULT_PROJECT_ID,
        secret: str = DEFAULT_SECRET,
        public_token: str = DEFAULT_PUBLIC_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        default_discovery_redirect_url: str | None = None,
        qr_code: QrRenderer | None = None,
    ) -> None:
        """``qr_code``: a function from an ``otpauth://`` URI to a PNG data URI, for TOTP create
        (default: a placeholder PNG, not a scannable code; see ``testing.totp``)."""
        self.project_id = project_id
        self.secret = secret
        self.public_token = public_token
        self.host = host
        self._requested_port = port
        self.app = FakeApp(
            project_id=project_id,
            secret=secret,
            public_token=public_token,
            default_discovery_redirect_url=default_discovery_redirect_url,
            qr_code=qr_code,
        )
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> FakeStytch:
        if self._server is not None:
            raise RuntimeError("FakeStytch is already running.")
        self._server = FakeHTTPServer((self.host, self._requested_port), self.app)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-stytch-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeStytch:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeStytch is not running: call start() first.")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """E.g. ``http://127.0.0.1:54321``, without a trailing slash."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    # -- control operations (also served under /_fake/) -----------------------------------

    def seed(self, data: Json) -> Json:
        """Add organizations, members, identities and RBAC roles; see ``seeding`` for the format."""
        return self.app.control.seed(data)

    def outbox(self) -> list[Json]:
        """What the fake "sent", oldest first; each message's ``kind`` says what it is.

        ``discovery_magic_link`` and ``magic_link``: ``email_address``, ``url``, ``token``,
        ``sent_at`` (and ``organization_id``); ``email_otp``: ``email_address``, ``code``,
        ``organization_id``, ``sent_at``; ``discovery_email_otp``: ``email_address``, ``code``,
        ``sent_at``; ``sms_otp``: ``phone_number``, ``code``, ``member_id``,
        ``organization_id``, ``sent_at``.
        """
        return self.app.control.outbox()

    def mint_intermediate_session(
        self, email_address: str, *, factors: tuple[str, ...] = ("magic_link",)
    ) -> str:
        """A fresh discovery IST for the email, as if its magic link (or ``factors``) had been proven."""
        minted = self.app.control.mint_intermediate_session(email_address, factors=factors)
        return str(minted["intermediate_session_token"])

    def sign_in(
        self,
        start_url: str,
        email: str | None = None,
        *,
        name: str | None = None,
        tenant_id: str | None = None,
    ) -> str:
        """Be the browser of an OAuth or SSO start: open ``start_url`` (absolute, or a path with its
        query), sign in as ``email`` on the fake provider's page (default: the start's
        ``provider_login_hint``), and return the callback URL it redirects to, with
        ``stytch_token_type`` and ``token``. A refusal raises :class:`ApiError`."""
        parts = urlsplit(start_url)
        page = browse(self.app, f"{parts.path}?{parts.query}", 307)
        fields = {"email": email, "name": name, "tenant_id": tenant_id, "approve": "1"}
        given = urlencode({key: value for key, value in fields.items() if value})
        return browse(self.app, f"{page}&{given}", 302)

    def totp_code(self, member_id: str) -> str:
        """The code the member's authenticator app shows now (their active, else pending, TOTP)."""
        return str(self.app.control.totp_code(member_id)["code"])

    def recovery_codes(self, member_id: str) -> list[str]:
        """The member's unused recovery codes (Stytch's ``GET /v1/b2b/recovery_codes/...``)."""
        return list(self.app.control.recovery_codes(member_id)["recovery_codes"])

    def add_fault(
        self,
        path: str,
        *,
        count: int = 1,
        every: int = 1,
        status: int | None = None,
        error_type: str | None = None,
        error_message: str | None = None,
        latency_ms: int | None = None,
        retry_after: int | None = None,
        malformed: bool = False,
        drop: bool = False,
    ) -> Json:
        """Make calls to ``path`` misbehave; see ``faults`` for how rules compose."""
        return self.app.control.add_fault(
            {
                "path": path,
                "count": count,
                "every": every,
                "status": status,
                "error_type": error_type,
                "error_message": error_message,
                "latency_ms": latency_ms,
                "retry_after": retry_after,
                "malformed": malformed,
                "drop": drop,
            }
        )

    def stats(self) -> Json:
        return self.app.control.stats()

    def requests(self) -> list[Json]:
        return self.app.control.requests()

    def reset(self) -> None:
        """Back to a freshly started fake; the initial signing key stays (JWKS caches stay valid)."""
        self.app.control.reset()

    def advance_clock(self, seconds: float) -> None:
        """Move the fake's clock forward, or back with a negative ``seconds``."""
        self.app.control.advance_clock(seconds)

    def set_clock_offset(self, seconds: float) -> None:
        """Run the fake's clock ``seconds`` ahead of real time (behind when negative)."""
        self.app.control.set_clock_offset(seconds)

    def rotate_signing_key(self) -> str:
        """Sign new JWTs with a new key (its kid is returned); the old key stays in the JWKS."""
        return str(self.app.control.rotate_signing_key()["signing_kid"])

    def retire_signing_key(self, kid: str) -> None:
        """Drop an old key from the JWKS: JWTs it signed are refused from now on."""
        self.app.control.retire_signing_key(kid)

    def signing_keys(self) -> Json:
        """``{"signing_kid": kid, "published_kids": [newest first]}``."""
        return self.app.control.signing_keys()


def browse(app: FakeApp, target: str, expected: int) -> str:
    """GET ``target`` as a browser (through the app's dispatch, no socket); the redirect's Location."""
    reply: Reply = app.handle("GET", target, Message(), b"")
    if reply.status != expected:
        error = json.loads(reply.body) if reply.content_type == "application/json" else {}
        error_type = error.get("error_type", "bad_request")
        # Read back from the answer, which a fault rule may have given any type.
        raise ApiError(reply.status, error_type, error.get("error_message"), injected=True)
    return dict(reply.headers)["Location"]
