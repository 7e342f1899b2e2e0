"""LL502 toc-missing-heading: a heading the table of contents leaves out.

A table of contents is a run of at least three list entries whose links all
point into the same file.  The levels it covers are the levels of the
headings it links to.  A heading after it is reported when the TOC covers
its level *there*: it is at the TOC's top level, or its parent heading is in
the TOC together with at least one sibling at its level.  The scan stops at a
heading above the TOC's top level (the end of the TOC's scope).
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Section
from listlint.rules.anchor_targets import AnchorIndex, fragment_of, index_anchors
from listlint.rules.base import Rule, RuleContext

MIN_TOC_ENTRIES = 3
# Back matter that tables of contents leave out on purpose.
BACK_MATTER = [
    "Contributing",
    "Contribute",
    "Contributors",
    "Contribution",
    "License",
    "Licence",
    "Acknowledgements",
    "Acknowledgments",
    "Citation",
    "Cite",
    "Star History",
    "Stargazers",
    "Sponsors",
    "Backers",
    "Contact",
    "Footnotes",
    "Table of Contents",
    "Contents",
]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    tocs = find_tocs(document)
    if not tocs:
        return
    index = index_anchors(document)
    for toc in tocs:
        yield from check_toc(document, context, index, toc)


def find_tocs(document: Document) -> list[list[Entry]]:
    runs: list[list[Entry]] = []
    current: list[Entry] = []
    for entry in document.entries:
        if is_toc_entry(entry) and (not current or entry.line <= current[-1].end_line + 2):
            current.append(entry)
            continue
        if len(current) >= MIN_TOC_ENTRIES:
            runs.append(current)
        current = [entry] if is_toc_entry(entry) else []
    if len(current) >= MIN_TOC_ENTRIES:
        runs.append(current)
    return runs


def is_toc_entry(entry: Entry) -> bool:
    links = [link for link in entry.links if link.kind != "image"]
    return entry.kind == "item" and bool(links) and all(fragment_of(link) is not None for link in links)


def check_toc(
    document: Document, context: RuleContext, index: AnchorIndex, toc: list[Entry]
) -> Iterator[Diagnostic]:
    linked: set[int] = set()
    broken: list[str] = []
    for entry in toc:
        for link in entry.links:
            fragment = fragment_of(link)
            if fragment is None:
                continue
            found, section = index.resolve(fragment)
            if section is not None:
                linked.add(id(section))
            elif not found:
                broken.append(fragment)
    sections = [s for s in document.sections if id(s) in linked]
    if len(sections) < MIN_TOC_ENTRIES:
        return
    top = min(s.level for s in sections)
    bottom = max(s.level for s in sections)
    misnamed = {index.near(fragment) for fragment in broken}
    skipped = {title.casefold() for title in context.options.get("ignore-headings", BACK_MATTER)}
    end = toc[-1].span.end
    parents: list[Section] = []
    for section in document.sections:
        while parents and parents[-1].level >= section.level:
            parents.pop()
        parent = parents[-1] if parents else None
        parents.append(section)
        if section.span.start < end:
            continue
        if section.level < top:
            break
        if id(section) in linked or section.level > bottom or section.anchor in misnamed:
            continue
        if section.title.strip(" :").casefold() in skipped:
            continue
        if section.level == top or (
            parent is not None
            and id(parent) in linked
            and has_linked_child(document, parent, section.level, linked)
        ):
            yield context.diagnostic(
                section.span,
                f"heading {section.title!r} is missing from the table of contents (line {toc[0].line})",
            )


def has_linked_child(document: Document, parent: Section, level: int, linked: set[int]) -> bool:
    prefix = parent.path
    return any(
        s.level == level and s.path[: len(prefix)] == prefix and id(s) in linked for s in document.sections
    )


RULE = Rule(
    code="LL502",
    name="toc-missing-heading",
    summary="The table of contents leaves out a heading at a level it covers.",
    severity=Severity.WARNING,
    # Off by default: a table of contents in several lists (a part "more than
    # the top 100") or one that covers chosen sections only reads as gaps.
    default=False,
    check=check,
    options={"ignore-headings": BACK_MATTER},
)
