"""LL716 published-year-mismatch: the tag's year is not the year the paper appeared at that venue.

Semantic Scholar sometimes gives an arXiv-keyed paper its preprint's year
even when it records the venue.  Such a year is at most the venue's year,
so for a record that has an arXiv version only a tag year *earlier* than the
record's is reported.  A tag year later than the record's is reported only
for a record without an arXiv version, and never for VLDB and SIGMOD, whose
papers appear in a journal issue dated before the meeting.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.published_venue_check import (
    JOURNAL_BACKED,
    Judged,
    judged_entries,
    paper_name,
    record_name,
)
from listlint.rules.scholarly_checks import SCHOLAR, record_date

__all__ = ["RULE"]

# Proceedings dated in the first weeks of the next year are the meeting's year.
EARLY_MONTHS = 2


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    for judged in judged_entries(document, context):
        record_year = judged.published.year
        if record_year is None:
            continue
        for tag, mention in judged.mentions:
            if (
                mention.venue.name != judged.published.venue
                or mention.year is None
                or mention.year_span is None
            ):
                continue
            if not wrong_year(mention.year, record_year, judged):
                continue
            yield context.diagnostic(
                mention.year_span,
                f"the tag says {tag.text.strip()}, but Semantic Scholar records {paper_name(judged)} "
                f"at {record_name(judged)}",
                url=judged.paper.link.url,
            )


def wrong_year(tag_year: int, record_year: int, judged: Judged) -> bool:
    record = judged.paper.record
    if tag_year < record_year:
        date = record_date(record)
        early = date is not None and date.year == record_year and date.month <= EARLY_MONTHS
        return not (early and tag_year == record_year - 1)
    if tag_year > record_year:
        has_preprint = bool(record.get("arxiv")) or judged.paper.key.startswith("ARXIV:")
        return not has_preprint and judged.published.venue not in JOURNAL_BACKED
    return False


RULE = Rule(
    code="LL716",
    name="published-year-mismatch",
    summary="The entry's venue year is not the year Semantic Scholar records the paper at that venue.",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    uses=(SCHOLAR,),
)
