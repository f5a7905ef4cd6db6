"""The in-process fake Stytch of a demo run, and pointing ``STYTCH_DISCOVERY`` at it."""

from __future__ import annotations

from django.conf import settings

from stytch_discovery.testing import FakeStytch

# The demo command starts at most one fake per process; the dev inbox view reads its outbox.
_running: FakeStytch | None = None


def start(*, port: int = 0) -> FakeStytch:
    """Start the fake on loopback (``port`` 0: a free one) and make the app's calls go to it."""
    global _running
    if _running is not None:
        raise RuntimeError("The demo's fake Stytch is already running.")
    fake = FakeStytch(port=port, qr_code=qr_code).start()
    settings.STYTCH_DISCOVERY.update(
        PROJECT_ID=fake.project_id, SECRET=fake.secret, BASE_URL=fake.base_url, PUBLIC_TOKEN=fake.public_token
    )
    _running = fake
    return fake


def qr_code(uri: str) -> str:
    """A scannable QR code of an ``otpauth://`` URI, as Stytch's TOTP create answers it (segno)."""
    import segno  # the demo's own dependency (the `demo` group), not the package's

    return str(segno.make(uri, error="m").png_data_uri(scale=5, border=2))


def running() -> FakeStytch | None:
    return _running


def stop() -> None:
    global _running
    if _running is not None:
        _running.stop()
        _running = None
