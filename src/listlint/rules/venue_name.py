"""LL301 venue-name: a venue spelled in a non-canonical way, or a curly apostrophe."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Span
from listlint.rules.base import Rule, RuleContext
from listlint.venues import CURLY, tags_of


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    text = document.source.text
    for _, tags in tags_of(document, context):
        for tag in tags:
            mention = tag.venue
            if mention is None or not tag.exact:
                continue
            edits = []
            problems = []
            # A case variant is only trusted when a year follows: "Fast" alone may be a word.
            if mention.written != mention.spelling and mention.attached:
                problems.append(f"venue {mention.written!r} is spelled {mention.spelling!r}")
                edits.append(context.edit(mention.name_span, mention.spelling))
            if mention.year_span is not None:
                for offset in range(mention.year_span.start, mention.year_span.end):
                    if text[offset] in CURLY:
                        problems.append(f"use a straight apostrophe in {tag.text!r}")
                        edits.append(context.edit(Span(offset, offset + 1), "'"))
            if not problems:
                continue
            fixed = tag.text
            for edit in sorted(edits, key=lambda e: -e.start):
                start, end = edit.start - tag.span.start, edit.end - tag.span.start
                fixed = fixed[:start] + edit.content + fixed[end:]
            yield context.diagnostic(
                tag.span,
                "; ".join(problems),
                fix=context.fix(f"write {fixed!r}", *edits),
            )


RULE = Rule(
    code="LL301",
    name="venue-name",
    summary="A venue in the tags is spelled non-canonically (Eurosys) or has a curly apostrophe.",
    severity=Severity.WARNING,
    check=check,
    fixable=True,
    options={"extra-venues": {}},
)
