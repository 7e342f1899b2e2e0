"""LL204 duplicate-title: the same title listed twice in one section under different links.

Full paper titles (several words) are compared after normalising case,
punctuation and spacing, and fuzzily (rapidfuzz) against titles that share
their first or last two words, so the work stays linear in the list's size.
Short titles are names (``vLLM``, ``Orca``, ``config``) that different
things share.  A name is no evidence against an identifier: two arXiv IDs,
DOIs, OpenReview IDs or GitHub repositories are two things whatever they are
called, and a paper is not its framework's repository.  So short titles are
compared exactly, and only between two plain web pages on the same host (the
conference page and the PDF of one paper).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.errors import ConfigError
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import (
    GENERIC_NAMES,
    ID_KINDS,
    NUMBER_RE,
    Occurrence,
    link_index,
    normalize_title,
    review_order,
)

__all__ = ["RULE", "normalize_title"]

BLOCK_WORDS = 2
# Comparisons per block are capped (the latest titles are kept) so that a
# common opening ("a survey of") cannot make the rule quadratic.
MAX_BLOCK = 64
PAPER_ONLY = ("arxiv:", "doi:", "openreview:")


@dataclass(frozen=True, slots=True)
class Titled:
    occurrence: Occurrence
    title: str  # as written
    norm: str
    line: int
    numbers: tuple[str, ...]  # NUMBER_RE.findall(norm)
    repo: bool  # a GitHub repository
    paper: bool  # an arXiv, DOI or OpenReview paper


def kind_of(identity: str) -> str:
    for prefix in ID_KINDS:
        if identity.startswith(prefix):
            return prefix
    return identity.split("/", 3)[2] if identity.count("/") >= 2 else identity


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    from rapidfuzz import fuzz

    min_words = int(context.options.get("min-words", 4))
    threshold = float(context.options.get("threshold", 95))
    if not 0 < threshold <= 100 or min_words < 1:
        raise ConfigError(
            "rules.duplicate-title: threshold must be in (0, 100] and "
            f"min-words at least 1 (got {threshold:g} and {min_words})"
        )
    # Keyed by section: the same title in two sections is a cross-listing
    # (cross-listed-paper's), and entries of two language or platform
    # sections share names (igraph for Python and for R).
    names: dict[tuple[int, str, str], Titled] = {}
    titles: dict[tuple[int, str], list[Titled]] = {}
    blocks: dict[tuple[int, int, str, tuple[str, ...]], deque[Titled]] = {}
    for occurrence in review_order(link_index(document).primary, context):
        entry = occurrence.entry
        assert entry is not None
        norm = normalize_title(entry.title)
        if not norm:
            continue
        identity = occurrence.identity
        item = Titled(
            occurrence,
            entry.title.strip(),
            norm,
            entry.line,
            tuple(NUMBER_RE.findall(norm)),
            identity.startswith("github:"),
            identity.startswith(PAPER_ONLY),
        )
        words = norm.split()
        if len(words) < min_words:
            kind = kind_of(occurrence.identity)
            if kind in ID_KINDS or norm in GENERIC_NAMES:
                continue
            first = names.setdefault((occurrence.section, kind, norm), item)
            if first is not item and first.occurrence.identity != occurrence.identity:
                yield report(context, item, first, None)
            continue
        same = titles.setdefault((occurrence.section, norm), [])
        exact = next((other for other in same if comparable(item, other)), None)
        if len(same) < MAX_BLOCK:
            same.append(item)
        if exact is not None:
            yield report(context, item, exact, None)
            continue
        if len(same) > 1:
            continue  # an identical title was seen; it was compared already
        # Titles that differ in a number name different things, so only
        # titles with the same numbers share a block.
        keys = [
            (occurrence.section, 0, " ".join(words[:BLOCK_WORDS]), item.numbers),
            (occurrence.section, 1, " ".join(words[-BLOCK_WORDS:]), item.numbers),
        ]
        match: tuple[Titled, float] | None = None
        for key in keys:
            for other in blocks.get(key, ()):
                if not comparable(item, other):
                    continue
                score = fuzz.ratio(norm, other.norm, score_cutoff=threshold)
                if score and (match is None or other.line < match[0].line):
                    match = (other, score)
        if match is not None:
            yield report(context, item, match[0], match[1])
        for key in keys:
            blocks.setdefault(key, deque(maxlen=MAX_BLOCK)).append(item)


def comparable(a: Titled, b: Titled) -> bool:
    """Whether a shared title makes two entries one: not for one identity
    (the other duplicate rules), nor for a paper and a repository (a paper
    and its framework, even when the repository borrows the paper's title)."""
    if a.occurrence.identity == b.occurrence.identity:
        return False
    return not ((a.repo and b.paper) or (b.repo and a.paper))


def report(context: RuleContext, item: Titled, first: Titled, score: float | None) -> Diagnostic:
    link = item.occurrence.link
    how = "the same title" if score is None else f"nearly the same title ({score:.0f}% alike)"
    return context.diagnostic(
        link.text_span,
        f"duplicate title: {how} as line {first.line} ({first.occurrence.link.url}), under a different link",
        url=link.url,
    )


RULE = Rule(
    code="LL204",
    name="duplicate-title",
    summary="The same (or nearly the same) title is listed twice in one section under different links.",
    severity=Severity.WARNING,
    check=check,
    options={"threshold": 95, "min-words": 4},
)
