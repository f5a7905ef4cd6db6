"""Signed-in Django sessions for benchmark and load-test clients.

``python -m benchmarks.accounts EMAIL...`` (under ``benchmarks.settings``) creates a user per
email if needed, signs each in, and prints ``{email: session key}`` as JSON: what a browser
holds after the host project's own login view.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence


def signed_in_session_keys(emails: Sequence[str]) -> dict[str, str]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    keys = {}
    for email in emails:
        user, _ = get_user_model()._default_manager.get_or_create(username=email, defaults={"email": email})
        client = Client()
        client.force_login(user)
        keys[email] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def main(argv: Sequence[str]) -> int:
    import django

    django.setup()
    print(json.dumps(signed_in_session_keys(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
