"""Shared by the rules that read arXiv's metadata (LL7xx, and LL303's check
against the paper's date): the ``check`` that joins the run's arXiv review.

The review and its API client (``listlint.net.arxiv_review``) load when such
a rule runs, so an offline run, which only lists these rules, never imports
them (as ``link_checks`` does for the link engine).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic
from listlint.document.model import Document
from listlint.rules.base import RuleContext

if TYPE_CHECKING:
    from listlint.net.arxiv_review import ArxivReview, Judgement

__all__ = ["Report", "arxiv_check"]

Report = Callable[[Document, RuleContext, "list[Judgement]", "ArxivReview"], Iterable[Diagnostic]]


def arxiv_check(report: Report) -> Callable[[Document, RuleContext], Awaitable[list[Diagnostic]]]:
    """A rule's ``check``: registers synchronously, reports once the review is done."""

    def check(document: Document, context: RuleContext) -> Awaitable[list[Diagnostic]]:
        from listlint.net.arxiv_review import review_for

        review = review_for(context)
        review.register(document, context)

        async def run() -> list[Diagnostic]:
            judged = await review.judged(document)
            return list(report(document, context, judged, review))

        return run()

    return check
