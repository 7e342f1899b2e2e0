"""LL402 arxiv-pdf-link: an arXiv PDF link in a list that links abstract pages."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.errors import ConfigError
from listlint.identity import ArxivLink, parse_arxiv, path_offset
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import Occurrence, link_index, url_bytes_match, url_edit

__all__ = ["RULE"]

DOMINANCE = 2 / 3


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    found: list[tuple[Occurrence, ArxivLink]] = []
    for occurrence in link_index(document).occurrences:
        if occurrence.identity.startswith("arxiv:") and not beside_same_paper(occurrence):
            arxiv = parse_arxiv(occurrence.link.url)
            if arxiv is not None:
                found.append((occurrence, arxiv))
    abs_count = sum(1 for _, arxiv in found if arxiv.view == "abs")
    pdf_count = sum(1 for _, arxiv in found if arxiv.view == "pdf")
    prefer = context.options.get("prefer", "auto")
    if prefer not in ("auto", "abs"):
        raise ConfigError(f'rules.arxiv-pdf-link.prefer: expected "auto" or "abs", got {prefer!r}')
    # "Otherwise uses abs": abstract pages must be the clear habit of the list.
    if prefer != "abs" and abs_count < DOMINANCE * (abs_count + pdf_count):
        return
    why = (
        f"this list links arXiv papers by their abstract page ({abs_count} /abs/ links, {pdf_count} /pdf/)"
        if prefer == "auto"
        else 'abstract pages are preferred (prefer = "abs")'
    )
    for occurrence, arxiv in found:
        if arxiv.view != "pdf":
            continue
        link = occurrence.link
        fix = None
        if url_bytes_match(document, link):
            view_start = path_offset(link.url) + 1
            edits = [url_edit(context, link, view_start, view_start + len("pdf"), "abs")]
            if arxiv.suffix.lower() == ".pdf":
                edits.append(url_edit(context, link, arxiv.end, arxiv.end + 4, ""))
            fix = context.fix("link the abstract page", *edits)
        yield context.diagnostic(
            link.url_span,
            f"arXiv PDF link; {why}",
            url=link.url,
            fix=fix,
        )


def beside_same_paper(occurrence: Occurrence) -> bool:
    """A ``[pdf]`` link next to the paper's own link in one entry is intended."""
    entry = occurrence.entry
    if entry is None:
        return False
    return any(
        link is not occurrence.link
        and link.url != occurrence.link.url
        and parse_arxiv(link.url) is not None
        and parse_arxiv(link.url).id == parse_arxiv(occurrence.link.url).id  # type: ignore[union-attr]
        for link in entry.links
    )


RULE = Rule(
    code="LL402",
    name="arxiv-pdf-link",
    summary="An arXiv /pdf/ link where the list otherwise links /abs/ pages.",
    severity=Severity.INFO,
    check=check,
    fixable=True,
    options={"prefer": "auto"},
)
