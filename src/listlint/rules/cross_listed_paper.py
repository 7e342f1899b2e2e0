"""LL203 cross-listed-paper: the same paper listed in two different sections."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import Occurrence, first_same_listing, link_index, review_order, section_name

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    groups: dict[str, list[Occurrence]] = {}
    for occurrence in review_order(link_index(document).primary, context):
        groups.setdefault(occurrence.identity, []).append(occurrence)
    source = document.source
    for group in groups.values():
        if len(group) < 2:
            continue
        # The first listing in each further section; repeats inside a section
        # are duplicate-link's and duplicate-paper's business.
        reported = {group[0].section}
        for index, occurrence in enumerate(group[1:], start=1):
            if occurrence.section in reported:
                continue
            first = first_same_listing(occurrence, group[:index])
            if first is None:
                continue
            reported.add(occurrence.section)
            link = occurrence.link
            first_line = source.position(first.link.span.start)[0]
            what = "the same URL" if occurrence.key == first.key else f"the same paper as {first.link.url}"
            where = section_name(document, first.section)
            yield context.diagnostic(
                link.url_span,
                f"cross-listed: {what} is also listed under {where} at line {first_line}",
                url=link.url,
            )


RULE = Rule(
    code="LL203",
    name="cross-listed-paper",
    summary="The same paper (same identity, same or different URL) is listed in two sections.",
    severity=Severity.WARNING,
    check=check,
)
