"""GitHub's heading anchors (the ids of rendered headings)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# GitHub (html-pipeline's TableOfContentsFilter) deletes /[^\p{Word}\- ]/ from
# the lower-cased text, then turns spaces into hyphens.  Ruby's \p{Word} is
# letters, marks, decimal digits and connector punctuation ("_"); so other
# numbers (superscripts, circled digits), punctuation, symbols and emoji go.
KEPT_CATEGORIES = ("L", "M", "Nd", "Pc")


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading whose plain text is ``text``."""
    out = []
    for char in text.lower():
        category = unicodedata.category(char)
        if char in " -" or category in KEPT_CATEGORIES or category[0] in KEPT_CATEGORIES:
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
