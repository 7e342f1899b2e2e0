"""LL202 duplicate-paper: one paper reached by different URLs in one section."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import Occurrence, first_same_listing, link_index, review_order

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    groups: dict[tuple[int, int, str], list[Occurrence]] = {}
    # Entries' own links only: a code or PDF link beside a paper's link is not
    # a listing of its own (two papers may well share a repository).  Sub-groups
    # and feeds as in duplicate-link.
    for occurrence in review_order(link_index(document).primary, context):
        if not occurrence.in_feed:
            key = (occurrence.section, occurrence.group, occurrence.identity)
            groups.setdefault(key, []).append(occurrence)
    source = document.source
    for group in groups.values():
        if len(group) < 2:
            continue
        keys = {group[0].key}
        for index, occurrence in enumerate(group[1:], start=1):
            if occurrence.key in keys:
                continue  # the same URL again: duplicate-link reports it
            keys.add(occurrence.key)
            first = first_same_listing(occurrence, group[:index])
            if first is None:
                continue
            link = occurrence.link
            first_line = source.position(first.link.span.start)[0]
            yield context.diagnostic(
                link.url_span,
                f"duplicate paper: {link.url} is the same {kind_name(first.identity)} "
                f"({first.identity}) as {first.link.url}, already listed at line {first_line}",
                url=link.url,
                # One repository under two names is likely, not certainly, one listing.
                severity=Severity.WARNING if first.identity.startswith("github:") else None,
            )


def kind_name(identity: str) -> str:
    if identity.startswith("github:"):
        return "repository"
    return "page" if "://" in identity else "paper"


RULE = Rule(
    code="LL202",
    name="duplicate-paper",
    summary="The same paper (arXiv ID, DOI, repository, OpenReview ID) under different URLs in one section.",
    severity=Severity.ERROR,
    check=check,
)
