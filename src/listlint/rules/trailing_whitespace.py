"""LL103 trailing-whitespace: spaces or tabs at the end of an entry's lines.

Two or more trailing spaces inside a paragraph are a Markdown hard line
break, so they are left alone on every line of an entry but its last, where
a hard break does nothing; exactly two spaces, the usual way to write a hard
break, are left alone everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Span
from listlint.rules.base import Rule, RuleContext


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    source = document.source
    for entry in document.entries:
        for line in range(entry.line, entry.end_line + 1):
            text = source.line_text(line)
            kept = text.rstrip(" \t")
            if len(kept) == len(text) or not kept:
                continue
            trailing = text[len(kept) :]
            if trailing == "  " or (line != entry.end_line and len(trailing) >= 2 and set(trailing) == {" "}):
                continue  # a hard line break (exactly two spaces is the usual way to write one)
            start = source.line_offset(line) + len(kept)
            span = Span(start, start + len(trailing))
            plural = "s" if len(trailing) > 1 else ""
            yield context.diagnostic(
                span,
                f"trailing whitespace ({len(trailing)} character{plural})",
                fix=context.fix("remove the trailing whitespace", context.edit(span, "")),
            )


RULE = Rule(
    code="LL103",
    name="trailing-whitespace",
    summary="An entry line ends in spaces or tabs (hard line breaks inside an entry are kept).",
    severity=Severity.INFO,
    check=check,
    fixable=True,
)
