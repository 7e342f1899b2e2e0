"""GitHub's heading anchors (the ids of rendered headings)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# GitHub keeps letters, marks, numbers, connector punctuation, spaces and
# hyphens; everything else (punctuation, symbols, emoji) is dropped.
KEPT_CATEGORIES = ("L", "M", "N", "Pc")


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading whose plain text is ``text``."""
    out = []
    for char in text.lower():
        if char in " -" or unicodedata.category(char)[0] in KEPT_CATEGORIES[:3]:
            out.append(char)
        elif unicodedata.category(char) == "Pc":
            out.append(char)
    return re.sub(" ", "-", "".join(out))


def heading_text(tokens: list[Any] | None) -> str:
    """A heading's rendered text, as GitHub slugs it.

    Unlike ``plain_text`` this leaves out images (an ``<img>`` has no text
    content, so ``# Name ![badge](...)`` is ``#name-``) and raw HTML, and it
    keeps the spaces around them.
    """
    parts = []
    for token in tokens or []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


class SlugCounter:
    """Adds GitHub's ``-1``, ``-2`` suffixes to repeated anchors."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def unique(self, slug: str) -> str:
        if slug not in self.seen:
            self.seen[slug] = 0
            return slug
        while True:
            self.seen[slug] += 1
            candidate = f"{slug}-{self.seen[slug]}"
            if candidate not in self.seen:
                self.seen[candidate] = 0
                return candidate
