"""The venue a scholarly record says a paper appeared at, on listlint's vocabulary.

Semantic Scholar, DBLP and Crossref name venues in long forms ("Proceedings
of the 29th Symposium on Operating Systems Principles", "Proc. VLDB
Endow.", "ASPLOS (2)").  :func:`published_venue` maps such a record onto a
venue of ``data/venues.toml`` through ``data/scholarly_venues.toml``, or
says it cannot: an arXiv-only record, an unknown or workshop venue, or two
candidate venues are no evidence about a tag.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Published", "published_venue", "normalize_venue_name", "map_venue_name"]

FILLER = frozenset(
    [
        "proceedings",
        "proc",
        "of",
        "the",
        "on",
        "in",
        "and",
        "for",
        "at",
        "annual",
        "acm",
        "ieee",
        "cvf",
        "usenix",
    ]
)
ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$")
PARENS = re.compile(r"\([^)]*\)")
MIN_CONTAINED_WORDS = 3
PREPRINT_SERVERS = frozenset({"arxiv", "arxiv org", "biorxiv", "medrxiv", "ssrn", "corr", "openreview net"})


@dataclass(frozen=True, slots=True)
class Published:
    """Where and when a record says a paper was published."""

    venue: str  # a key of the venue vocabulary
    year: int | None
    workshop: bool  # a workshop of (or co-located with) the venue
    written: str  # the record's own name of the venue


@dataclass(frozen=True, slots=True)
class Names:
    plain: dict[str, str]  # normalised name -> venue key
    dated: dict[str, tuple[str, int]]  # normalised name -> (venue key, first year)
    vocabulary: dict[str, str]  # lower-case spelling or alias -> venue key
    kinds: dict[str, str]  # venue key -> conference | journal | workshop


def normalize_venue_name(name: str) -> str:
    words = re.sub(r"[^\w]+", " ", PARENS.sub(" ", name).replace("_", " ").casefold()).split()
    return " ".join(w for w in words if w not in FILLER and not ORDINAL.match(w))


@lru_cache(maxsize=1)
def names() -> Names:
    from listlint.venues import builtin_venues

    data = tomllib.loads(
        resources.files("listlint").joinpath("data/scholarly_venues.toml").read_text("utf-8")
    )
    vocabulary: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for key, venue in builtin_venues():
        kinds[key] = venue.kind
        for spelling in (venue.name, *venue.aliases):
            vocabulary[normalize_venue_name(spelling)] = key
    plain = {normalize_venue_name(name): key for name, key in data.get("names", {}).items()}
    dated = {
        normalize_venue_name(name): (table["venue"], int(table["from"]))
        for name, table in data.get("dated", {}).items()
    }
    for key in (*plain.values(), *(venue for venue, _ in dated.values())):
        if key not in kinds:
            raise ValueError(f"scholarly_venues.toml names {key!r}, which venues.toml does not know")
    return Names(plain=plain, dated=dated, vocabulary=vocabulary, kinds=kinds)


def map_venue_name(name: str, year: int | None = None) -> str | None:
    """The vocabulary key a venue name stands for, or None (unknown or ambiguous)."""
    table = names()
    normalized = normalize_venue_name(name)
    if not normalized or normalized in PREPRINT_SERVERS:
        return None
    if normalized in table.vocabulary:
        return table.vocabulary[normalized]
    if normalized in table.dated:
        venue, first = table.dated[normalized]
        return venue if year is not None and year >= first else None
    if normalized in table.plain:
        return table.plain[normalized]
    padded = f" {normalized} "
    best: tuple[int, set[str]] = (0, set())
    for candidate, venue in table.plain.items():
        size = len(candidate.split())
        # Short names ("technical conference") must match whole; longer ones may
        # sit inside a longer title ("Proceedings of the ... Symposium on ...").
        if size >= MIN_CONTAINED_WORDS and f" {candidate} " in padded:
            if size > best[0]:
                best = (size, {venue})
            elif size == best[0]:
                best[1].add(venue)
    return next(iter(best[1])) if len(best[1]) == 1 else None


def published_venue(names_and_year: Iterable[str], year: int | None) -> Published | None:
    """The one venue the record's venue names agree on, or None.

    ``names_and_year``: every name the record gives its venue (Semantic
    Scholar's ``venue``, ``publicationVenue.name`` and its
    ``alternate_names``; Crossref's container and event names).
    """
    found: set[str] = set()
    workshop = False
    written = ""
    for name in names_and_year:
        if not isinstance(name, str) or not name.strip():
            continue
        if "workshop" in name.casefold():
            workshop = True
        venue = map_venue_name(name, year)
        if venue is not None:
            found.add(venue)
            written = written or name
    if len(found) != 1:
        return None
    return Published(venue=found.pop(), year=year, workshop=workshop, written=written)


def venue_kind(key: str) -> str:
    return names().kinds.get(key, "")
