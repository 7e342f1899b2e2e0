"""LL101 malformed-link: link syntax that does not render as the author meant."""

from __future__ import annotations

import re
from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.entry_fields import is_badge_label, words_of
from listlint.document.model import Document, Link, Span
from listlint.rules.base import Rule, RuleContext

# A destination that swallowed the next link: "![b](img.svg](https://...)".
RUN_ON_RE = re.compile(r"\]\((?:https?:|www\.)")
# Link texts that say the URL is still to come.
PLACEHOLDERS = frozenset(
    {"coming soon", "comins soon", "soon", "tbd", "todo", "wip", "to be released", "tba"}
)


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
        elif link.kind in ("inline", "reference", "image"):
            if link.kind != "image" and link.span.start > 0 and text[link.span.start - 1] in "-+":
                missing = missing_marker_space(context, link)
                if missing is not None:
                    yield missing
            label = text[link.text_span.start : link.text_span.end]
            if link.kind != "image" and not label.strip():
                yield context.diagnostic(
                    link.span, f"link to {link.url or '(nothing)'} has empty text", url=link.url or None
                )
            elif link.kind != "image" and "](" in link.text and "[" in link.text:
                # Rendered text that still holds link syntax: "[![b](img.svg](url)"
                # shows "![b](img.svg" as the link's text.
                yield context.diagnostic(
                    link.text_span,
                    f"a ')' is missing in {label.strip()[:60]!r}: it renders as text inside the link",
                    url=link.url,
                )
            elif link.url.startswith("[") and RUN_ON_RE.search(link.url):
                yield context.diagnostic(
                    link.span,
                    f"the destination of {raw[:60]!r} is a whole Markdown link, so the link goes to "
                    "a relative URL; write '(url)'",
                    url=link.url,
                )
            elif RUN_ON_RE.search(link.url):
                yield context.diagnostic(
                    link.span,
                    f"a ')' is missing: the URL of {raw[:60]!r} runs into the next link, "
                    "which renders as text",
                    url=link.url,
                )
            elif link.kind == "inline" and not link.url.strip():
                # "[label]()" renders as a link to this page.  An image inside
                # it (a badge) or a placeholder ("Coming soon") is meant so.
                if is_badge_label(label) or words_of(label) in PLACEHOLDERS:
                    continue
                yield context.diagnostic(
                    link.span,
                    f"link [{label}] has an empty URL: it links to this page",
                    severity=Severity.WARNING,
                )


def missing_marker_space(context: RuleContext, link: Link) -> Diagnostic | None:
    """``-[Name](url)`` at the start of a line: without a space after ``-`` it is no
    list item, and the line renders as text of the paragraph (or item) above."""
    source = context.document.source
    line = source.position(link.span.start)[0]
    start = source.line_offset(line)
    before = source.text[start : link.span.start]
    marker = before.lstrip(" ")
    if marker not in ("-", "+") or len(before) - 1 > 3:
        return None
    at = link.span.start
    return context.diagnostic(
        Span(at - 1, at),
        f"no space after {marker!r} before {link.text!r}: the line is not a list item and renders "
        "as part of the text above",
        url=link.url,
        fix=context.fix(f"write '{marker} '", context.edit(Span(at, at), " ")),
    )


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
    summary="Link syntax that renders as text: reversed (text)[url], '] (', a missing ')' or ']'.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
)
