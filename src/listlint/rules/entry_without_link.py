"""LL106 entry-without-link: a list entry that links nowhere.

Only entries of lists that are lists of links count: nested items (notes
under an entry) are skipped, and so are sections where entries without a
link are the rule (prose bullet points, a contributing guide).
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Span
from listlint.rules.base import Rule, RuleContext

MIN_LINKED = 3
MIN_SHARE = 0.5


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    groups: dict[tuple[int, int], list[Entry]] = {}
    for entry in document.entries:
        if entry.kind == "item":
            key = (entry.section.span.start if entry.section else -1, entry.depth)
            groups.setdefault(key, []).append(entry)
    group_labels = labels_of_groups(document)
    for (_, depth), entries in groups.items():
        if depth > 1:
            continue
        linked = sum(1 for entry in entries if has_link(entry))
        if linked < MIN_LINKED or linked / len(entries) < MIN_SHARE:
            continue
        for entry in entries:
            if has_link(entry) or not entry.raw.strip(" -*+\t") or entry.span.end in group_labels:
                continue
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
