"""LL707 arxiv-unchecked: the arXiv API could not be reached, so nothing was checked.

One finding per run, never one per link: an unreachable API says nothing
about the papers.  Silent when the whole network is down: an offline CI
runner gets network-unavailable (LL606), which already says nothing was
checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.arxiv_checks import arxiv_check
from listlint.rules.base import Rule, RuleContext

if TYPE_CHECKING:
    from listlint.rules.arxiv_review import ArxivReview, Judgement

__all__ = ["RULE"]


def report(
    document: Document, context: RuleContext, judged: list[Judgement], review: ArxivReview
) -> Iterator[Diagnostic]:
    if context.facts is not None and context.facts.network_down:
        return
    unchecked = review.unchecked
    if not unchecked or unchecked[0].target.path != document.path:
        return  # reported once, in the first file with an unchecked link
    count = len(unchecked)
    files = len({j.target.path for j in unchecked})
    where = f" in {files} files" if files > 1 else ""
    first = unchecked[0].target.link
    yield context.diagnostic(
        first.url_span,
        f"arXiv metadata not checked for {count} {'entry' if count == 1 else 'entries'}{where}"
        + (f": {review.reason}" if review.reason else ""),
        url=None,
    )


RULE = Rule(
    code="LL707",
    name="arxiv-unchecked",
    summary="The arXiv API was unreachable: one warning that metadata was not checked.",
    severity=Severity.WARNING,
    check=arxiv_check(report),
    needs_network=True,
    uses=("arxiv",),
)
