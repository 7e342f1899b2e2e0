"""LL501 broken-anchor: a ``#fragment`` link that matches no heading or HTML anchor."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.anchor_targets import fragment_of, index_anchors
from listlint.rules.base import Rule, RuleContext


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    index = None
    for link in document.links:
        fragment = fragment_of(link)
        if fragment is None:
            continue
        index = index or index_anchors(document)
        found, _ = index.resolve(fragment)
        if found:
            continue
        near = index.near(fragment)
        message = f"no heading or anchor '#{fragment}' in this file"
        if near is None:
            yield context.diagnostic(link.url_span, message)
            continue
        edit = context.edit(link.url_span, f"#{near}")
        yield context.diagnostic(
            link.url_span,
            f"{message}; did you mean '#{near}'?",
            fix=context.fix(f"link to '#{near}'", edit, unsafe=True),
        )


RULE = Rule(
    code="LL501",
    name="broken-anchor",
    summary="A '#fragment' link matches no heading (GitHub anchor) or HTML anchor in the file.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
    fix_applicability="unsafe",
)
