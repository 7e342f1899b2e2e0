"""LL606 network-unavailable: no server answered at all, so no link was checked.

One finding per run (at the first unchecked link of the first file that has
one), instead of one false dead link per URL when a CI runner is offline.
"""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import engine_for, link_verdicts

REPORTED_KEY = "net.network-unavailable-reported"


async def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    from listlint.net.verdicts import Kind

    results = await link_verdicts(document, context)
    if not results.network_down:
        return []
    unchecked = [
        link for link, verdict in results.pairs if verdict.network_failure or verdict.kind is Kind.OFFLINE
    ]
    reported: list[bool] = context.services.get(REPORTED_KEY, list)
    if not unchecked or reported:
        return []
    reported.append(True)
    count = len(engine_for(context.services).not_checked())
    link = unchecked[0]
    return [
        context.diagnostic(
            link.url_span,
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
)
