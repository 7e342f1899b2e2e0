"""Small readings of an entry's raw text that several LL1xx rules share.

The document model says where the primary link and the separator are; these
helpers answer the questions around them (is there text before the link?
what separator follows it?) without re-parsing the Markdown.
"""

from __future__ import annotations

import re

from listlint.document.model import Document, Entry, Link

__all__ = ["leading_text", "separator_kind", "starts_with_link", "LIST_MARKER_RE"]

LIST_MARKER_RE = re.compile(r"\s*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
EMPHASIS = "*_~ \t"


def leading_text(document: Document, entry: Entry, link: Link) -> str:
    """The text between the list marker and ``link`` (emphasis markers dropped);
    empty for the entry's title link (only markers stand before it)."""
    if link is entry.title_link:
        return ""
    before = document.source.text[entry.span.start : link.span.start]
    marker = LIST_MARKER_RE.match(before)
    if marker:
        before = before[marker.end() :]
    return before.strip(EMPHASIS)


def starts_with_link(document: Document, entry: Entry) -> Link | None:
    """The primary link when the entry begins with it (``- [Name](url) ...``)."""
    link = entry.title_link
    if link is None or link is not entry.primary_link or link.kind not in ("inline", "reference"):
        return None
    if entry.kind != "item":
        return None
    if leading_text(document, entry, link):
        return None
    return link


def separator_kind(document: Document, entry: Entry) -> str:
    """``:``, ``-``, ``|`` (tags right after the link), ``text``, or ``end``."""
    separator = entry.separator_span
    if separator is not None:
        written = document.source.text[separator.start : separator.end].strip()
        return ":" if written in (":", "：") else "-"
    span = entry.after_link_span
    after = document.source.text[span.start : span.end].strip(" \t*_") if span else ""
    if not after:
        return "end"
    if after[0] in "|｜":
        return "|"
    return "text"
