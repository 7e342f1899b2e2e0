"""LL711 doi-not-registered: a DOI link whose DOI the DOI registry does not know.

Asked at the registry's handle API, never at the publisher, so a bot wall
cannot fake or hide the answer.  Only a definite "not registered" is
reported; a registry that does not answer is ``scholarly-unchecked``.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.scholarly_checks import DOI

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    facts = context.facts
    if facts is None:
        return
    for link in document.links:
        if not link.is_web or not context.is_changed(link.span):
            continue
        lookup = facts.lookup(DOI, link)
        if lookup is None or lookup.status != "missing":
            continue
        doi = lookup.record.get("doi", "")
        yield context.diagnostic(
            link.url_span,
            f"DOI {doi} is not registered: the DOI registry does not know it (a typo in the DOI?)",
            url=link.url,
        )


RULE = Rule(
    code="LL711",
    name="doi-not-registered",
    summary="A link names a DOI that the DOI registry does not know (asked at doi.org, not the publisher).",
    severity=Severity.ERROR,
    check=check,
    needs_network=True,
    uses=(DOI,),
)
