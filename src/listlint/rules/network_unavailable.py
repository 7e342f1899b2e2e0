"""LL606 network-unavailable: no server answered at all, so no link was checked.

One finding per run (at the first unchecked link of the first file that has
one), instead of one false dead link per URL when a CI runner is offline.
"""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import USES, first_unchecked_document, unchecked_links


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    facts = context.facts
    if facts is None or first_unchecked_document(context) != document.path:
        return []
    unchecked = unchecked_links(document, context)
    if not unchecked:
        return []
    count = facts.not_checked
    return [
        context.diagnostic(
            unchecked[0].url_span,
            f"network unavailable, {count} link{'s' if count != 1 else ''} not checked",
            url=None,
        )
    ]


RULE = Rule(
    code="LL606",
    name="network-unavailable",
    summary="No server could be reached (offline runner): one error instead of N dead links.",
    severity=Severity.ERROR,
    check=check,
    needs_network=True,
    uses=USES,
)
