"""LL303 implausible-year: a venue year in the future, or before the venue existed."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.venues import tags_of, today_for


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    today = today_for(context).year
    # Accepted papers of next year's conferences are listed months ahead.
    latest = today + 1
    for _, tags in tags_of(document, context):
        for tag in tags:
            mention = tag.venue
            if mention is None or mention.year is None:
                continue
            venue = mention.venue
            if mention.year > latest:
                why = f"{mention.year} is in the future"
            elif mention.year < venue.first:
                why = f"{venue.name} was first held in {venue.first}"
            else:
                continue
            yield context.diagnostic(tag.span, f"implausible year in {tag.text!r}: {why}")


RULE = Rule(
    code="LL303",
    name="implausible-year",
    summary="A venue year lies more than a year in the future, or before the venue was first held.",
    severity=Severity.WARNING,
    check=check,
    options={"today": ""},
)
