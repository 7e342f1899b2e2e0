"""What a same-file ``#fragment`` can point at, shared by the LL5xx rules.

Targets are the headings' GitHub anchors (``Section.anchor``) and explicit
HTML anchors (``<a name="x">``, ``id="x"``).  GitHub scrolls to a fragment
case-insensitively and after percent-decoding, and ``#`` and ``#top`` go to
the top of the page, so those are never broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from listlint.document.model import Document, Link, Section

__all__ = ["AnchorIndex", "index_anchors", "fragment_of", "LINK_KINDS"]

HTML_ANCHOR_RE = re.compile(
    r"<[A-Za-z][A-Za-z0-9]*\b[^<>]*?\s(?:name|id)\s*=\s*[\"']?([^\"'\s<>]+)", re.IGNORECASE
)
ALWAYS = frozenset({"", "top"})
USER_CONTENT = "user-content-"
LINK_KINDS = ("inline", "reference", "html")


# Fuzzy comparisons (broken anchor x heading) one document may spend on
# suggestions: 20,000 broken anchors against 20,000 headings would be 4e8.
# Past the budget a broken anchor is still reported, without a suggestion.
SUGGESTION_BUDGET = 2_000_000


@dataclass(frozen=True, slots=True)
class Suggestions:
    """The headings to suggest from, prepared once per document."""

    choices: list[str]
    by_squeezed: dict[str, list[str]]
    # Comparisons left (a one-item list: the record is frozen, the count is not).
    budget: list[int] = field(default_factory=lambda: [SUGGESTION_BUDGET])


@dataclass(frozen=True, slots=True)
class AnchorIndex:
    # Lower-cased anchor -> the section it belongs to (None for HTML anchors).
    targets: dict[str, Section | None]
    suggestions: list[Suggestions] = field(default_factory=list)  # built on first use

    def resolve(self, fragment: str) -> tuple[bool, Section | None]:
        key = fragment.lower()
        if key.startswith(USER_CONTENT):
            key = key[len(USER_CONTENT) :]
        if key in ALWAYS:
            return True, None
        if key in self.targets:
            return True, self.targets[key]
        return False, None

    def headings(self) -> list[str]:
        return [section.anchor for section in self.targets.values() if section is not None]

    def near(self, fragment: str, cutoff: float = 85) -> str | None:
        """The heading anchor most like ``fragment``, if close enough to be the one meant.

        A heading anchor that differs only by punctuation and GitHub's
        hyphens (``#ml--systems`` for ``ml-systems``) wins; otherwise the
        closest by rapidfuzz's ratio above ``cutoff``.
        """
        from rapidfuzz import fuzz, process  # lazy: only documents with broken anchors pay

        prepared = self.prepared()
        key = fragment.lower()
        same = prepared.by_squeezed.get(squeeze(key), [])
        if len(same) == 1:
            return same[0]
        if prepared.budget[0] < len(prepared.choices):
            return None
        prepared.budget[0] -= len(prepared.choices)
        found = process.extractOne(key, prepared.choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        return found[0] if found else None

    def prepared(self) -> Suggestions:
        if not self.suggestions:
            choices = sorted(set(self.headings()))
            by_squeezed: dict[str, list[str]] = {}
            for choice in choices:
                by_squeezed.setdefault(squeeze(choice), []).append(choice)
            self.suggestions.append(Suggestions(choices, by_squeezed))
        return self.suggestions[0]


def squeeze(anchor: str) -> str:
    return "".join(char for char in anchor if char.isalnum())


def index_anchors(document: Document) -> AnchorIndex:
    targets: dict[str, Section | None] = {}
    text = document.source.text
    if "id" in text or "name" in text:
        for match in HTML_ANCHOR_RE.finditer(text):
            targets.setdefault(unquote(match.group(1)).lower(), None)
    for section in document.sections:
        targets[section.anchor.lower()] = section
    return AnchorIndex(targets)


def fragment_of(link: Link) -> str | None:
    """The decoded fragment of a same-file link, or None for other links."""
    if link.kind not in LINK_KINDS or not link.url.startswith("#"):
        return None
    return unquote(link.url[1:])
