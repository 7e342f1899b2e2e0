"""LL712 doi-title-mismatch: the entry names a different paper than the one its DOI is."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.doi_title_check import judged_titles
from listlint.rules.scholarly_checks import CROSSREF

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    return judged_titles(document, context, ("mismatch",))


RULE = Rule(
    code="LL712",
    name="doi-title-mismatch",
    summary="The entry's title names a different paper than the Crossref record of its DOI.",
    severity=Severity.ERROR,
    check=check,
    needs_network=True,
    uses=(CROSSREF,),
)
