"""Shared by the rules that read arXiv's metadata (LL7xx, and LL706's check
against the paper's date): a plain ``check`` over the run's arXiv review.

The review (``listlint.rules.arxiv_review``) is computed from
``context.facts`` once per run; an offline run (no facts) imports nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic
from listlint.document.model import Document
from listlint.rules.base import RuleContext

if TYPE_CHECKING:
    from listlint.rules.arxiv_review import ArxivReview, Judgement

__all__ = ["Report", "arxiv_check", "USES"]

# What the arXiv rules read of the gather stage (``Rule.uses``).
USES = ("arxiv",)

Report = Callable[[Document, RuleContext, "list[Judgement]", "ArxivReview"], Iterable[Diagnostic]]


def arxiv_check(report: Report) -> Callable[[Document, RuleContext], list[Diagnostic]]:
    """A rule's ``check``: the judgements of ``document``'s arXiv links, reported by ``report``."""

    def check(document: Document, context: RuleContext) -> list[Diagnostic]:
        if context.facts is None:
            return []
        from listlint.rules.arxiv_review import review_of

        review = review_of(context.facts)
        return list(report(document, context, review.judged(document.path), review))

    return check
