"""Shared by the published-venue rules (LL714-LL716): an entry's venue tags next
to the venue and year Semantic Scholar records for its paper.

Precision first.  A record is evidence only when its venue names map onto
exactly one known venue (``net/sources/published_venue.py``); a preprint
server, a workshop, an unknown venue or disagreeing names are no evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from listlint.document.model import Document
from listlint.rules.base import RuleContext
from listlint.rules.scholarly_checks import SCHOLAR, PaperRecord, entry_records, published_of, venue_mentions

if TYPE_CHECKING:
    from listlint.net.sources.published_venue import Published
    from listlint.venues import TagInfo, VenueMention

__all__ = ["Judged", "judged_entries", "JOURNAL_BACKED"]

# Conferences whose papers appear in a journal issue dated before the meeting
# (PVLDB, PACMMOD): the record's year may be a year earlier than the tag's.
JOURNAL_BACKED = frozenset({"VLDB", "SIGMOD"})


@dataclass(frozen=True, slots=True)
class Judged:
    paper: PaperRecord
    published: Published
    mentions: list[tuple[TagInfo, VenueMention]]


def judged_entries(document: Document, context: RuleContext) -> Iterator[Judged]:
    from listlint.net.sources.published_venue import venue_kind

    for paper in entry_records(document, context, SCHOLAR):
        published = published_of(paper.record)
        if published is None or published.workshop or venue_kind(published.venue) != "conference":
            continue
        yield Judged(paper, published, venue_mentions(document, context, paper.entry))


def is_workshop_tag(tag: TagInfo, mention: VenueMention) -> bool:
    from listlint.net.sources.published_venue import venue_kind

    text = tag.text.casefold()
    return "workshop" in text or venue_kind(mention.venue.name) != "conference"


def record_name(judged: Judged) -> str:
    published = judged.published
    year = f" {published.year}" if published.year else ""
    written = published.written
    shown = (
        f" (\u201c{written}\u201d)" if written and written.casefold() != published.venue.casefold() else ""
    )
    return f"{published.venue}{year}{shown}"


def paper_name(judged: Judged) -> str:
    key = judged.paper.key
    kind, _, value = key.partition(":")
    return f"arXiv:{value}" if kind == "ARXIV" else f"DOI {value}" if kind == "DOI" else key
