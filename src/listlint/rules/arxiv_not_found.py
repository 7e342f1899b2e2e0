"""LL701 arxiv-not-found: an arXiv ID (or version) that arXiv does not know."""

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
    for judgement in judged:
        target = judgement.target
        arxiv_id, pinned = target.arxiv.id, target.arxiv.version
        if judgement.status == "malformed":
            message = (
                f"{arxiv_id} is not a valid arXiv ID "
                f"(new-style IDs look like 2408.12757, old-style like hep-th/9901001)"
            )
        elif judgement.status == "missing":
            message = f"arXiv has no paper {arxiv_id}"
        elif (record := judgement.record) is not None and pinned is not None and pinned > record.version:
            message = f"arXiv:{arxiv_id} has no version {pinned}; the latest is v{record.version}"
        else:
            continue
        yield context.diagnostic(target.link.url_span, message, url=target.link.url)


RULE = Rule(
    code="LL701",
    name="arxiv-not-found",
    summary="An arXiv link whose ID (or version) the arXiv API does not know, or a malformed ID.",
    severity=Severity.ERROR,
    check=arxiv_check(report),
    needs_network=True,
    uses=USES,
)
