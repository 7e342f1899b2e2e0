"""LL201 duplicate-link: the same URL listed twice."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Link, Span
from listlint.rules.base import Rule, RuleContext
from listlint.urls import normalize_url

CHECKED_KINDS = ("inline", "reference", "autolink", "html")


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    entries = {link.span.start: entry for entry in document.entries for link in entry.links}
    seen: dict[str, list[Link]] = {}
    for link in document.links:
        if link.kind in CHECKED_KINDS and link.is_web:
            seen.setdefault(normalize_url(link.url), []).append(link)
    source = document.source
    for links in seen.values():
        if len(links) < 2:
            continue
        first = links[0]
        first_line = source.position(first.span.start)[0]
        later = ", ".join(str(source.position(link.span.start)[0]) for link in links[1:])
        yield context.diagnostic(
            first.url_span, f"{first.url} is listed again at line {later}",
            url=first.url, severity=Severity.INFO,
        )
        for link in links[1:]:
            entry = entries.get(link.span.start)
            fix = removal_fix(context, entry, entries.get(first.span.start))
            same = "the same URL" if link.url == first.url else f"the same page as {first.url}"
            yield context.diagnostic(
                link.url_span, f"duplicate link: {same} is already listed at line {first_line}",
                url=link.url, fix=fix,
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
    summary="The same URL (after normalising scheme, www., trailing slash, fragment) is listed twice.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
)
