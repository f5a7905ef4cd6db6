"""What this app keeps of the words in Stytch's answers: identifiers of Stytch's shape, no text.

Stytch's ``error_message`` may repeat what a call sent or the person's email address, and a
buggy or hostile upstream (whatever ``BASE_URL`` or a proxy points at) may echo a token or the
secret in any field. So no answer, log line or exception message carries Stytch's text: the
views answer their own message per code, and an exception's message names the status, the
``error_type`` and the ``request_id``, each kept only when it has Stytch's shape. The exception
still hands Stytch's ``error_message`` and ``error_url`` to the host's code, redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.views.decorators.debug import sensitive_variables

#: Stytch's error types are snake_case words (``organization_slug_already_used``).
_ERROR_TYPE = re.compile(r"[a-z][a-z0-9_]{0,99}")
#: ``request-id-test-<uuid>`` or ``request-id-live-<uuid>``.
_REQUEST_ID = re.compile(r"request-id-(?:test|live)-[0-9a-f-]{1,64}")
#: What an email address is made of: anything but blanks, quotes, brackets and separators.
_ADDRESS_CHAR = r"[^\s@\"'<>()\[\],;:]"
#: An email address, as far as it can be told apart from the words around it. It starts where a
#: run of its characters starts (the lookbehind): tried at every character of a long run without
#: ``@``, the search would cost the square of the run's length (an upstream's 1 MB word: minutes).
_EMAIL = re.compile(rf"(?<!{_ADDRESS_CHAR}){_ADDRESS_CHAR}+@{_ADDRESS_CHAR}*[^\s@\"'<>()\[\],;:.]")
_REDACTED = "[redacted]"
#: Shorter values sent are left in Stytch's text: taking them out would garble it.
_SHORTEST_REDACTED = 3


def error_type_of(data: Any) -> str | None:
    """Stytch's ``error_type`` in ``data`` (an error answer), or None when not shaped as Stytch's."""
    value = data.get("error_type") if isinstance(data, dict) else None
    return value if isinstance(value, str) and _ERROR_TYPE.fullmatch(value) else None


def request_id_of(data: Any) -> str:
    """Stytch's ``request_id`` in ``data`` (any decoded answer), or "" when not shaped as Stytch's."""
    value = data.get("request_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and _REQUEST_ID.fullmatch(value) else ""


@sensitive_variables("secret", "payload", "values")
def redacted(text: str, *, secret: str, payload: Mapping[str, Any] | None) -> str:
    """``text`` without the secret, any string of the ``payload`` sent, or any email address."""
    values = sorted({v for v in (secret, *strings_in(payload)) if len(v) >= _SHORTEST_REDACTED}, key=len)
    if values:
        # One pass, longest first, so no replacement is matched again inside another.
        pattern = "|".join(re.escape(value) for value in reversed(values))
        text = re.sub(pattern, _REDACTED, text, flags=re.IGNORECASE)
    # Then the addresses, which the brackets of a replacement cannot join: one glued to a value
    # taken out starts a run of its own.
    return _EMAIL.sub(_REDACTED, text)


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value (a request's payload), however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
