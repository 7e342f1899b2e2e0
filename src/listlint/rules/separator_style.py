"""LL102 separator-style: the `:` and `|` after an entry's link, written one way."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Span
from listlint.rules.base import Rule, RuleContext
from listlint.rules.entry_parts import starts_with_link

BARS = "|｜"
BLANKS = " \t"


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    colon_lists = colon_groups(document)
    for entry in document.entries:
        if entry.kind != "item" or (entry.separator_span is None and entry.tags_span is None):
            continue
        if starts_with_link(document, entry) is None:
            continue
        # How a ':' is spaced matters only where ':' is the list's separator;
        # "[Name](url) : text" in a " - " list is a shape question (entry-shape).
        colon = colon_problem(document, entry) if group_of(entry) in colon_lists else None
        for found, wanted in ((colon, ": "), (bar_problem(document, entry), " | ")):
            if found is not None:
                span, message = found
                fix = context.fix(f"write {wanted!r}", context.edit(span, wanted))
                yield context.diagnostic(span, message, fix=fix)


def group_of(entry: Entry) -> tuple[int, int]:
    return (entry.section.span.start if entry.section else -1, entry.depth)


def colon_groups(document: Document) -> set[tuple[int, int]]:
    """The (section, depth) groups where ':' separates at least half of the entries that have a separator."""
    counts: dict[tuple[int, int], list[int]] = {}
    for entry in document.entries:
        if entry.kind != "item" or entry.separator_span is None:
            continue
        mark = document.source.text[entry.separator_span.start : entry.separator_span.end].strip()
        tally = counts.setdefault(group_of(entry), [0, 0])
        tally[0 if mark in (":", "：") else 1] += 1
    return {group for group, (colons, others) in counts.items() if colons >= others}


def colon_problem(document: Document, entry: Entry) -> tuple[Span, str] | None:
    span = entry.separator_span
    if span is None:
        return None
    written = document.source.text[span.start : span.end]
    mark = written.strip(BLANKS)
    if mark not in (":", "：") or written == ": " or "\n" in written:
        return None
    if mark == "：":
        return span, "fullwidth '：' after the link; write ': '"
    before, after = written.split(":", 1)
    if before:
        return span, "space before ':' after the link; write ': '"
    if not after:
        if document.source.text[span.end : span.end + 1] in ("\r", "\n"):
            return None  # the title continues on the next line
        return span, "no space after ':'; write ': '"
    return span, "more than one space after ':'; write ': '"


def bar_problem(document: Document, entry: Entry) -> tuple[Span, str] | None:
    """The bar that opens the tags should read `` | ``."""
    tags = entry.tags_span
    if tags is None or tags.start == tags.end:
        return None  # nothing after the bar: " | " would leave trailing whitespace (LL103)
    text = document.source.text
    bar = tags.start
    while bar > 0 and text[bar - 1] in BLANKS:
        bar -= 1
    bar -= 1
    if bar < 0 or text[bar] not in BARS or (bar > 0 and text[bar - 1] == "\\"):
        return None
    start = bar
    while start > 0 and text[start - 1] in BLANKS:
        start -= 1
    span = Span(start, tags.start)
    written = text[span.start : span.end]
    if written == " | ":
        return None
    if text[bar] == "｜":
        return span, "fullwidth '｜' before the tags; write ' | '"
    if bar == start:
        return span, "no space before '|'; write ' | '"
    if bar + 1 == tags.start:
        return span, "no space after '|'; write ' | '"
    return span, "more than one space around '|'; write ' | '"


RULE = Rule(
    code="LL102",
    name="separator-style",
    summary="The ':' or '|' after an entry's link is fullwidth, or badly spaced.",
    severity=Severity.INFO,  # style (see README, Severity)
    check=check,
    fixable=True,
)
