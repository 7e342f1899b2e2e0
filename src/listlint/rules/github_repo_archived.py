"""LL802 github-repo-archived: the linked GitHub repository is archived (read-only)."""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.github_checks import SOURCE, day_of, repository_links


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    found = []
    for item in repository_links(document, context):
        record = item.lookup.record
        if item.lookup.status != "found" or not record.get("isArchived"):
            continue
        since = day_of(record.get("archivedAt"))
        when = f" on {since}" if since else ""
        message = (
            f"GitHub repository {item.current_name} was archived{when}: "
            "it is read-only and no longer maintained"
        )
        found.append(context.diagnostic(item.link.url_span, message, url=item.link.url))
    return found


RULE = Rule(
    code="LL802",
    name="github-repo-archived",
    summary="The linked GitHub repository is archived: read-only, no longer maintained.",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    uses=(SOURCE,),
)
