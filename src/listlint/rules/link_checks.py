"""Shared by the LL6xx link rules: the crawl's verdicts on one document's links.

The gather stage crawled every web link in scope (changed lines, shard,
``include``/``exclude``) that no metadata source vouched for; each rule here
reads those verdicts from ``context.facts``.  Nothing here imports httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from listlint.document.model import Document, Link
from listlint.rules.base import RuleContext

if TYPE_CHECKING:
    from listlint.net.verdicts import Verdict

__all__ = ["USES", "crawled_pairs", "reportable", "first_unchecked_document"]

# What the link rules read of the gather stage (``Rule.uses``).
USES = ("links",)


def crawled_pairs(document: Document, context: RuleContext) -> list[tuple[Link, Verdict]]:
    """Every crawled link of ``document`` with its verdict, in document order."""
    facts = context.facts
    if facts is None:
        return []
    pairs = []
    for link in facts.crawled.get(document.path, ()):
        verdict = facts.verdict(link)
        if verdict is not None and context.is_changed(link.span):
            pairs.append((link, verdict))
    return pairs


def reportable(document: Document, context: RuleContext) -> list[tuple[Link, Verdict]]:
    """The pairs to report on; when the network is down, what it left unchecked is left out."""
    from listlint.net.verdicts import Kind

    pairs = crawled_pairs(document, context)
    if context.facts is not None and context.facts.network_down:
        return [(link, v) for link, v in pairs if not v.network_failure and v.kind is not Kind.OFFLINE]
    return [(link, v) for link, v in pairs if v.kind is not Kind.OFFLINE]


def unchecked_links(document: Document, context: RuleContext) -> list[Link]:
    """Links an outage left unchecked (the network being down)."""
    from listlint.net.verdicts import Kind

    return [
        link
        for link, verdict in crawled_pairs(document, context)
        if verdict.network_failure or verdict.kind is Kind.OFFLINE
    ]


def first_unchecked_document(context: RuleContext) -> str | None:
    """The path of the first document of the run with a link an outage left unchecked."""
    facts = context.facts
    if facts is None or not facts.network_down:
        return None
    from listlint.net.verdicts import Kind

    for document in facts.documents:
        for link in facts.crawled.get(document.path, ()):
            verdict = facts.verdict(link)
            if verdict is not None and (verdict.network_failure or verdict.kind is Kind.OFFLINE):
                return document.path
    return None
