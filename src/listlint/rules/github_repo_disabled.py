"""LL804 github-repo-disabled: GitHub has disabled the linked repository."""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.github_checks import SOURCE, repository_links


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    found = []
    for item in repository_links(document, context):
        if item.lookup.status != "found" or not item.lookup.record.get("isDisabled"):
            continue
        message = f"GitHub has disabled repository {item.current_name}: its contents cannot be seen"
        found.append(context.diagnostic(item.link.url_span, message, url=item.link.url))
    return found


RULE = Rule(
    code="LL804",
    name="github-repo-disabled",
    summary="GitHub has disabled the linked repository (a takedown or a terms violation).",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    uses=(SOURCE,),
)
