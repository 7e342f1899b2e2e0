"""LL715 published-preprint: an entry without a venue tag whose paper appeared at a known venue.

Off by default (select ``LL715`` or ``published-preprint``): not every list
tags venues.  The fix (unsafe: it adds text the maintainer has not
checked) appends the venue in the list's own style, as most of its tagged
entries write it (``| SOSP' 23``), and is offered only in a list where
most entries carry such tags.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Fix, Severity
from listlint.document.model import Document, Entry, Span
from listlint.rules.base import Rule, RuleContext
from listlint.rules.published_venue_check import judged_entries, paper_name, record_name
from listlint.rules.scholarly_checks import SCHOLAR, has_any_tag, venue_mentions

__all__ = ["RULE"]

MIN_TAGGED = 5  # tagged entries needed to infer the list's style


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    style: tuple[str, str] | None | bool = False  # not computed yet
    for judged in judged_entries(document, context):
        entry = judged.paper.entry
        if has_any_tag(document, context, entry) or judged.published.year is None:
            continue
        if style is False:
            style = list_style(document, context)
        fix = None
        if isinstance(style, tuple):
            fix = tag_fix(document, context, entry, style, judged.published.venue, judged.published.year)
        yield context.diagnostic(
            judged.paper.link.text_span,
            f"no venue tag, but Semantic Scholar records {paper_name(judged)} at {record_name(judged)}",
            url=judged.paper.link.url,
            fix=fix,
        )


def list_style(document: Document, context: RuleContext) -> tuple[str, str] | None:
    """(text before the tags, year form) as most tagged entries write them, or None."""
    from listlint.venues import YEAR_FORMS

    text = document.source.text
    prefixes: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    for entry in document.entries:
        if entry.tags_span is None:
            continue
        head = text[entry.span.start : entry.tags_span.start]
        bar = max(head.rfind("|"), head.rfind("\uff5c"))
        if bar < 0:
            continue  # tags that follow no bar: no separator to copy
        start = entry.span.start + bar
        if start > 0 and text[start - 1] in " \t":
            start -= 1
        prefixes[text[start : entry.tags_span.start]] += 1
        for _, mention in venue_mentions(document, context, entry):
            if mention.form in YEAR_FORMS:
                forms[mention.form] += 1
    tagged = sum(prefixes.values())
    if tagged < MIN_TAGGED or tagged * 2 < len(document.entries) or not forms:
        return None
    prefix = prefixes.most_common(1)[0][0]
    return (prefix, forms.most_common(1)[0][0]) if prefix.strip() else None


def tag_fix(
    document: Document, context: RuleContext, entry: Entry, style: tuple[str, str], venue: str, year: int
) -> Fix | None:
    from listlint.venues import format_year

    if entry.kind != "item" or entry.line != entry.end_line or entry.tags_span is not None:
        return None
    text = document.source.text
    end = entry.span.end
    while end > entry.span.start and text[end - 1] in " \t\r\n":
        end -= 1
    prefix, form = style
    tag = f"{prefix}{venue}{format_year(form, year)}"
    return context.fix(f"add the tag {tag.strip()}", context.edit(Span(end, end), tag), unsafe=True)


RULE = Rule(
    code="LL715",
    name="published-preprint",
    summary="An entry without a venue tag whose paper appeared at a known venue (off by default).",
    severity=Severity.INFO,
    check=check,
    fixable=True,
    needs_network=True,
    default=False,
    uses=(SCHOLAR,),
)
