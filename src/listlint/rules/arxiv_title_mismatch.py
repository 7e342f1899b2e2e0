"""LL702 arxiv-title-mismatch: the entry names a different paper than its arXiv ID."""

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
        verdict, record, entry = judgement.verdict, judgement.record, judgement.target.entry
        if verdict is None or verdict.kind != "mismatch" or record is None or entry is None:
            continue
        message = (
            f"the entry names \u201c{entry.title}\u201d, but arXiv:{record.id} is \u201c{record.title}\u201d"
        )
        if judgement.names_instead is not None:
            other_id, _, line = judgement.names_instead
            if other_id == record.id:
                message += f" (listed under that title at line {line}: the ID was copied?)"
            else:
                where = f", linked at line {line}" if line else ""
                message += f"; the entry's title is that of arXiv:{other_id}{where} (IDs swapped?)"
        link = judgement.target.link
        yield context.diagnostic(link.text_span, message, url=link.url)


RULE = Rule(
    code="LL702",
    name="arxiv-title-mismatch",
    summary="The entry's title names a different paper than the arXiv record of its link.",
    severity=Severity.ERROR,
    check=arxiv_check(report),
    needs_network=True,
    uses=USES,
)
