"""LL104 link-text-colon: `[Name:](url) Title` instead of `[Name](url): Title`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Edit, Severity
from listlint.document.model import Document, Span
from listlint.rules.base import Rule, RuleContext
from listlint.rules.entry_parts import starts_with_link

SHORTCODE_END_RE = re.compile(r":[a-z0-9_+\-]+:$")


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    text = document.source.text
    for entry in document.entries:
        first = entry.primary_link
        if first is None or not first.text.rstrip().endswith(":"):
            continue  # the cheap test first: most entries have no colon in the link text
        if SHORTCODE_END_RE.search(first.text.rstrip()):
            continue  # "[Cloudsmith :heavy_dollar_sign:](url)" ends in an emoji, not a colon
        link = starts_with_link(document, entry)
        if link is None or link.kind != "inline":
            continue
        label = text[link.text_span.start : link.text_span.end]
        kept = label.rstrip(" \t:")
        name = kept.strip()
        message = f"link text {link.text.strip()!r} ends in ':'; put the colon after the link"
        if not label.rstrip(" \t").endswith(":") or not name:
            yield context.diagnostic(link.text_span, message)
            continue
        after = text[link.span.end : entry.span.end]
        removal = context.edit(Span(link.text_span.start + len(kept), link.text_span.end), "")
        edits: tuple[Edit, ...]
        if after.startswith(":"):
            edits = (removal,)
        elif after[:1] in (" ", "\t"):
            edits = (removal, context.edit(Span(link.span.end, link.span.end), ":"))
        elif not after.strip():
            edits = (removal,)
        elif after[:1] in ("\r", "\n"):  # the title continues on the next line
            edits = (removal, context.edit(Span(link.span.end, link.span.end), ":"))
        else:
            edits = (removal, context.edit(Span(link.span.end, link.span.end), ": "))
        yield context.diagnostic(
            link.text_span,
            message,
            fix=context.fix(f"write '[{name}](...):'", *edits),
        )


RULE = Rule(
    code="LL104",
    name="link-text-colon",
    summary="An entry's link text ends in ':' ([Oobleck:](url)); the colon goes after the link.",
    severity=Severity.INFO,  # style (see README, Severity)
    check=check,
    fixable=True,
)
