"""Bearer tokens: their field names and grammar, defined once for every layer.

Results keep them out of ``raw``, serializers accept them write-only, cookies and guards check
them against the same grammar, and error reports redact them.
"""

from __future__ import annotations

import re

# Field names, not secrets.
IST = "intermediate_session_token"
SESSION_TOKEN = "session_token"  # noqa: S105
SESSION_JWT = "session_jwt"

#: The fields of Stytch's answers (and of our request bodies) that are bearer credentials,
#: in the order a listing prefers them.
TOKEN_FIELDS = (IST, SESSION_TOKEN, SESSION_JWT)
TOKEN_FIELD_SET = frozenset(TOKEN_FIELDS)

#: Query parameters that would put a credential into a URL, and so into access logs.
TOKEN_PARAMETERS = (*TOKEN_FIELDS, "token", "discovery_magic_links_token")

#: Stytch tokens are printable ASCII (base64, JWT); anything else is not a token.
TOKEN_RE = re.compile(r"^[\x21-\x7e]+\Z")
MAX_TOKEN_LENGTH = 1024
#: A session JWT grows with its custom claims (up to 4 KB of them, base64-encoded).
MAX_JWT_LENGTH = 16384


def max_length(kind: str) -> int:
    """The longest token of ``kind`` (one of :data:`TOKEN_FIELDS`) Stytch could have issued."""
    return MAX_JWT_LENGTH if kind == SESSION_JWT else MAX_TOKEN_LENGTH


def is_token(value: str, kind: str) -> bool:
    """Whether ``value`` has the shape of a ``kind`` token (a malformed one never reaches Stytch).

    :data:`TOKEN_RE`, in string methods: the regex took 5 µs on a session JWT, on every request.
    """
    return 0 < len(value) <= max_length(kind) and value.isascii() and value.isprintable() and " " not in value
