"""LL605 private-host: a link to a loopback, private, link-local or metadata address."""

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
            f"not checked: {verdict.reason} (use --allow-private-hosts to check it)",
            url=link.url,
        )
        for link, verdict in reportable(document, context)
        if verdict.kind is Kind.PRIVATE
    ]


RULE = Rule(
    code="LL605",
    name="private-host",
    summary="A link to a loopback, private, link-local or cloud-metadata address (not fetched).",
    severity=Severity.INFO,
    check=check,
    needs_network=True,
    uses=USES,
)
