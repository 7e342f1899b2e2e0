"""LL706 venue-year-mismatch: the venue year is earlier than the first arXiv version allows.

A paper first posted to arXiv in March 2024 was not at ``OSDI' 22``.  A
paper may be posted a little after the venue, though (NeurIPS meets in
December; the camera-ready often reaches arXiv in January), so the venue
year is compared with the year of the first version *minus*
``tolerance-days`` (60 by default): posted on 2024-01-20, ``NeurIPS 2023``
passes; posted on 2024-03-05, it does not.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Span
from listlint.rules.arxiv_checks import USES, arxiv_check
from listlint.rules.base import Rule, RuleContext

if TYPE_CHECKING:
    from listlint.rules.arxiv_review import ArxivReview, Judgement

__all__ = ["RULE"]


def report(
    document: Document, context: RuleContext, judged: list[Judgement], review: ArxivReview
) -> Iterator[Diagnostic]:
    tolerance = datetime.timedelta(days=int(context.options.get("tolerance-days", 60)))
    seen: set[int] = set()
    for judgement in judged:
        record, entry = judgement.record, judgement.target.entry
        if record is None or entry is None or entry.span.start in seen:
            continue
        seen.add(entry.span.start)  # an entry's tags are judged against its first arXiv link
        first = datetime.datetime.fromisoformat(record.published)
        latest_year = (first - tolerance).year
        for text, span, year in venue_years(document, context, entry):
            if year < latest_year:
                yield context.diagnostic(
                    span,
                    f"{text} is earlier than the first arXiv version of arXiv:{record.id} "
                    f"({first.date().isoformat()})",
                    url=judgement.target.link.url,
                )


def venue_years(document: Document, context: RuleContext, entry: Entry) -> Iterator[tuple[str, Span, int]]:
    """Each tag naming a venue with a year: (tag text, tag span, full year)."""
    from listlint.venues import ATTACHED_YEAR_RE, full_year, read_tags, vocabulary_for

    today = datetime.date.today().year
    for tag in read_tags(document, entry, vocabulary_for(context), today):
        year = tag.venue.year if tag.venue is not None else None
        if year is None and tag.unknown is not None:
            # A venue the vocabulary does not know ("NAIC' 24") still has a year.
            word, span = tag.unknown
            attached = ATTACHED_YEAR_RE.match(document.source.text, span.end)
            year = full_year(attached.group(4), today) if attached else None
        if year is not None:
            yield tag.text, tag.span, year


RULE = Rule(
    code="LL706",
    name="venue-year-mismatch",
    summary="The entry's venue year is earlier than the paper's first arXiv version allows.",
    severity=Severity.WARNING,
    check=arxiv_check(report),
    needs_network=True,
    uses=USES,
    options={"tolerance-days": 60},
)
