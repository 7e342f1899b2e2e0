"""The document model rules read: sections, entries, links, each with spans.

Spans are half-open ``[start, end)`` offsets into ``Source.text``.  The model
is built once per file by :func:`listlint.document.parse_document`; rules
never re-parse the Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from listlint.source import Source

__all__ = ["Span", "Link", "Section", "Entry", "Comment", "Document", "LinkKind"]

LinkKind = Literal["inline", "reference", "autolink", "image", "html", "reversed", "broken"]


class Span(NamedTuple):
    """A half-open ``[start, end)`` range of offsets.

    A named tuple rather than a frozen dataclass: a large list makes a few
    Spans per link, and a tuple is several times cheaper to create.
    """

    start: int
    end: int

    def covers(self, offset: int) -> bool:
        return self.start <= offset < self.end


@dataclass(frozen=True, slots=True)
class Link:
    """A link as written.

    ``url`` is the destination exactly as in the source (not percent-encoded
    or unescaped); ``kind`` says how it was written.  ``reversed`` and
    ``broken`` links are not links to Markdown but are kept so that rules can
    report them.
    """

    text: str
    url: str
    span: Span
    text_span: Span
    url_span: Span
    kind: LinkKind = "inline"

    @property
    def is_anchor(self) -> bool:
        return self.url.startswith("#")

    @property
    def is_web(self) -> bool:
        lowered = self.url[:8].lower()
        return lowered.startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the path of headings above it."""

    title: str
    level: int
    path: tuple[str, ...]
    span: Span
    line: int
    anchor: str

    @property
    def path_text(self) -> str:
        return " > ".join(self.path)


@dataclass(frozen=True, slots=True)
class Entry:
    """One list item (or table row) of the list.

    For ``- [Name](url): Rest of title | Venue' 24, Lab``:
    ``name`` is ``Name``, ``description`` is ``Rest of title``, ``tags_text``
    is ``Venue' 24, Lab`` and ``tags`` its comma-separated parts.  ``title``
    is the paper title the entry states: ``Name: Rest of title`` when the
    text after the link starts with a colon, else ``Name``.
    """

    span: Span
    line: int
    end_line: int
    section: Section | None
    depth: int
    kind: Literal["item", "row"]
    raw: str
    links: tuple[Link, ...]
    name: str
    title: str
    description: str
    tags_text: str
    tags: tuple[str, ...]
    tags_span: Span | None
    separator_span: Span | None
    after_link_span: Span | None

    @property
    def primary_link(self) -> Link | None:
        for link in self.links:
            if link.kind in ("inline", "reference", "autolink", "html") and not link.is_anchor:
                return link
        return None


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment, used for inline suppressions."""

    text: str
    span: Span
    line: int
    end_line: int


@dataclass(slots=True)
class Document:
    source: Source
    sections: list[Section] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.source.path

    def section_at(self, offset: int) -> Section | None:
        found = None
        for section in self.sections:
            if section.span.start > offset:
                break
            found = section
        return found
