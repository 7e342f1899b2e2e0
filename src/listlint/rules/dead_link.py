"""LL601 dead-link: a link that definitely no longer works."""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import USES, reportable


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    from listlint.net.verdicts import Kind

    return [
        context.diagnostic(link.url_span, f"dead link: {verdict.reason}", url=link.url)
        for link, verdict in reportable(document, context)
        if verdict.kind is Kind.DEAD
    ]


RULE = Rule(
    code="LL601",
    name="dead-link",
    summary="A link that definitely fails: 404, 410, an unresolvable name, a redirect loop.",
    severity=Severity.ERROR,
    check=check,
    needs_network=True,
    uses=USES,
)
