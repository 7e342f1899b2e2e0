"""LL704 arxiv-withdrawn: the latest version of the linked paper is a withdrawal."""

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
MAX_COMMENT = 120


def report(
    document: Document, context: RuleContext, judged: list[Judgement], review: ArxivReview
) -> Iterator[Diagnostic]:
    from listlint.rules.arxiv_review import is_withdrawn

    for judgement in judged:
        record = judgement.record
        if record is None or not is_withdrawn(record):
            continue
        note = record.comment or record.summary
        if len(note) > MAX_COMMENT:
            note = note[: MAX_COMMENT - 1].rstrip() + "\u2026"
        link = judgement.target.link
        yield context.diagnostic(
            link.url_span,
            f"arXiv:{record.id} has been withdrawn (v{record.version}: \u201c{note}\u201d)",
            url=link.url,
        )


RULE = Rule(
    code="LL704",
    name="arxiv-withdrawn",
    summary="The latest version of the linked arXiv paper is a withdrawal.",
    severity=Severity.WARNING,
    check=arxiv_check(report),
    needs_network=True,
    uses=USES,
)
