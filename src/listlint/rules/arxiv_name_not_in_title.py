"""LL708 arxiv-name-not-in-title: a short name that does not occur in the arXiv title."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.arxiv_checks import USES, arxiv_check
from listlint.rules.base import Rule, RuleContext

if TYPE_CHECKING:
    from listlint.rules.arxiv_review import ArxivReview, Judgement

__all__ = ["RULE"]


def report(
    document: Document, context: RuleContext, judged: list[Judgement], review: ArxivReview
) -> Iterator[Diagnostic]:
    from listlint.rules.arxiv_review import stated_of

    for judgement in judged:
        verdict, record, entry = judgement.verdict, judgement.record, judgement.target.entry
        if verdict is None or verdict.kind != "name-missing" or record is None or entry is None:
            continue
        link = judgement.target.link
        yield context.diagnostic(
            link.text_span,
            f"\u201c{stated_of(entry).name}\u201d does not occur in the title of "
            f"arXiv:{record.id}, \u201c{record.title}\u201d",
            url=link.url,
        )


RULE = Rule(
    code="LL708",
    name="arxiv-name-not-in-title",
    summary="An entry that is only a short name, and the name does not occur in the arXiv title.",
    severity=Severity.INFO,
    check=arxiv_check(report),
    needs_network=True,
    uses=USES,
)
