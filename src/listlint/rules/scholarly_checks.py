"""Shared by the rules that read scholarly records (LL711-LL718).

What an entry says (its title, its venue tags) next to what the DOI
registry, Crossref and Semantic Scholar say about the paper its links name.
The records come from ``context.facts`` (the gather stage); nothing here
touches the network.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from listlint.document.model import Document, Entry, Link
from listlint.rules.base import RuleContext

if TYPE_CHECKING:
    from listlint.gather.sources import Lookup
    from listlint.net.sources.published_venue import Published
    from listlint.venues import TagInfo, VenueMention

__all__ = [
    "DOI",
    "CROSSREF",
    "SCHOLAR",
    "PaperRecord",
    "entry_records",
    "published_of",
    "venue_mentions",
    "stated_title",
    "is_generic_name",
]

DOI = "doi"
CROSSREF = "crossref"
SCHOLAR = "semantic-scholar"


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """An entry, the link that names its paper, and a source's record of that paper."""

    entry: Entry
    link: Link
    record: dict[str, Any]
    key: str


def found(context: RuleContext, source: str, link: Link) -> Lookup | None:
    facts = context.facts
    if facts is None:
        return None
    lookup = facts.lookup(source, link)
    return lookup if lookup is not None and lookup.found else None


def entry_records(document: Document, context: RuleContext, source: str) -> Iterator[PaperRecord]:
    """Per entry, the first link (the primary one first) that ``source`` has a record of."""
    facts = context.facts
    if facts is None:
        return
    known = facts.sources.get(source)
    if known is None:
        return
    for entry in document.entries:
        primary = entry.primary_link
        links = [primary, *(link for link in entry.links if link is not primary)] if primary else entry.links
        for link in links:
            if link is None or not link.is_web or not context.is_changed(link.span):
                continue
            lookup = found(context, source, link)
            if lookup is not None:
                yield PaperRecord(entry, link, dict(lookup.record), known.key(link) or "")
                break


def published_of(record: dict[str, Any]) -> Published | None:
    """Where a Semantic Scholar record says the paper appeared (None: no evidence)."""
    from listlint.net.sources.published_venue import published_venue

    names = [record.get("venue", ""), record.get("venue_name", ""), *record.get("venue_alternates", [])]
    return published_venue(names, record_year(record))


def record_year(record: dict[str, Any]) -> int | None:
    date = record.get("date") or ""
    if len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    year = record.get("year")
    return year if isinstance(year, int) else None


def record_date(record: dict[str, Any]) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(record.get("date") or "")
    except ValueError:
        return None


def venue_mentions(
    document: Document, context: RuleContext, entry: Entry
) -> list[tuple[TagInfo, VenueMention]]:
    """The entry's tags that name a known venue, wherever the entry puts them."""
    by_entry = tags_by_entry(document, context)
    return [(tag, tag.venue) for tag in by_entry.get(id(entry), []) if tag.venue is not None]


_last: tuple[Document, dict[int, list[TagInfo]]] | None = None


def tags_by_entry(document: Document, context: RuleContext) -> dict[int, list[TagInfo]]:
    """``tags_of`` by entry identity, built once per document."""
    global _last
    if _last is None or _last[0] is not document:
        from listlint.venues import tags_of

        _last = (document, {id(entry): infos for entry, infos in tags_of(document, context)})
    return _last[1]


def has_any_tag(document: Document, context: RuleContext, entry: Entry) -> bool:
    """Whether the entry states a venue or a year anywhere in its tags."""
    if venue_mentions(document, context, entry):
        return True
    return entry.tags_span is not None and any(ch.isdigit() for ch in entry.tags_text)


def stated_title(entry: Entry) -> Any:
    from listlint.net.arxiv_titles import StatedTitle

    name = entry.name.strip().rstrip(":").strip()
    return StatedTitle(name=name, title=entry.title, description=entry.description)


GENERIC = frozenset(
    {"paper", "pdf", "arxiv", "abs", "abstract", "link", "here", "preprint", "article", "doi", "acm", "ieee"}
    | {"code", "project", "project page", "website", "homepage", "blog", "slides", "video", "html", "url"}
)


def is_generic_name(name: str) -> bool:
    from listlint.net.arxiv_titles import normalize_title

    normalized = normalize_title(name)
    return normalized in GENERIC or not any(c.isalpha() for c in normalized)
