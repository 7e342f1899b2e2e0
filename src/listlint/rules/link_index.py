"""Shared by the duplicate and URL-hygiene rules: where each web link sits.

One pass over the document gives every checked web link with its entry, its
section (the innermost heading above it) and its identity.  The index is
built once per document and shared by the rules that read it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from listlint.diagnostics import Edit
from listlint.document.entry_fields import is_generic_text
from listlint.document.model import Document, Entry, Link, Section, Span
from listlint.identity import paper_identity
from listlint.rules.base import RuleContext
from listlint.urls import normalize_url

__all__ = [
    "CHECKED_KINDS",
    "ID_KINDS",
    "Occurrence",
    "LinkIndex",
    "link_index",
    "identity_of",
    "url_bytes_match",
    "url_edit",
    "section_name",
    "normalize_title",
    "same_listing",
    "first_same_listing",
    "review_order",
    "NUMBER_RE",
    "GENERIC_NAMES",
    "is_feed",
    "titles_conflict",
    "stated_title",
    "PAPER_KINDS",
]

CHECKED_KINDS = ("inline", "reference", "autolink", "html")
# Identities that name one paper or repository; any other identity is a page.
ID_KINDS = ("arxiv:", "doi:", "openreview:", "github:")
NON_WORD_RE = re.compile(r"[\W_]+")
# Titles that differ in a number ("Qwen2-Math" and "Qwen2.5-Math", "GPT-3"
# and "GPT-4") name different things, however alike the rest is.
NUMBER_RE = re.compile(r"\d+")
# Link words that name a kind of page, not a thing ("[paper](...)").
GENERIC_NAMES = frozenset(
    {
        "paper",
        "pdf",
        "code",
        "link",
        "website",
        "homepage",
        "home",
        "docs",
        "documentation",
        "blog",
        "post",
        "slides",
        "video",
        "talk",
        "project",
        "project page",
        "github",
        "repo",
        "arxiv",
        "here",
        "demo",
        "link here",
        "official",
        "abstract",
        "html",
        "site",
    }
)
# How alike two titles must be (rapidfuzz ratio) to call them one listing.
SAME_LISTING_SCORE = 90


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One checked web link and where it sits."""

    link: Link
    entry: Entry | None
    section: int  # index into document.sections; -1 before the first heading
    key: str  # normalize_url(link.url)
    identity: str  # paper_identity(link.url)
    # The sub-group inside the section: the offset of the list item that
    # holds this nested entry (``* HTTP Client`` over its crates), or -1 for a
    # top-level entry.  An item with items below it opens a sub-section, as a
    # heading does.
    group: int = -1
    # Whether the section is a feed (News, Updates, Highlights, Trending):
    # repeats there announce, they do not list twice.
    in_feed: bool = False

    @property
    def is_page(self) -> bool:
        """Whether the link is a plain web page, not a paper or repository identifier."""
        return not self.identity.startswith(ID_KINDS)

    @property
    def is_primary(self) -> bool:
        """Whether the link is its entry's own link (not a code or PDF link beside it)."""
        return self.entry is not None and self.entry.primary_link is self.link


@dataclass(frozen=True, slots=True)
class LinkIndex:
    # Every checked web link, in document order.
    occurrences: tuple[Occurrence, ...]
    # One per entry with a web link: the entry's own (primary) link.
    primary: tuple[Occurrence, ...]


_last: tuple[Document, LinkIndex] | None = None


def link_index(document: Document) -> LinkIndex:
    """The index of ``document`` (built once, reused by every rule of a run)."""
    global _last
    if _last is not None and _last[0] is document:
        return _last[1]
    index = build_index(document)
    _last = (document, index)
    return index


def build_index(document: Document) -> LinkIndex:
    entries: dict[int, Entry] = {}
    for entry in document.entries:
        for link in entry.links:
            entries[link.span.start] = entry
    groups = sub_groups(document)
    feeds = [is_feed(section) for section in document.sections]
    starts = [section.span.start for section in document.sections]
    found = []
    for link in document.links:
        if link.kind not in CHECKED_KINDS or not link.is_web:
            continue
        section = bisect.bisect_right(starts, link.span.start) - 1
        owner = entries.get(link.span.start)
        found.append(
            Occurrence(
                link,
                owner,
                section,
                normalize_url(link.url),
                identity_of(link.url),
                groups.get(id(owner), -1) if owner is not None else -1,
                feeds[section] if section >= 0 else False,
            )
        )
    return LinkIndex(tuple(found), tuple(o for o in found if o.is_primary))


def sub_groups(document: Document) -> dict[int, int]:
    """id(entry) -> the offset of the item it is nested in (top-level entries have none)."""
    groups: dict[int, int] = {}
    stack: list[Entry] = []
    section = None
    for entry in document.entries:
        if entry.kind != "item":
            continue
        if entry.section is not section:
            stack.clear()
            section = entry.section
        while stack and stack[-1].depth >= entry.depth:
            stack.pop()
        if stack:
            groups[id(entry)] = stack[-1].span.start
        stack.append(entry)
    return groups


def has_own_link(entry: Entry) -> bool:
    return any(
        link.kind in CHECKED_KINDS and role != "badge"
        for link, role in zip(entry.links, entry.roles, strict=False)
    )


FEED_RE = re.compile(
    r"\b(?:news|updates?|highlights?|announcements?|changelog|what'?s new|trending)\b",
    re.IGNORECASE,
)


def is_feed(section: Section) -> bool:
    """A News / Updates / Highlights / Trending section (its own heading, not its parents')."""
    return FEED_RE.search(section.title) is not None


@lru_cache(maxsize=16384)
def identity_of(url: str) -> str:
    return paper_identity(url) or normalize_url(url)


def url_bytes_match(document: Document, link: Link) -> bool:
    """Whether ``link.url_span`` holds the URL itself (not a reference label)."""
    span = link.url_span
    return document.source.text[span.start : span.end] == link.url


def url_edit(context: RuleContext, link: Link, start: int, end: int, content: str) -> Edit:
    """An edit replacing ``link.url[start:end]`` with ``content`` in the source."""
    base = link.url_span.start
    return context.edit(Span(base + start, base + end), content)


def section_name(document: Document, index: int) -> str:
    if index < 0:
        return "the top of the file"
    return f"'{document.sections[index].path_text}'"


def normalize_title(title: str) -> str:
    """Lower case, punctuation and runs of spaces to one space, trimmed."""
    return " ".join(NON_WORD_RE.sub(" ", title.casefold()).split())


# Below this rapidfuzz ratio two full titles name different papers.
CONFLICT_SCORE = 50
PAPER_KINDS = ("arxiv:", "doi:", "openreview:")


def titles_conflict(a: Occurrence, b: Occurrence) -> bool:
    """Whether two entries that link one paper name two different papers.

    Both titles must be full titles (three words or more), neither containing
    the other, and alike in few words: a short name beside a title, or a
    shortened title, is one paper named two ways.
    """
    if a.entry is None or b.entry is None or not a.identity.startswith(PAPER_KINDS):
        return False
    if a.in_feed or b.in_feed:
        return False  # a News item's text is an announcement, not a title
    title_a, title_b = stated_title(a), stated_title(b)
    first, second = normalize_title(title_a), normalize_title(title_b)
    if len(title_a.split()) < 3 or len(title_b.split()) < 3:
        return False  # a name ("DeepSeek-v2-236B-MoE"), not a title: words as written
    if len(first.split()) < 3 or len(second.split()) < 3 or first in second or second in first:
        return False
    if names_other(title_a, second) or names_other(title_b, first):
        return False  # "AQUA: ..." and "... using AQUA": one system, retitled
    from rapidfuzz import fuzz

    return fuzz.ratio(first, second) < CONFLICT_SCORE


REGISTRY_HOSTS = (
    "crates.io",
    "pypi.org",
    "www.npmjs.com",
    "pkg.go.dev",
    "rubygems.org",
    "hackage.haskell.org",
)


def two_packages(a: Occurrence, b: Occurrence) -> bool:
    """Whether two entries on one repository are two packages of it, on evidence:
    different package-registry links (two crates), or two different names that
    both extend the repository's name (``hatch`` and ``hatchling``, ``g3bench``
    and ``g3proxy`` of ``g3``).  ``owner/name`` beside ``name`` is one package."""
    assert a.entry is not None and b.entry is not None
    names = normalize_title(a.entry.name), normalize_title(b.entry.name)
    words = set(names[0].split()), set(names[1].split())
    if not words[0] or not words[1] or words[0] <= words[1] or words[1] <= words[0]:
        return False  # one name is part of the other: "linebender/xilem" and "xilem"
    registries = [registry_links(occurrence.entry) for occurrence in (a, b)]  # type: ignore[arg-type]
    if registries[0] and registries[1] and not registries[0] & registries[1]:
        return True
    repo = normalize_title(a.identity.rpartition("/")[2].removesuffix(".jl").removesuffix(".rs"))
    return bool(repo) and all(name.replace(" ", "").startswith(repo.replace(" ", "")) for name in names)


def registry_links(entry: Entry) -> frozenset[str]:
    found = set()
    for link in entry.links:
        lowered = link.url.lower()
        if any(f"//{host}/" in lowered for host in REGISTRY_HOSTS):
            found.add(lowered.rstrip("/"))
    return frozenset(found)


def stated_title(occurrence: Occurrence) -> str:
    """The title an entry gives the paper behind ``occurrence``'s link: the entry's
    title, or the link's own text when the link is not the title's (a dataset
    row ``| **I4** | [Its Paper's Title](url) |``)."""
    entry = occurrence.entry
    if entry is None:
        return ""
    link = occurrence.link
    if entry.title_link is not link and link.text and not is_generic_text(link.text):
        return link.text
    return entry.title


def names_other(title: str, other_norm: str) -> bool:
    """Whether the name before ``title``'s colon ("AQUA" of "AQUA: ...") is a word of the other title."""
    name, colon, _ = title.partition(":")
    name = normalize_title(name)
    return bool(colon) and 0 < len(name.split()) <= 3 and f" {name} " in f" {other_norm} "


def same_listing(a: Occurrence, b: Occurrence) -> bool:
    """Whether two entries that share a link list the same thing.

    A plain page shared by entries with different titles (a venue's list of
    accepted papers, a vendor's home page for several models) is a common
    reference, not a repeated entry; so is a repository shared by entries
    with different names (two packages of one repository).  Paper
    identifiers (arXiv, DOI, OpenReview) always name one paper, so entries
    sharing one are always the same.
    """
    if a.entry is None or b.entry is None:
        return True
    if titles_conflict(a, b):
        return False  # two papers on one link: same-link-different-titles reports it
    # A link that is not the entry's title (| **CLEVR-ATVC** | [its paper](url) |)
    # supports the entry; entries with different names may share it.
    supporting = a.entry.title_link is not a.link or b.entry.title_link is not b.link
    repository = a.identity.startswith("github:") and a.entry is not b.entry
    if repository and not supporting:
        return not two_packages(a, b)
    if not (a.is_page and b.is_page) and not supporting:
        return True
    names = normalize_title(a.entry.name), normalize_title(b.entry.name)
    titles = normalize_title(a.entry.title), normalize_title(b.entry.title)
    if (names[0] == names[1] and names[0] not in GENERIC_NAMES) or titles[0] == titles[1]:
        return True
    if NUMBER_RE.findall(titles[0]) != NUMBER_RE.findall(titles[1]):
        return False
    from rapidfuzz import fuzz

    return bool(fuzz.ratio(titles[0], titles[1], score_cutoff=SAME_LISTING_SCORE))


def review_order(occurrences: tuple[Occurrence, ...], context: RuleContext) -> list[Occurrence]:
    """Occurrences in the order the pair rules read them.

    The pair rules report the later of two listings.  In PR mode the new
    listing is the one to report even when it was added above the old one, so
    unchanged occurrences come first (the sort is stable: document order
    otherwise).
    """
    if context.changed_lines is None:
        return list(occurrences)
    return sorted(occurrences, key=lambda occurrence: context.is_changed(occurrence.link.span))


def first_same_listing(occurrence: Occurrence, earlier: list[Occurrence]) -> Occurrence | None:
    """The first of ``earlier`` listing the same thing as ``occurrence``."""
    for other in earlier[:MAX_COMPARED]:
        if same_listing(occurrence, other):
            return other
    return None


# A page shared by hundreds of entries is compared with its first few only.
MAX_COMPARED = 32
