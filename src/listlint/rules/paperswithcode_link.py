"""LL717 paperswithcode-link: a link to Papers with Code, which shut down in July 2025.

Its paper pages now redirect to Hugging Face, and its leaderboards
(``/sota``), datasets and methods pages are gone.  When the entry names the
paper's arXiv ID in another link, the fix (safe) links the arXiv abstract
page instead; other Papers with Code links are reported without a fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry
from listlint.identity import arxiv_id
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import link_index, url_bytes_match
from listlint.urls import split_web_url

__all__ = ["RULE", "PORTAL_HOSTS"]

PORTAL_HOSTS = frozenset({"paperswithcode.com", "www.paperswithcode.com"})


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    for occurrence in link_index(document).occurrences:
        link = occurrence.link
        parts = split_web_url(link.url.strip())
        if parts is None or parts.host not in PORTAL_HOSTS:
            continue
        is_paper = parts.path.lower().startswith("/paper/")
        found = entry_arxiv_id(occurrence.entry) if is_paper else None
        fix = None
        if found is not None and url_bytes_match(document, link):
            target = f"https://arxiv.org/abs/{found}"
            fix = context.fix(f"link {target}", context.edit(link.url_span, target))
        what = "paper page" if is_paper else "page"
        advice = f"; the entry's paper is arXiv:{found}" if found else ""
        yield context.diagnostic(
            link.url_span,
            f"Papers with Code {what}: the site shut down in July 2025{advice}",
            url=link.url,
            fix=fix,
        )


def entry_arxiv_id(entry: Entry | None) -> str | None:
    """The one arXiv ID the entry's other links name (None when none or several)."""
    if entry is None:
        return None
    found = {hit[0] for hit in (arxiv_id(link.url) for link in entry.links) if hit is not None}
    return found.pop() if len(found) == 1 else None


RULE = Rule(
    code="LL717",
    name="paperswithcode-link",
    summary="A link to Papers with Code, which shut down in July 2025 (its pages redirect elsewhere).",
    severity=Severity.WARNING,
    check=check,
    fixable=True,
)
