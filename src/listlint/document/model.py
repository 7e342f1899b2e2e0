"""The document model rules read: sections, entries, links, each with spans.

Spans are half-open ``[start, end)`` offsets into ``Source.text``.  The model
is built once per file by :func:`listlint.document.parse_document`; rules
never re-parse the Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from listlint.source import Source

__all__ = [
    "Span",
    "Link",
    "Section",
    "Entry",
    "Comment",
    "Document",
    "LinkKind",
    "LinkRole",
    "Tag",
    "TagPlace",
    "TaskState",
]

LinkKind = Literal["inline", "reference", "autolink", "image", "html", "reversed", "broken"]
# What a link of an entry is for, from its text, host and shape.
LinkRole = Literal["paper", "code", "project", "badge", "other"]
# Where an entry states a tag: after "|", "(ICML 2023)", "**ICML 2023**",
# "`2023`" (a code span, as awesome lists tag), at the end of its text, or
# in a shields badge.
TagPlace = Literal["bar", "parentheses", "bold", "code", "trailing", "badge", "italic"]
TaskState = Literal["open", "done"]


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
class Tag:
    """A piece of an entry that may state a venue and year.

    ``span`` is where it stands in the file; ``exact`` says whether
    ``source.text[span.start:span.end] == text`` (a badge's text is decoded
    from its URL, so its span is the badge's and it is not exact).
    """

    text: str
    span: Span
    where: TagPlace
    exact: bool


@dataclass(frozen=True, slots=True)
class Entry:
    """One list item (or table row) of the list.

    For ``- [Name](url): Rest of title | Venue' 24, Lab``:
    ``name`` is ``Name``, ``description`` is ``Rest of title``, ``tags_text``
    is ``Venue' 24, Lab`` and ``tags`` its comma-separated parts.  ``title``
    is the title the entry states: ``Name: Rest of title`` when a short name
    (three words at most) is followed by a colon and a title-cased rest,
    else the link text (``[Full Title](url): a note`` has the title ``Full
    Title``).  When the title is not a link (``- **Title** [[Paper]](url)``,
    ``- Title`` / blank line / ``[paper](url)``) it is the bold or plain text
    that names the entry, and ``title_link`` is None.

    ``markers`` are what stands before the title (``[x]``, an emoji,
    ``:star:``, ``[NEW]``, a date label); ``task`` the state of a task box.
    ``links`` are the links of every paragraph of the item, ``roles`` their
    roles (same order).  ``primary_link`` is the title's link, else the first
    paper link, else the first link that is neither code nor a badge; never
    a badge or a generic ``[code]`` link.  ``venue_tags`` are every place
    that may state a venue and year (the ``|`` tags too).
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
    primary_link: Link | None = None
    title_link: Link | None = None
    roles: tuple[LinkRole, ...] = ()
    markers: tuple[str, ...] = ()
    task: TaskState | None = None
    venue_tags: tuple[Tag, ...] = ()

    def role_of(self, link: Link) -> LinkRole:
        """The role of one of this entry's links ("other" for a link not of this entry)."""
        for index, own in enumerate(self.links):
            if own is link and index < len(self.roles):
                return self.roles[index]
        return "other"

    def links_with_role(self, role: LinkRole) -> tuple[Link, ...]:
        return tuple(link for link, own in zip(self.links, self.roles, strict=False) if own == role)


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
