"""LL603 blocked-link: the server refuses automated checks (a bot wall)."""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import USES, reportable


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    from listlint.net.verdicts import Kind

    return [
        context.diagnostic(
            link.url_span,
            f"the server blocks automated checks ({verdict.reason}); check it in a browser",
            url=link.url,
        )
        for link, verdict in reportable(document, context)
        if verdict.kind is Kind.BLOCKED
    ]


RULE = Rule(
    code="LL603",
    name="blocked-link",
    summary="A link behind a bot wall (403/401/999, a challenge page): not verifiable by a tool.",
    severity=Severity.INFO,
    check=check,
    needs_network=True,
    uses=USES,
)
