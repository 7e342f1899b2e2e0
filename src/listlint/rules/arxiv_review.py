"""One arXiv review per run, shared by the LL7xx rules (and LL706).

The gather stage asked the arXiv source (``listlint.net.sources.arxiv``)
about every arXiv link in scope; the review turns those lookups into one
judgement per link, once per run (``Facts.derive``), because a title is
judged against every record of the run (two IDs swapped between entries of
different files).  Each rule turns the judgements it cares about into
diagnostics.

Only links in the run's scope (changed lines, shard: ``Facts.in_scope``) are
judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from listlint.document.model import Document, Entry, Link
from listlint.identity import ArxivLink
from listlint.net.arxiv_titles import (
    StatedTitle,
    TitleVerdict,
    judge_title,
    normalize_title,
    similar_titles,
    starts_with_words,
)
from listlint.rules.link_index import CHECKED_KINDS, link_index

if TYPE_CHECKING:
    from listlint.gather.facts import Facts
    from listlint.net.sources.arxiv import ArxivRecord

__all__ = ["Target", "Judgement", "ArxivReview", "review_of", "SOURCE", "stated_of", "is_withdrawn"]

SOURCE = "arxiv"

Status = Literal["found", "missing", "malformed", "unchecked"]
# Verdicts that another record of the run may turn into a mismatch.
DOUBTFUL = ("renamed", "related", "name-missing", "mismatch")


@dataclass(frozen=True, slots=True)
class Target:
    """One arXiv link of one file."""

    path: str
    link: Link
    entry: Entry | None
    arxiv: ArxivLink
    primary: bool  # the entry's own link, so its text names the paper

    @property
    def line(self) -> int:
        return self.entry.line if self.entry is not None else 0


@dataclass(frozen=True, slots=True)
class Judgement:
    target: Target
    status: Status
    record: ArxivRecord | None = None
    verdict: TitleVerdict | None = None
    # For a mismatch: the other arXiv record (and its line, if listed) the entry names.
    names_instead: tuple[str, str, int] | None = None


def review_of(facts: Facts) -> ArxivReview:
    """The run's review (computed on first use, shared by every rule)."""
    return facts.derive("arxiv.review", ArxivReview.of)


@dataclass(slots=True)
class ArxivReview:
    judgements: dict[str, list[Judgement]] = field(default_factory=dict)
    reason: str = ""

    @classmethod
    def of(cls, facts: Facts) -> ArxivReview:
        review = cls(reason=facts.reasons.get(SOURCE, ""))
        if SOURCE not in facts.sources:
            return review
        targets = [target for document in facts.documents for target in targets_of(document, facts)]
        first = [judge_one(target, facts) for target in targets]
        for judgement in first:
            final = review.cross_examine(judgement, first)
            review.judgements.setdefault(final.target.path, []).append(final)
        return review

    def judged(self, path: str) -> list[Judgement]:
        return self.judgements.get(path, [])

    @property
    def unchecked(self) -> list[Judgement]:
        return [j for judged in self.judgements.values() for j in judged if j.status == "unchecked"]

    # -- judging ---------------------------------------------------------------

    def cross_examine(self, judgement: Judgement, everyone: list[Judgement]) -> Judgement:
        """Turn a doubtful title into a mismatch when another record explains it.

        A possible rename or a name missing from the title is a mismatch when
        the entry's title (or name) is that of another paper of this run (two
        IDs swapped).  A title that merely shares words with arXiv's is also a
        mismatch when the same ID is listed elsewhere under the title arXiv has
        (an ID copied from another entry).
        """
        verdict = judgement.verdict
        if verdict is None or verdict.kind not in DOUBTFUL:
            return judgement
        target = judgement.target
        assert target.entry is not None and judgement.record is not None
        by_name = verdict.kind == "name-missing"
        other = self.named_instead(target, judgement.record, everyone, by_name)
        if other is None and verdict.kind == "related":
            # Not for a short name ("[DeepSeek-v2-236B-MoE](url)" and the paper's full
            # title elsewhere name one paper), nor where the paper's name ties the
            # titles (a paper listed twice, under its old and new title).
            other = self.id_claimed_elsewhere(judgement, everyone)
        if other is None:
            return judgement
        return Judgement(
            target, judgement.status, judgement.record, TitleVerdict("mismatch", verdict.score), other
        )

    def named_instead(
        self, target: Target, record: ArxivRecord, everyone: list[Judgement], by_name: bool
    ) -> tuple[str, str, int] | None:
        assert target.entry is not None
        for other in everyone:
            other_record = other.record
            if other_record is None or other_record.id == record.id:
                continue
            if by_name:
                # That other paper is *called* the entry's name ("Alpa: ..."), not merely
                # mentions it ("DeepSpeed-MoE" mentions "MoE").
                hit = starts_with_words(
                    normalize_title(other_record.title), normalize_title(stated_of(target.entry).name)
                )
            else:
                hit = similar_titles(target.entry.title, other_record.title)
            if hit:
                return other_record.id, other_record.title, other.target.line
        return None

    def id_claimed_elsewhere(
        self, judgement: Judgement, everyone: list[Judgement]
    ) -> tuple[str, str, int] | None:
        record = judgement.record
        assert record is not None and judgement.target.entry is not None
        for other in everyone:
            if (
                other is not judgement
                and other.record is not None
                and other.record.id == record.id
                and other.verdict is not None
                and other.verdict.same_paper
                and other.target.entry is not None
                and not similar_titles(other.target.entry.title, judgement.target.entry.title)
            ):
                return record.id, record.title, other.target.line
        return None


def targets_of(document: Document, facts: Facts) -> list[Target]:
    """The document's arXiv links in the run's scope, with their entries."""
    from listlint.net.sources.arxiv import arxiv_link

    scope = {(link.span.start, link.url) for link in facts.in_scope.get(document.path, ())}
    found: list[Target] = []
    for occurrence in link_index(document).occurrences:
        link = occurrence.link
        if link.kind not in CHECKED_KINDS or (link.span.start, link.url) not in scope:
            continue
        parsed = arxiv_link(link.url)
        if parsed is not None:
            found.append(Target(document.path, link, occurrence.entry, parsed, occurrence.is_primary))
    return found


def judge_one(target: Target, facts: Facts) -> Judgement:
    from listlint.net.sources.arxiv import ArxivRecord

    lookup = facts.lookup(SOURCE, target.link)
    if lookup is None or lookup.status == "unchecked":
        return Judgement(target, "unchecked")
    if lookup.status == "missing":
        return Judgement(target, "malformed" if lookup.record.get("malformed") else "missing")
    record = ArxivRecord.from_dict(lookup.record)
    if record is None:
        return Judgement(target, "unchecked")
    verdict = None
    if (
        target.primary
        and target.entry is not None
        and not is_withdrawn(record)
        and not is_generic(target.entry.name)
    ):
        verdict = judge_title(stated_of(target.entry), record.title)
    return Judgement(target, "found", record, verdict)


def stated_of(entry: Entry) -> StatedTitle:
    name = entry.name.strip().rstrip(":").strip()
    return StatedTitle(name=name, title=entry.title, description=entry.description)


# Link texts that say what the link is, not which paper: no title to compare.
GENERIC_NAMES = frozenset(
    {
        "paper",
        "pdf",
        "arxiv",
        "abs",
        "abstract",
        "link",
        "here",
        "preprint",
        "article",
        "code",
        "project",
        "project page",
        "website",
        "homepage",
        "blog",
        "slides",
        "video",
        "html",
        "url",
        "full paper",
        "paper link",
        "arxiv paper",
        "arxiv link",
    }
)


def is_generic(name: str) -> bool:
    normalized = normalize_title(name)
    return normalized in GENERIC_NAMES or not any(c.isalpha() for c in normalized)


WITHDRAWN_MARKERS = ("withdrawn", "withdraw this paper", "retracted")
WITHDRAWN_OPENINGS = ("this paper has been withdrawn", "this article has been withdrawn", "withdrawn")


def is_withdrawn(record: ArxivRecord) -> bool:
    """The latest version is a withdrawal notice (arXiv says so in the comment)."""
    comment = record.comment.casefold()
    if any(marker in comment for marker in WITHDRAWN_MARKERS):
        return True
    summary = record.summary.casefold().lstrip()
    return summary.startswith(WITHDRAWN_OPENINGS)
