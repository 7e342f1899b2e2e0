"""LL205 same-link-different-titles: two entries name two papers but link one.

Two full titles (four words or more, neither containing the other, alike in
few words) on one arXiv ID, DOI or OpenReview ID: one of the entries links
the wrong paper.  A short name beside a full title, or a shortened title, is
one paper named two ways and is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import Occurrence, link_index, normalize_title, review_order, titles_conflict

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    groups: dict[str, list[Occurrence]] = {}
    for occurrence in review_order(link_index(document).primary, context):
        groups.setdefault(occurrence.identity, []).append(occurrence)
    source = document.source
    for identity, group in groups.items():
        if len(group) < 2:
            continue
        # Each title once: a paper listed under five topics is one finding.
        titled: dict[str, Occurrence] = {}
        for occurrence in group:
            if occurrence.entry is not None:
                titled.setdefault(normalize_title(occurrence.entry.title), occurrence)
        distinct = list(titled.values())
        for index, occurrence in enumerate(distinct[1:], start=1):
            other = next((first for first in distinct[:index] if titles_conflict(first, occurrence)), None)
            if other is None or other.entry is None or occurrence.entry is None:
                continue
            line = source.position(other.link.span.start)[0]
            yield context.diagnostic(
                occurrence.link.url_span,
                f"{occurrence.entry.title[:70]!r} links {identity}, which line {line} lists as "
                f"{other.entry.title[:70]!r}: one of the two links the wrong paper",
                url=occurrence.link.url,
            )


RULE = Rule(
    code="LL205",
    name="same-link-different-titles",
    summary="Two entries with different full titles link one paper (arXiv ID, DOI, OpenReview ID).",
    severity=Severity.ERROR,
    check=check,
)
