"""LL403 arxiv-url-version: an arXiv URL pinned to one version (``v1``)."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.identity import parse_arxiv
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import link_index, url_bytes_match, url_edit

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    for occurrence in link_index(document).occurrences:
        if not occurrence.identity.startswith("arxiv:"):
            continue
        link = occurrence.link
        arxiv = parse_arxiv(link.url)
        if arxiv is None or arxiv.version is None:
            continue
        pin = f"v{arxiv.version}"
        fix = None
        if url_bytes_match(document, link) and link.url[arxiv.end - len(pin) : arxiv.end] == pin:
            edit = url_edit(context, link, arxiv.end - len(pin), arxiv.end, "")
            fix = context.fix(f"drop {pin}", edit)
        yield context.diagnostic(
            link.url_span,
            f"arXiv link pinned to version {arxiv.version} ({arxiv.id}{pin}); "
            f"without it the link shows the latest version",
            url=link.url,
            fix=fix,
        )


RULE = Rule(
    code="LL403",
    name="arxiv-url-version",
    summary="An arXiv URL is pinned to a version (2312.06902v1).",
    severity=Severity.INFO,
    check=check,
    fixable=True,
)
