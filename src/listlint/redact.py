"""Keeping secrets out of what listlint prints and writes.

Two kinds of secret can reach a message: a password written into a URL
(``https://user:pw@host/``) and a configured header value (a token) that a
hostile server echoes back, e.g. in a redirect's ``Location``.  Every text
that leaves the link engine goes through :func:`redact`; a URL that holds a
configured secret is never offered as a fix (:func:`holds_secret`).

No heavy imports: rules use this while building diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

__all__ = ["MASK", "redact", "redact_credentials", "mask_credentials", "holds_secret", "secret_forms"]

MASK = "***"
# scheme://user:password@  (the password is anything up to the "@" of the authority)
CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^/?#\s@:]*:)([^/?#\s@]+)@")
# A piece of a header value shorter than this is a word ("Bearer"), not a secret.
SHORTEST_SECRET = 8


def redact_credentials(text: str) -> str:
    """``https://user:pw@host/`` -> ``https://user:***@host/``, anywhere in ``text``."""
    if "@" not in text:
        return text
    return CREDENTIALS.sub(lambda match: match.group(1) + MASK + "@", text)


def mask_credentials(text: str) -> str:
    """Like :func:`redact_credentials`, but the same width (for source excerpts with carets)."""
    if "@" not in text:
        return text
    return CREDENTIALS.sub(lambda match: match.group(1) + "*" * len(match.group(2)) + "@", text)


def secret_forms(values: Iterable[str]) -> frozenset[str]:
    """The strings to hide for these header values: each value, its long
    pieces (the token of ``Bearer TOKEN``), and their URL-encoded forms."""
    forms: set[str] = set()
    for value in values:
        pieces = [value.strip(), *value.split()]
        for piece in pieces:
            if len(piece) < SHORTEST_SECRET:
                continue
            forms.add(piece)
            forms.add(quote(piece, safe=""))
            forms.add(quote(piece))
            forms.add(quote(piece, safe="").replace("%20", "+"))
    return frozenset(form for form in forms if len(form) >= SHORTEST_SECRET)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every secret form masked and every URL password masked."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret.lower() in text.lower():  # percent-encodings differ in case
            text = re.sub(re.escape(secret), MASK, text, flags=re.IGNORECASE)
    return redact_credentials(text)


def holds_secret(text: str, secrets: Iterable[str]) -> bool:
    """Whether ``text`` contains one of ``secrets`` (in any letter case)."""
    lowered = text.lower()
    return any(secret.lower() in lowered for secret in secrets)
