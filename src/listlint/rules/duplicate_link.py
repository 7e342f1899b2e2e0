"""LL201 duplicate-link: the same URL listed twice in one section.

Only entries' own links count (the first link of a list item or table row),
and a plain page shared by entries with different titles (a venue's list of
accepted papers) is a common reference, not a repeat.

The same URL in two different sections is a cross-listing, reported (at a
lower severity) by ``cross-listed-paper``; the same paper under a different
URL is ``duplicate-paper``'s.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Span
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import CHECKED_KINDS, Occurrence, first_same_listing, link_index, review_order

__all__ = ["RULE", "CHECKED_KINDS"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    seen: dict[tuple[int, int, str], list[Occurrence]] = {}
    # Entries' own links: a link mentioned in a description ("inspired by
    # [termui](...)") points at another entry, it does not list it again.
    # A sub-group (an item without a link over its own items) is a section of
    # its own; a feed (News, Updates) announces a paper again on purpose.
    for occurrence in review_order(link_index(document).primary, context):
        if not occurrence.in_feed:
            seen.setdefault((occurrence.section, occurrence.group, occurrence.key), []).append(occurrence)
    source = document.source
    for group in seen.values():
        if len(group) < 2:
            continue
        repeats: dict[int, list[Occurrence]] = {}
        for index, occurrence in enumerate(group[1:], start=1):
            original = first_same_listing(occurrence, group[:index])
            if original is not None:
                repeats.setdefault(id(original), [original]).append(occurrence)
        for first_occurrence, *later in repeats.values():
            first = first_occurrence.link
            first_line = source.position(first.span.start)[0]
            lines = ", ".join(str(source.position(o.link.span.start)[0]) for o in later)
            yield context.diagnostic(
                first.url_span,
                f"{first.url} is listed again at line {lines}",
                url=first.url,
                severity=Severity.INFO,
            )
            for occurrence in later:
                link = occurrence.link
                fix = removal_fix(context, occurrence.entry, first_occurrence.entry)
                same = "the same URL" if link.url == first.url else f"the same page as {first.url}"
                yield context.diagnostic(
                    link.url_span,
                    f"duplicate link: {same} is already listed at line {first_line}",
                    url=link.url,
                    fix=fix,
                )


def removal_fix(context: RuleContext, entry: Entry | None, original: Entry | None):  # type: ignore[no-untyped-def]
    """Removing the later entry is offered (unsafe) only when both entries are identical."""
    if entry is None or original is None or entry is original or entry.kind != "item":
        return None
    if " ".join(entry.raw.split()) != " ".join(original.raw.split()):
        return None
    source = context.document.source
    if entry.end_line < source.line_count:
        next_line = source.line_text(entry.end_line + 1)
        indent = len(next_line) - len(next_line.lstrip())
        own = source.line_text(entry.line)
        if next_line.strip() and indent > len(own) - len(own.lstrip()):
            return None  # it has sub-items; removing it would orphan them
        end = source.line_offset(entry.end_line + 1)
    else:
        end = len(source.text)
    start = source.line_offset(entry.line)
    return context.fix("remove the repeated entry", context.edit(Span(start, end), ""), unsafe=True)


RULE = Rule(
    code="LL201",
    name="duplicate-link",
    summary="The same URL (after normalising scheme, www., trailing slash, fragment) is listed "
    "twice in one section.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
)
