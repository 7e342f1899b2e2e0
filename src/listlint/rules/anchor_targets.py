"""What a same-file ``#fragment`` can point at, shared by the LL5xx rules.

Targets are the headings' GitHub anchors (``Section.anchor``) and explicit
HTML anchors (``<a name="x">``, ``id="x"``).  GitHub scrolls to a fragment
case-insensitively and after percent-decoding, and ``#`` and ``#top`` go to
the top of the page, so those are never broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from listlint.document.model import Document, Link, Section

__all__ = ["AnchorIndex", "index_anchors", "fragment_of", "LINK_KINDS"]

HTML_ANCHOR_RE = re.compile(
    r"<[A-Za-z][A-Za-z0-9]*\b[^<>]*?\s(?:name|id)\s*=\s*[\"']?([^\"'\s<>]+)", re.IGNORECASE
)
ALWAYS = frozenset({"", "top"})
USER_CONTENT = "user-content-"
LINK_KINDS = ("inline", "reference", "html")


@dataclass(frozen=True, slots=True)
class AnchorIndex:
    # Lower-cased anchor -> the section it belongs to (None for HTML anchors).
    targets: dict[str, Section | None]

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

        choices = sorted(set(self.headings()))
        key = fragment.lower()
        squeezed = squeeze(key)
        same = [choice for choice in choices if squeeze(choice) == squeezed]
        if len(same) == 1:
            return same[0]
        found = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        return found[0] if found else None


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
