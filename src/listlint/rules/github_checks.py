"""What the GitHub rules (LL801-LL806) share: the repository lookups of a document's links.

The lookups come from the ``github`` metadata source
(:mod:`listlint.net.sources.github`) through ``context.facts``; a rule never
reports on an ``unchecked`` lookup, and nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from listlint.document.model import Document, Link, Span
from listlint.gather.sources import Lookup
from listlint.rules.base import RuleContext

__all__ = ["RepoFinding", "repository_links", "SOURCE"]

SOURCE = "github"
# Links as Markdown renders them (a "broken" or "reversed" one is malformed-link's business).
LINK_KINDS = ("inline", "reference", "autolink", "html", "image")


@dataclass(frozen=True, slots=True)
class RepoFinding:
    """A link into a GitHub repository and the source's answer about it."""

    link: Link
    lookup: Lookup

    @property
    def current_name(self) -> str:
        return str(self.lookup.record.get("nameWithOwner", ""))


def repository_links(
    document: Document, context: RuleContext, *, images: bool = False
) -> Iterator[RepoFinding]:
    """Each link of ``document`` the GitHub source answered, once per place in the text.

    A reference definition used three times is one place.  Images (badges)
    are left out unless ``images``: a repository's badges say nothing new
    about it once its link has been reported.
    """
    facts = context.facts
    if facts is None:
        return
    seen: set[Span] = set()
    for link in document.links:
        if not link.is_web or link.kind not in LINK_KINDS or (link.kind == "image" and not images):
            continue
        if link.url_span in seen or not context.is_changed(link.span):
            continue
        lookup = facts.lookup(SOURCE, link)
        if lookup is None or lookup.status == "unchecked":
            continue
        seen.add(link.url_span)
        yield RepoFinding(link, lookup)


def repository_name(link: Link) -> str:
    """``OWNER/REPO`` as the link writes it."""
    from listlint.net.sources.github import parse_repo_link

    found = parse_repo_link(link.url.strip(), host_of(link))
    return f"{found.owner}/{found.name}" if found is not None else link.url


def host_of(link: Link) -> str:
    from urllib.parse import urlsplit

    try:
        host = urlsplit(link.url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def day_of(timestamp: object) -> str:
    """``2020-09-08`` from GitHub's ``2020-09-08T17:56:23Z`` (empty when absent)."""
    return timestamp[:10] if isinstance(timestamp, str) and len(timestamp) >= 10 else ""
