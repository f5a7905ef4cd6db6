"""The fake identity provider's page: pick who signs in (or type an email), then Continue.

Plain HTML with no script, so a person, Playwright (``#email``, ``#name``, ``#tenant_id``,
radios named ``person``, the "Continue" button) and an HTML form post all drive it alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
    "label{display:block;margin:.4rem 0}input[type=email],input[type=text]{width:100%;padding:.3rem}"
    "button{margin-top:1rem;padding:.5rem 1.5rem}.note{color:#555}.error{color:#b00020}"
)


def render(
    *,
    title: str,
    action: str,
    flow_id: str,
    people: Sequence[tuple[str, str]],
    login_hint: str,
    asks_tenant: bool,
    error: str = "",
) -> str:
    """``people``: (email, name) of the seeded members the flow could sign in as; the login hint's,
    or the only one, is picked already."""
    hinted = [email for email, _ in people if email.lower() == login_hint.lower()]
    picked = (hinted or [email for email, _ in people if len(people) == 1] or [""])[0]
    choices = "".join(
        f'<label><input type="radio" name="person" value="{escape(email)}"'
        f"{' checked' if email == picked else ''}> "
        f"{escape(name or email)} &lt;{escape(email)}&gt;</label>"
        for email, name in people
    )
    accounts = f"<fieldset><legend>Choose an account</legend>{choices}</fieldset>" if people else ""
    typed = "" if hinted else login_hint
    tenant = (
        '<label for="tenant_id">Tenant id (optional)</label>'
        '<input id="tenant_id" name="tenant_id" type="text">'
        if asks_tenant
        else ""
    )
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        # No favicon request: the browser's console stays clean on the fake's page.
        f'<link rel="icon" href="data:,"><title>{escape(title)}</title><style>{STYLE}</style>'
        f"</head><body><main><h1>{escape(title)}</h1>{alert}"
        '<p class="note">A fake identity provider (stytch_discovery.testing): nothing is checked.</p>'
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="flow" value="{escape(flow_id)}">{accounts}'
        '<label for="email">Or another email</label>'
        f'<input id="email" name="email" type="email" value="{escape(typed)}">'
        '<label for="name">Full name (optional)</label><input id="name" name="name" type="text">'
        f'{tenant}<button type="submit" name="approve" value="1">Continue</button>'
        "</form></main></body></html>"
    )
