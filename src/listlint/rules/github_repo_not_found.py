"""LL801 github-repo-not-found: the linked GitHub repository does not exist."""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.github_checks import SOURCE, repository_links, repository_name


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    found = []
    for item in repository_links(document, context, images=True):
        if item.lookup.status != "missing":
            continue
        name = repository_name(item.link)
        if item.lookup.reason.startswith("not a possible"):
            message = f"{name!r} cannot be a GitHub repository (not a valid owner or repository name)"
        else:
            message = f"GitHub repository {name} does not exist (deleted, made private, or never existed)"
        found.append(context.diagnostic(item.link.url_span, message, url=item.link.url))
    return found


RULE = Rule(
    code="LL801",
    name="github-repo-not-found",
    summary="The linked GitHub repository does not exist (the GitHub API says so).",
    severity=Severity.ERROR,
    check=check,
    needs_network=True,
    uses=(SOURCE,),
)
