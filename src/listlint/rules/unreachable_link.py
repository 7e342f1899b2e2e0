"""LL602 unreachable-link: a link that could not be checked, even after retries."""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import USES, reportable


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    from listlint.net.verdicts import Kind

    return [
        context.diagnostic(link.url_span, f"could not check link: {verdict.reason}", url=link.url)
        for link, verdict in reportable(document, context)
        if verdict.kind is Kind.UNREACHABLE
    ]


RULE = Rule(
    code="LL602",
    name="unreachable-link",
    summary="A link that could not be decided: timeouts, 5xx, resets or 429s that persist.",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    uses=USES,
)
