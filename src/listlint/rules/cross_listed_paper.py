"""LL203 cross-listed-paper: copies of one paper in two sections that drifted apart.

Lists repeat papers on purpose ("News", "Trending", "Week" sections, a paper
under two topics), so an identical copy is quiet by default (option
``report-identical``).  What a maintainer wants to hear of is drift: the
copies state a different title, different tags (venue, year), or pin a
different arXiv version.  The finding says what differs.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry
from listlint.identity import arxiv_id
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import (
    GENERIC_NAMES,
    PAPER_KINDS,
    Occurrence,
    first_same_listing,
    link_index,
    normalize_title,
    review_order,
    section_name,
    stated_title,
    titles_conflict,
)

__all__ = ["RULE", "drift"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    report_identical = bool(context.options.get("report-identical", False))
    groups: dict[str, list[Occurrence]] = {}
    for occurrence in review_order(link_index(document).primary, context):
        groups.setdefault(occurrence.identity, []).append(occurrence)
    source = document.source
    for group in groups.values():
        if len(group) < 2:
            continue
        # The first listing in each further section; repeats inside a section
        # are duplicate-link's and duplicate-paper's business.
        reported = {group[0].section}
        for index, occurrence in enumerate(group[1:], start=1):
            if occurrence.section in reported:
                continue
            first = first_same_listing(occurrence, group[:index])
            if first is None and occurrence.identity.startswith(PAPER_KINDS):
                # One paper under entries named differently (its dataset's row,
                # a model's entry): its copies may still drift.
                first = next((o for o in group[:index] if not titles_conflict(o, occurrence)), None)
            if first is None:
                continue
            reported.add(occurrence.section)
            differences = drift(first, occurrence)
            if not differences and not report_identical:
                continue
            link = occurrence.link
            first_line = source.position(first.link.span.start)[0]
            where = section_name(document, first.section)
            if differences:
                message = (
                    f"cross-listed copy differs from the one under {where} at line {first_line}: "
                    + "; ".join(differences)
                )
            else:
                message = f"cross-listed: the same paper is also listed under {where} at line {first_line}"
            yield context.diagnostic(link.url_span, message, url=link.url)


def drift(first: Occurrence, later: Occurrence) -> list[str]:
    """What differs between two copies of one paper: title, tags, arXiv version."""
    differences = []
    a, b = first.entry, later.entry
    if a is not None and b is not None:
        # A paper's title is fixed; a repository's or page's "title" is often its
        # name and a description that copies word differently: only the name counts.
        if first.identity.startswith(PAPER_KINDS):
            title_a, title_b = stated_title(first), stated_title(later)
            full = len(title_a.split()) >= 3 and len(title_b.split()) >= 3  # words as written
            if full and titles_differ(normalize_title(title_a), normalize_title(title_b)):
                differences.append(f"title {short(title_a)!r} here {short(title_b)!r}")
        elif names_differ(normalize_title(a.name), normalize_title(b.name)):
            differences.append(f"name {short(a.name)!r} here {short(b.name)!r}")
        tags_a, tags_b = stated_tags(a), stated_tags(b)
        if tags_a != tags_b and tags_a and tags_b:
            differences.append(f"tags {', '.join(tags_a)!r} here {', '.join(tags_b)!r}")
    version_a, version_b = arxiv_id(first.link.url), arxiv_id(later.link.url)
    if version_a is not None and version_b is not None and version_a[1] != version_b[1]:
        shown = [f"v{v[1]}" if v[1] else "no version" for v in (version_a, version_b)]
        differences.append(f"arXiv version {shown[0]} there, {shown[1]} here")
    return [f"there {text}" if text.startswith(("title", "tags")) else text for text in differences]


def titles_differ(a: str, b: str) -> bool:
    """Two different full titles (three words or more each).

    A short name beside a full title ("R3" and "Training Large Language
    Models ...", "DeepSeek-v2-236B-MoE" and the paper's title: the caller
    counts words as written) is one paper's two ways of being named, not
    drift; a shortened subtitle is drift.
    """
    return len(a.split()) >= 3 and len(b.split()) >= 3 and a != b


def names_differ(a: str, b: str) -> bool:
    """Two names of one repository or page that are not one another's part
    (``NuPIC`` and ``numpic``; not ``linebender/xilem`` and ``xilem``)."""
    if not a or not b or a in GENERIC_NAMES or b in GENERIC_NAMES:
        return False
    return a not in b and b not in a


def stated_tags(entry: Entry) -> tuple[str, ...]:
    return tuple(" ".join(tag.text.split()) for tag in entry.venue_tags if tag.where != "badge")


def short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


RULE = Rule(
    code="LL203",
    name="cross-listed-paper",
    summary="Copies of one paper in two sections differ (title, tags, arXiv version).",
    severity=Severity.WARNING,
    check=check,
    options={"report-identical": False},
)
