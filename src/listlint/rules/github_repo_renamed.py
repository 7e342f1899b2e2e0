"""LL803 github-repo-renamed: the linked repository was renamed or moved to another owner.

GitHub redirects the old address for now, but a new repository of the old
name ends the redirect.  The fix writes the current ``OWNER/REPO`` and keeps
everything else of the URL (host, path after the repository, query, #fragment).
"""

from __future__ import annotations

from listlint.diagnostics import Diagnostic, Fix, Severity
from listlint.document.model import Document, Link
from listlint.rules.base import Rule, RuleContext
from listlint.rules.github_checks import SOURCE, host_of, repository_links

# Kinds whose ``url_span`` holds the URL itself (a reference use's span is its label).
REWRITABLE = ("inline", "autolink", "html", "image")


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    from listlint.net.sources.github import parse_repo_link

    facts = context.facts
    found = []
    for item in repository_links(document, context):
        link, current = item.link, item.current_name
        if item.lookup.status != "found" or "/" not in current:
            continue
        written = parse_repo_link(link.url.strip(), host_of(link))
        if written is None or f"{written.owner}/{written.name}".casefold() == current.casefold():
            continue
        verdict = facts.verdict(link) if facts is not None else None
        if verdict is not None and verdict.moved_to is not None:
            continue  # the crawl followed the move: permanent-redirect reports it, with the exact URL
        message = f"GitHub repository {written.owner}/{written.name} has moved to {current}"
        fix = rename_fix(context, link, current)
        found.append(context.diagnostic(link.url_span, message, url=link.url, fix=fix))
    return found


def rename_fix(context: RuleContext, link: Link, current: str) -> Fix | None:
    """Replace OWNER/REPO in the URL as written, nothing else."""
    from listlint.net.sources.github import OWNER_RE, REPO_RE, parse_repo_link

    owner, _, name = current.partition("/")
    if not (OWNER_RE.fullmatch(owner) and REPO_RE.fullmatch(name)) or link.kind not in REWRITABLE:
        return None
    url = link.url
    text = context.document.source.text[link.url_span.start : link.url_span.end]
    # The URL must be exactly what the span holds, or offsets into it mean nothing.
    if text != url:
        return None
    written = parse_repo_link(url, host_of(link))
    if written is None:
        return None
    start, end = written.owner_at[0], written.name_at[1]
    edit = context.edit(type(link.url_span)(link.url_span.start + start, link.url_span.start + end), current)
    return context.fix(f"link to {current}", edit)


RULE = Rule(
    code="LL803",
    name="github-repo-renamed",
    summary="The linked GitHub repository was renamed or transferred; the fix links its current name.",
    severity=Severity.INFO,
    check=check,
    fixable=True,
    needs_network=True,
    uses=(SOURCE,),
)
