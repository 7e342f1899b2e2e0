"""Venue vocabulary and the tag parser the LL3xx rules share.

The vocabulary is package data (``listlint/data/venues.toml``) merged with a
rule's ``extra-venues`` option.  The parser reads each comma-separated tag of
an entry (``OSDI' 24``, ``NeurIPS 2023 Workshop``, ``Stanford & UCB``) and
says which venue it names, how the year is written, and where in the file
each piece stands.  Tags that name no venue (affiliations, notes) are kept as
plain tags: they are not errors.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from listlint.document.model import Document, Entry, Span, Tag
from listlint.errors import ConfigError

__all__ = [
    "Venue",
    "Vocabulary",
    "VenueMention",
    "TagInfo",
    "YEAR_FORMS",
    "load_vocabulary",
    "vocabulary_for",
    "read_tags",
    "tags_of",
    "full_year",
    "format_year",
    "today_for",
]

# How a year follows a venue name.  The keys are the values of the
# venue-year-style rule's ``year-style`` option.
YEAR_FORMS: dict[str, str] = {
    "apostrophe-space": "OSDI' 24",
    "apostrophe": "OSDI'24",
    "space-apostrophe": "OSDI '24",
    "short": "OSDI 24",
    "full": "OSDI 2024",
}
APOSTROPHES = "'’‘`´"
CURLY = "’‘`´"
TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9&+/\-]*[A-Za-z0-9&]|[A-Za-z]")
# The year right after a venue name: spaces, an apostrophe, spaces, digits.
ATTACHED_YEAR_RE = re.compile(r"([ \t]*)([" + APOSTROPHES + r"]?)([ \t]*)((?:19|20)\d{2}|\d{2})(?![\w.])")
LOOSE_YEAR_RE = re.compile(r"(?<![\w.])(?:19|20)\d{2}(?![\w.])|[" + APOSTROPHES + r"]\s?\d{2}(?![\w.])")


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    aliases: tuple[str, ...]
    first: int
    kind: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    # Lower-cased spelling -> (venue, the accepted spelling it stands for).
    spellings: Mapping[str, tuple[Venue, str]]
    longest: int  # most words in one spelling
    # Every accepted spelling as written (names and aliases).
    accepted: frozenset[str] = frozenset()

    def lookup(self, word: str) -> tuple[Venue, str] | None:
        """The venue ``word`` names and the spelling to write: ``word`` itself
        when it is an accepted spelling, else the canonical one for its case."""
        found = self.spellings.get(word.lower())
        if found is not None and word in self.accepted:
            return found[0], word
        return found

    @property
    def names(self) -> list[str]:
        return sorted({spelling for _, spelling in self.spellings.values()})


@dataclass(frozen=True, slots=True)
class VenueMention:
    """A venue named in a tag, with spans in the file."""

    venue: Venue
    written: str  # the venue as written
    spelling: str  # the accepted spelling it was matched to
    name_span: Span
    year_text: str  # the year as written ("" when none)
    year: int | None  # the full year (two digits expanded)
    form: str | None  # a YEAR_FORMS key, "other", or None (no attached year)
    year_span: Span | None  # from the end of the venue name to the end of the year
    attached: bool  # the year directly follows the venue name


@dataclass(frozen=True, slots=True)
class TagInfo:
    text: str
    span: Span
    venue: VenueMention | None
    # A word followed by a year that is not a known venue: (word, span).
    unknown: tuple[str, Span] | None
    # Whether the text stands in the file at ``span`` (not for a badge's).
    exact: bool = True


def load_vocabulary(extra: Mapping[str, Any] | None = None) -> Vocabulary:
    """The built-in venues plus ``extra`` (a table like the data file's ``venues``)."""
    venues = dict(builtin_venues())
    for name, table in (extra or {}).items():
        venues[name] = make_venue(name, table, origin="extra-venues")
    spellings: dict[str, tuple[Venue, str]] = {}
    accepted: set[str] = set()
    for venue in venues.values():
        for spelling in (venue.name, *venue.aliases):
            accepted.add(spelling)
            # The canonical name wins over an alias that differs only in case
            # (CLUSTER and Cluster): a case variant is then told the key.
            spellings.setdefault(spelling.lower(), (venue, spelling))
    longest = max((len(key.split()) for key in spellings), default=1)
    return Vocabulary(spellings=spellings, longest=longest, accepted=frozenset(accepted))


@lru_cache(maxsize=1)
def builtin_venues() -> tuple[tuple[str, Venue], ...]:
    path = resources.files("listlint").joinpath("data/venues.toml")
    data = tomllib.loads(path.read_text("utf-8"))
    return tuple(
        (name, make_venue(name, table, origin="venues.toml")) for name, table in data["venues"].items()
    )


def make_venue(name: str, table: Any, *, origin: str) -> Venue:
    if isinstance(table, int) and not isinstance(table, bool):
        table = {"first": table}
    if not isinstance(table, Mapping):
        raise ConfigError(f"{origin}: venue {name!r} must be a table or a first year")
    aliases = table.get("aliases", [])
    first = table.get("first", 1900)
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ConfigError(f"{origin}: venue {name!r}: aliases must be a list of strings")
    if not isinstance(first, int) or isinstance(first, bool):
        raise ConfigError(f"{origin}: venue {name!r}: first must be a year")
    kind = str(table.get("kind", "conference"))
    return Venue(name=name, aliases=tuple(aliases), first=first, kind=kind)


def vocabulary_for(context: Any) -> Vocabulary:
    """The run's vocabulary: built-ins plus venue-name's ``extra-venues``.

    Every LL3xx rule reads the same option (set once, under venue-name), so
    the vocabulary is made once per run and shared through the services.
    """
    table = context.settings.rule_table("venue-name", "LL301")
    extra = table.get("extra-venues") or context.options.get("extra-venues") or {}
    if not isinstance(extra, Mapping):
        raise ConfigError("rules.venue-name.extra-venues: expected a table")
    return context.services.get("venues.vocabulary", lambda: load_vocabulary(extra))  # type: ignore[no-any-return]


def today_for(context: Any) -> datetime.date:
    """``today`` from the rule's option (ISO date, for reproducible runs) or the clock."""
    value = context.options.get("today") or ""
    if not value:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        where = f"rules.{context.rule.name}.today"
        raise ConfigError(f"{where}: expected YYYY-MM-DD, got {value!r}") from None


def full_year(digits: str, today: int) -> int:
    """``24`` -> 2024; two-digit years more than ten years ahead are 19xx."""
    if len(digits) == 4:
        return int(digits)
    year = 2000 + int(digits)
    return year if year <= today + 10 else year - 100


def format_year(form: str, year: int) -> str:
    """What follows the venue name in ``form``: ``' 24``, ``'24``, `` '24``, `` 24``, `` 2024``."""
    short = f"{year % 100:02d}"
    return {
        "apostrophe-space": f"' {short}",
        "apostrophe": f"'{short}",
        "space-apostrophe": f" '{short}",
        "short": f" {short}",
        "full": f" {year}",
    }[form]


def classify_year(before: str, apostrophe: str, after: str, digits: str) -> str:
    if before not in ("", " ") or after not in ("", " "):
        return "other"
    if apostrophe:
        if len(digits) == 4:
            return "other"
        if not before and after:
            return "apostrophe-space"
        if not before and not after:
            return "apostrophe"
        if before and not after:
            return "space-apostrophe"
        return "other"
    if not before or after:
        return "other"
    return "short" if len(digits) == 2 else "full"


def tag_spans(document: Document, entry: Entry) -> Iterator[tuple[str, int]]:
    """Each tag (stripped) and its offset in the file; none if the span is unreliable."""
    span = entry.tags_span
    if span is None or not entry.tags_text:
        return
    if document.source.text[span.start : span.end] != entry.tags_text:
        return  # tags cross a line break or markup; positions would be guesses
    position = 0
    for piece in entry.tags_text.split(","):
        stripped = piece.strip()
        if stripped:
            yield stripped, span.start + position + (len(piece) - len(piece.lstrip()))
        position += len(piece) + 1


def tags_of(document: Document, context: Any) -> list[tuple[Entry, list[TagInfo]]]:
    """Every entry's parsed tags, read once per document for all the LL3xx rules."""
    vocabulary = vocabulary_for(context)
    today = today_for(context).year
    cache: dict[tuple[int, int], tuple[Document, list[tuple[Entry, list[TagInfo]]]]]
    cache = context.services.get("venues.tags", dict)
    key = (id(document), today)
    held = cache.get(key)
    if held is not None and held[0] is document:  # the cache holds the document, so ids stay unique
        return held[1]
    parsed = []
    for entry in document.entries:
        infos = read_tags(document, entry, vocabulary, today) if entry.tags_span is not None else []
        for tag in entry.venue_tags:
            if tag.where != "bar":
                info = read_place(tag, vocabulary, today)
                if info is not None:
                    infos.append(info)
        if infos or entry.tags_span is not None:
            parsed.append((entry, infos))
    cache[key] = (document, parsed)
    return parsed


def read_place(tag: Tag, vocabulary: Vocabulary, today: int) -> TagInfo | None:
    """A venue and its year stated outside the ``|`` tags (parentheses, bold, the end
    of the text, a badge); only a known venue directly followed by a year counts:
    anything looser would read prose as tags."""
    if not tag.exact and tag.where != "badge":
        return None  # markup inside: positions would be guesses
    info = read_tag(tag.text.rstrip(" \t."), tag.span.start, vocabulary, today)
    if info.venue is None or not info.venue.attached:
        return None
    if not tag.exact:
        # A badge states the venue in its URL: the finding points at the badge.
        return TagInfo(text=tag.text, span=tag.span, venue=info.venue, unknown=None, exact=False)
    return info


def read_tags(document: Document, entry: Entry, vocabulary: Vocabulary, today: int) -> list[TagInfo]:
    return [read_tag(text, start, vocabulary, today) for text, start in tag_spans(document, entry)]


def read_tag(text: str, start: int, vocabulary: Vocabulary, today: int) -> TagInfo:
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
    found: list[VenueMention] = []
    unknown: tuple[str, Span] | None = None
    index = 0
    while index < len(tokens):
        matched = match_venue(text, tokens, index, vocabulary)
        if matched is None:
            word, word_start, word_end = tokens[index]
            if unknown is None and looks_like_venue(text, word, word_end):
                unknown = (word, Span(start + word_start, start + word_end))
            index += 1
            continue
        (venue, spelling), count = matched
        word_start, word_end = tokens[index][1], tokens[index + count - 1][2]
        found.append(mention(text, start, venue, spelling, word_start, word_end, today))
        index += count
    chosen = next((m for m in found if m.attached), found[0] if found else None)
    return TagInfo(
        text=text, span=Span(start, start + len(text)), venue=chosen, unknown=None if chosen else unknown
    )


def match_venue(
    text: str, tokens: list[tuple[str, int, int]], index: int, vocabulary: Vocabulary
) -> tuple[tuple[Venue, str], int] | None:
    for count in range(min(vocabulary.longest, len(tokens) - index), 0, -1):
        group = tokens[index : index + count]
        if any(
            after[1] - before[2] != 1 or text[before[2]] != " "
            for before, after in zip(group, group[1:], strict=False)
        ):
            continue  # the words of a spelling are separated by single spaces
        found = vocabulary.lookup(" ".join(word for word, _, _ in group))
        if found is not None:
            return found, count
    return None


def mention(
    text: str, base: int, venue: Venue, spelling: str, word_start: int, word_end: int, today: int
) -> VenueMention:
    written = text[word_start:word_end]
    attached = ATTACHED_YEAR_RE.match(text, word_end)
    if attached:
        before, apostrophe, after, digits = attached.groups()
        return VenueMention(
            venue=venue,
            written=written,
            spelling=spelling,
            name_span=Span(base + word_start, base + word_end),
            year_text=digits,
            year=full_year(digits, today),
            form=classify_year(before, apostrophe, after, digits),
            year_span=Span(base + word_end, base + attached.end()),
            attached=True,
        )
    loose = LOOSE_YEAR_RE.search(text)
    digits = loose.group().lstrip(APOSTROPHES).strip() if loose else ""
    return VenueMention(
        venue=venue,
        written=written,
        spelling=spelling,
        name_span=Span(base + word_start, base + word_end),
        year_text=digits,
        year=full_year(digits, today) if digits else None,
        form=None,
        year_span=None,
        attached=False,
    )


def looks_like_venue(text: str, word: str, word_end: int) -> bool:
    """A capitalised word followed by ``' 24`` or a four-digit year reads like a venue."""
    if not word[0].isupper() or len(word) < 2:
        return False
    attached = ATTACHED_YEAR_RE.match(text, word_end)
    if attached is None:
        return False
    before, apostrophe, after, digits = attached.groups()
    return bool(apostrophe) or (len(digits) == 4 and before == " ")
