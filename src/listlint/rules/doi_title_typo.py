"""LL713 doi-title-typo: the entry's title differs slightly from its DOI's registered title."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.doi_title_check import judged_titles
from listlint.rules.scholarly_checks import CROSSREF

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    return judged_titles(document, context, ("typo",))


RULE = Rule(
    code="LL713",
    name="doi-title-typo",
    summary="The entry's title differs slightly from the title its DOI was registered with (a typo).",
    severity=Severity.INFO,
    check=check,
    needs_network=True,
    uses=(CROSSREF,),
)
