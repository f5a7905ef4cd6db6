"""The magic-link send request refuses a caller-chosen redirect."""

from __future__ import annotations

from stytch_discovery.magic_links.serializers import SendMagicLinkRequestSerializer
from tests.helpers.serializers import errors_of

# -- requests --------------------------------------------------------------------------------------


def test_send_refuses_a_caller_chosen_redirect() -> None:
    errors = errors_of(
        SendMagicLinkRequestSerializer,
        {"email_address": "ada@acme.example", "discovery_redirect_url": "https://evil.example"},
    )
    assert "server" in str(errors["discovery_redirect_url"][0])


# -- responses -------------------------------------------------------------------------------------
