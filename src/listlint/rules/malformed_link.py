"""LL101 malformed-link: link syntax that does not render as the author meant."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Link
from listlint.rules.base import Rule, RuleContext


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    text = document.source.text
    for link in document.links:
        raw = text[link.span.start : link.span.end]
        if link.kind == "reversed":
            fixed = f"[{link.text}]({link.url})"
            yield context.diagnostic(
                link.span,
                f"reversed link syntax {raw!r} renders as plain text; write {fixed!r}",
                url=link.url,
                fix=context.fix(f"rewrite as {fixed}", context.edit(link.span, fixed)),
            )
        elif link.kind == "broken":
            yield broken(context, link, raw)
        elif link.kind in ("inline", "reference"):
            label = text[link.text_span.start : link.text_span.end]
            if not label.strip():
                yield context.diagnostic(
                    link.span, f"link to {link.url or '(nothing)'} has empty text", url=link.url or None
                )
            elif not link.url.strip() and link.kind == "inline":
                yield context.diagnostic(link.span, f"link [{label}] has an empty URL")


def broken(context: RuleContext, link: Link, raw: str) -> Diagnostic:
    text = context.document.source.text
    between = text[link.text_span.end : link.url_span.start]
    gap = between[1:-1]
    if between.startswith("]") and between.endswith("(") and gap and not gap.strip():
        fixed = f"[{link.text}]({link.url})"
        return context.diagnostic(
            link.span,
            f"space between ']' and '(' in {raw!r}: it renders as plain text",
            url=link.url,
            fix=context.fix(f"rewrite as {fixed}", context.edit(link.span, fixed)),
        )
    if between.startswith("]("):
        return context.diagnostic(link.span, f"unbalanced brackets: ')' missing in {raw!r}", url=link.url)
    return context.diagnostic(link.span, f"unbalanced brackets: ']' missing in {raw!r}", url=link.url)


RULE = Rule(
    code="LL101",
    name="malformed-link",
    summary="Reversed (text)[url], empty text or URL, unbalanced brackets.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
)
