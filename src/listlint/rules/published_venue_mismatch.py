"""LL714 published-venue-mismatch: the tag names another venue than the one the paper appeared at.

``| NSDI' 24`` on a paper that Semantic Scholar records at OSDI 2024.  Only
when both the tag and the record name known conferences, the record is
unambiguous, and the tag is not a workshop (a workshop version of a paper
is no mismatch).  An arXiv-only record says nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.published_venue_check import is_workshop_tag, judged_entries, paper_name, record_name
from listlint.rules.scholarly_checks import SCHOLAR

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    for judged in judged_entries(document, context):
        mentions = [(tag, m) for tag, m in judged.mentions if not is_workshop_tag(tag, m)]
        if not mentions or any(m.venue.name == judged.published.venue for _, m in mentions):
            continue  # no conference tag, or one of the tags names the right venue
        tag, mention = mentions[0]
        yield context.diagnostic(
            mention.name_span,
            f"the tag says {tag.text.strip()}, but Semantic Scholar records {paper_name(judged)} "
            f"at {record_name(judged)}",
            url=judged.paper.link.url,
        )


RULE = Rule(
    code="LL714",
    name="published-venue-mismatch",
    summary="The entry's venue tag names another venue than the one Semantic Scholar records the paper at.",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    uses=(SCHOLAR,),
)
