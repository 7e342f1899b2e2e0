"""LL707 arxiv-unchecked: the arXiv API could not be reached, so nothing was checked.

One finding per run, never one per link: an unreachable API says nothing
about the papers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.arxiv_checks import arxiv_check
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import link_verdicts

if TYPE_CHECKING:
    from listlint.net.arxiv_review import ArxivReview, Judgement

__all__ = ["RULE"]


def report(
    document: Document, context: RuleContext, judged: list[Judgement], review: ArxivReview
) -> Iterator[Diagnostic]:
    unchecked = review.unchecked
    if not unchecked or unchecked[0].target.path != document.path:
        return  # reported once, in the first file with an unchecked link
    count = len(unchecked)
    files = len({j.target.path for j in unchecked})
    where = f" in {files} files" if files > 1 else ""
    reason = review.outcome.error if review.outcome is not None and review.outcome.error else ""
    first = unchecked[0].target.link
    yield context.diagnostic(
        first.url_span,
        f"arXiv metadata not checked for {count} {'entry' if count == 1 else 'entries'}{where}"
        + (f": {reason}" if reason else ""),
        url=None,
    )


def check(document: Document, context: RuleContext) -> Awaitable[list[Diagnostic]]:
    """Like the other arXiv rules, but silent when the whole network is down.

    An offline CI runner gets one error, network-unavailable (LL606), which
    already says nothing was checked; a second finding about arXiv adds noise.
    """
    found = arxiv_check(report)(document, context)

    async def run() -> list[Diagnostic]:
        diagnostics = await found
        if diagnostics and "network-unavailable" in context.services.active_rules:
            # The same shared, memoised verdicts the link rules await: no extra crawl.
            results = await link_verdicts(document, context)
            if results.network_down:
                return []
        return diagnostics

    return run()


RULE = Rule(
    code="LL707",
    name="arxiv-unchecked",
    summary="The arXiv API was unreachable: one warning that metadata was not checked.",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
)
