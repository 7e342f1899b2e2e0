"""LL718 scholarly-unchecked: a scholarly API would not answer, so its papers were not checked.

One finding per run and source, on the first file with a link the source
left unchecked, never one per link: an API that answers 429 or not at all
says nothing about the papers.  Silent when the whole network is down
(``network-unavailable`` already says nothing was checked).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Link
from listlint.rules.base import Rule, RuleContext
from listlint.rules.scholarly_checks import CROSSREF, DOI, SCHOLAR

if TYPE_CHECKING:
    from listlint.gather.facts import Facts

__all__ = ["RULE"]

NAMES = {DOI: "the DOI registry", CROSSREF: "Crossref", SCHOLAR: "Semantic Scholar"}


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    facts = context.facts
    if facts is None or facts.network_down:
        return
    for source, name in NAMES.items():
        count = facts.unchecked(source)
        if not count:
            continue
        first = first_unchecked(facts.documents or (document,), facts, source)
        if first is None or first[0] is not document:
            continue  # reported once, in the first file with such a link
        reason = facts.reasons.get(source, "")
        yield context.diagnostic(
            first[1].url_span,
            f"{name} did not answer: {count} {'paper' if count == 1 else 'papers'} not checked"
            + (f" ({reason})" if reason else ""),
        )


def first_unchecked(
    documents: tuple[Document, ...], facts: Facts, source: str
) -> tuple[Document, Link] | None:
    for document in documents:
        for link in document.links:
            lookup = facts.lookup(source, link)
            if lookup is not None and lookup.status == "unchecked":
                return document, link
    return None


RULE = Rule(
    code="LL718",
    name="scholarly-unchecked",
    summary="A scholarly API (DOI registry, Crossref, Semantic Scholar) did not answer: one warning per run.",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    uses=(DOI, CROSSREF, SCHOLAR),
)
