"""LL705 arxiv-pinned-version: the link pins an old version while a newer one exists.

The fix drops the version (``2312.06902v1`` -> ``2312.06902``): the
unversioned URL always shows the latest version, so it does not go stale
again at the next revision, and it agrees with the offline
``arxiv-url-version`` fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Span
from listlint.rules.arxiv_checks import USES, arxiv_check
from listlint.rules.base import Rule, RuleContext

if TYPE_CHECKING:
    from listlint.rules.arxiv_review import ArxivReview, Judgement

__all__ = ["RULE"]


def report(
    document: Document, context: RuleContext, judged: list[Judgement], review: ArxivReview
) -> Iterator[Diagnostic]:
    from listlint.rules.arxiv_review import is_withdrawn

    for judgement in judged:
        record, target = judgement.record, judgement.target
        pinned = target.arxiv.version
        if record is None or pinned is None or record.version <= pinned or is_withdrawn(record):
            continue  # a withdrawn paper's old version is the one worth linking
        link = target.link
        fix = None
        pin = f"v{pinned}"
        written = document.source.text[link.url_span.start : link.url_span.end]
        if written == link.url and link.url[target.arxiv.end - len(pin) : target.arxiv.end] == pin:
            start = link.url_span.start + target.arxiv.end - len(pin)
            fix = context.fix(
                f"drop {pin} (link the latest version)", context.edit(Span(start, start + len(pin)), "")
            )
        yield context.diagnostic(
            link.url_span,
            f"the link pins v{pinned} of arXiv:{record.id}, but v{record.version} is the latest",
            url=link.url,
            fix=fix,
        )


RULE = Rule(
    code="LL705",
    name="arxiv-pinned-version",
    summary="An arXiv link pins an old version while a newer one exists.",
    severity=Severity.INFO,
    check=arxiv_check(report),
    fixable=True,
    needs_network=True,
    uses=USES,
)
