"""LL806 github-unchecked: the GitHub API did not answer for some repositories.

One finding per run, never one per link: a rate limit or an outage says
nothing about the repositories.  Their links are crawled like any other
link, so a dead one is still reported (dead-link); what is missing is
archive, rename and disabled state.
"""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.github_checks import SOURCE


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    facts = context.facts
    if facts is None or facts.network_down:
        return []  # network-unavailable already says that nothing was checked
    count = facts.unchecked(SOURCE)
    if not count:
        return []
    first = None
    for each in facts.documents or (document,):
        first = next(
            (
                link
                for link in each.links
                if (lookup := facts.lookup(SOURCE, link)) is not None and lookup.status == "unchecked"
            ),
            None,
        )
        if first is not None:
            if each.path != document.path:
                return []  # reported once, in the first file with an unchecked repository
            break
    if first is None:
        return []
    reason = facts.reasons.get(SOURCE) or first_reason(context)
    plural = "repository" if count == 1 else "repositories"
    message = (
        f"GitHub API did not answer for {count} {plural}"
        + (f" ({reason})" if reason else "")
        + ": whether they are archived, renamed or disabled is unknown; their links had an HTTP check only"
    )
    return [context.diagnostic(first.url_span, message)]


def first_reason(context: RuleContext) -> str:
    facts = context.facts
    if facts is None:
        return ""
    for lookup in facts.lookups.get(SOURCE, {}).values():
        if lookup.status == "unchecked" and lookup.reason:
            return lookup.reason
    return ""


RULE = Rule(
    code="LL806",
    name="github-unchecked",
    summary="The GitHub API did not answer (rate limit, outage): one warning per run.",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    uses=(SOURCE,),
)
