"""Shared by doi-title-mismatch (LL712) and doi-title-typo (LL713): an entry's title
against the title its DOI was registered with at Crossref."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic
from listlint.document.model import Document
from listlint.rules.base import RuleContext
from listlint.rules.scholarly_checks import CROSSREF, entry_records, is_generic_name, stated_title

__all__ = ["judged_titles"]

TYPO_KINDS = ("typo",)


def judged_titles(document: Document, context: RuleContext, kinds: tuple[str, ...]) -> Iterator[Diagnostic]:
    from listlint.net.arxiv_titles import judge_title

    for paper in entry_records(document, context, CROSSREF):
        entry, title = paper.entry, paper.record.get("title", "")
        if not title or paper.link is not entry.primary_link or is_generic_name(entry.name):
            continue
        verdict = judge_title(stated_title(entry), title)
        if verdict.kind not in kinds:
            continue
        doi = paper.record.get("doi", paper.key)
        if verdict.kind == "mismatch":
            message = f"the entry names \u201c{entry.title}\u201d, but DOI {doi} is \u201c{title}\u201d"
        else:
            message = (
                f"the title differs slightly from the one DOI {doi} was registered with: \u201c{title}\u201d"
            )
        yield context.diagnostic(paper.link.text_span, message, url=paper.link.url)
