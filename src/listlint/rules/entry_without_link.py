"""LL106 entry-without-link: a list entry that links nowhere.

Only entries of lists that are lists of links count: nested items (notes
under an entry) are skipped, and so are sections where entries without a
link are the rule (prose bullet points, a contributing guide).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Span
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import is_feed

MIN_LINKED = 3
MIN_SHARE = 0.5


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    groups: dict[tuple[int, int], list[Entry]] = {}
    for entry in document.entries:
        if entry.kind == "item":
            key = (entry.section.span.start if entry.section else -1, entry.depth)
            groups.setdefault(key, []).append(entry)
    group_labels = labels_of_groups(document)
    has_subheadings = any(section.level > 1 for section in document.sections)
    # Items above the table of contents (its first item links an in-page
    # anchor) are the introduction's bullet points, not entries.
    toc_start = next(
        (e.span.start for e in document.entries if e.title_link is not None and e.title_link.is_anchor), -1
    )
    link_starts = sorted(link.span.start for link in document.links if link.kind != "image")
    for (_, depth), entries in groups.items():
        if depth > 1:
            continue
        section = entries[0].section
        if section is None or (section.level == 1 and has_subheadings) or is_feed(section):
            continue  # the introduction above the first topic, or a News feed
        linked = sum(1 for entry in entries if has_link(entry))
        if linked < MIN_LINKED or linked / len(entries) < MIN_SHARE:
            continue
        following = {id(a): b.span.start for a, b in zip(entries, entries[1:], strict=False)}
        for entry in entries:
            if has_link(entry) or not entry.raw.strip(" -*+\t") or entry.span.end in group_labels:
                continue
            if entry.span.start < toc_start:
                continue
            if links_below(document, entry, following.get(id(entry)), link_starts):
                continue  # its links sit in the block right below it (an HTML <div> of buttons)
            shown = entry.title or entry.raw.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            span = first_line_span(document, entry)
            yield context.diagnostic(span, f"entry without a link: {shown!r}")


def labels_of_groups(document: Document) -> set[int]:
    """Items directly followed by deeper linked items: ``- **Post-Training**`` over its entries.

    (A paper without a link that has a note below it is still reported.)
    """
    entries = document.entries
    return {
        a.span.end
        for a, b in zip(entries, entries[1:], strict=False)
        if b.depth > a.depth and b.line <= a.end_line + 2 and has_link(b)
    }


BELOW_LINES = 8


def links_below(document: Document, entry: Entry, next_start: int | None, link_starts: list[int]) -> bool:
    """Whether a link stands after ``entry`` and before the next entry, within a few lines."""
    source = document.source
    last_line = min(entry.end_line + BELOW_LINES, source.line_count)
    limit = source.line_ends[last_line - 1]
    if next_start is not None:
        limit = min(limit, next_start)
    index = bisect.bisect_left(link_starts, entry.span.end)
    return index < len(link_starts) and link_starts[index] < limit


def has_link(entry: Entry) -> bool:
    return any(link.kind != "image" for link in entry.links)


def first_line_span(document: Document, entry: Entry) -> Span:
    end = document.source.line_ends[entry.line - 1]
    return Span(entry.span.start, max(end, entry.span.start))


RULE = Rule(
    code="LL106",
    name="entry-without-link",
    summary="A list entry in a list of links has no link at all.",
    severity=Severity.INFO,
    check=check,
)
