"""LL703 arxiv-title-typo: the title differs a little from arXiv's (typo, shortened, renamed)."""

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

WHAT = {
    "typo": "the title differs slightly from arXiv's",
    "shortened": "the title is a shortened form of arXiv's",
    "extended": "the title has words that arXiv's has not",
    "subtitle": "the subtitle differs from arXiv's current title",
    "renamed": "the title differs from arXiv's current title (renamed? check the ID)",
    "related": "the title differs from arXiv's current title (renamed? check the ID)",
}


def report(
    document: Document, context: RuleContext, judged: list[Judgement], review: ArxivReview
) -> Iterator[Diagnostic]:
    for judgement in judged:
        verdict, record = judgement.verdict, judgement.record
        if verdict is None or record is None or verdict.kind not in WHAT:
            continue
        link = judgement.target.link
        yield context.diagnostic(
            link.text_span,
            f"{WHAT[verdict.kind]}: \u201c{record.title}\u201d (arXiv:{record.id})",
            url=link.url,
        )


RULE = Rule(
    code="LL703",
    name="arxiv-title-typo",
    summary="The entry's title differs slightly from arXiv's (typo, shortened, changed subtitle).",
    severity=Severity.INFO,
    check=arxiv_check(report),
    needs_network=True,
    uses=USES,
)
