"""One arXiv review per run, shared by the LL7xx rules.

Every LL7xx rule's ``check`` registers the document's arXiv links
synchronously and returns a coroutine.  The pipeline calls every rule's
``check`` for every file before it awaits any of them, so by the time the
first coroutine runs, the review knows every arXiv ID of every file: it asks
the cache, then queries the rest in batches (``arxiv_api.fetch_records`` in a
worker thread), then judges each link once.  Each rule turns the judgements
it cares about into diagnostics.

Only links on changed lines (``context.is_changed``) and in this run's shard
(``sharding.in_shard``) are registered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from listlint.document.model import Document, Entry, Link
from listlint.identity import ARXIV_HOSTS, ArxivLink, parse_arxiv, split_url
from listlint.net.arxiv_titles import (
    StatedTitle,
    TitleVerdict,
    judge_title,
    normalize_title,
    similar_titles,
    starts_with_words,
)
from listlint.rules.base import RuleContext
from listlint.rules.link_index import CHECKED_KINDS, link_index
from listlint.sharding import in_shard

if TYPE_CHECKING:
    import asyncio

    # The API client loads only when a review runs, so offline runs skip it.
    from listlint.net.arxiv_api import ArxivConfig, ArxivRecord, FetchOutcome

__all__ = ["Target", "Judgement", "ArxivReview", "review_for", "SERVICE_KEY"]

SERVICE_KEY = "arxiv.review"
# Documented in listlint.rules.link_checks: async predicates; True = do not crawl.
LINK_SKIP_HOOK = "link-skip"
CACHE_NAMESPACE = "arxiv"
DAY = 86400.0
# A "not found" answer may be a paper not announced yet: keep it for a day only.
MISSING_TTL = DAY

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


@dataclass(slots=True)
class ArxivReview:
    services: Any
    targets: dict[str, list[Target]] = field(default_factory=dict)
    judgements: dict[str, list[Judgement]] = field(default_factory=dict)
    outcome: FetchOutcome | None = None
    task: asyncio.Task[None] | None = None
    from_cache: int = 0

    def register(self, document: Document, context: RuleContext) -> None:
        """Remember the document's arXiv links (once per file)."""
        if document.path in self.targets:
            return
        found: list[Target] = []
        for occurrence in link_index(document).occurrences:
            link = occurrence.link
            if link.kind not in CHECKED_KINDS:
                continue
            parsed = parse_arxiv(link.url) or malformed_arxiv(link.url)
            if parsed is None:
                continue
            entry = occurrence.entry
            if not context.is_changed(entry.span if entry is not None else link.span):
                continue
            if not in_shard(link.url, context.settings):
                continue
            found.append(Target(document.path, link, entry, parsed, occurrence.is_primary))
        self.targets[document.path] = found

    async def judged(self, document: Document) -> list[Judgement]:
        """Every judgement of ``document``'s arXiv links (querying on first use)."""
        await self.finished()
        return self.judgements.get(document.path, [])

    async def finished(self) -> None:
        import asyncio

        if self.outcome is not None:
            return
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.get_loop() is not loop:
            self.task = loop.create_task(self.review())
        await asyncio.shield(self.task)

    async def confirmed(self, url: str) -> bool:
        """Whether the API confirmed the paper behind ``url`` (so nobody need crawl it).

        The link rules ask this through their ``link-skip`` hook: arxiv.org
        throttles crawlers, and the API has already answered for the ID.
        Only ``/abs/`` and ``/pdf/`` pages are vouched for: an ``/html/`` view
        exists only for some papers.
        """
        parsed = parse_arxiv(url)
        if parsed is None or parsed.view not in ("abs", "pdf"):
            return False
        await self.finished()
        record = self.outcome.records.get(parsed.id) if self.outcome is not None else None
        return record is not None and (parsed.version is None or parsed.version <= record.version)

    @property
    def unchecked(self) -> list[Judgement]:
        return [j for path in self.targets for j in self.judgements.get(path, []) if j.status == "unchecked"]

    async def review(self) -> None:
        import asyncio

        from listlint.net.arxiv_api import ArxivRecord, FetchOutcome, fetch_records

        ids = list(dict.fromkeys(t.arxiv.id for ts in self.targets.values() for t in ts))
        outcome = FetchOutcome()
        cache = self.cache()
        wanted = []
        for arxiv_id in ids:
            cached = cache.get(CACHE_NAMESPACE, arxiv_id) if cache is not None else None
            if cached is None:
                wanted.append(arxiv_id)
            elif cached.get("missing"):
                outcome.missing.add(arxiv_id)
            else:
                outcome.records[arxiv_id] = ArxivRecord.from_dict(cached)
        self.from_cache = len(ids) - len(wanted)
        if wanted:
            fetched = await asyncio.to_thread(fetch_records, wanted, self.config())
            self.store(cache, fetched)
            outcome.records.update(fetched.records)
            outcome.missing |= fetched.missing
            outcome.malformed |= fetched.malformed
            outcome.unchecked |= fetched.unchecked
            outcome.requests, outcome.error = fetched.requests, fetched.error
        self.outcome = outcome
        self.judge_all(outcome)
        self.report_stats(len(ids))

    def config(self) -> ArxivConfig:
        from listlint.net.arxiv_api import ArxivConfig

        return ArxivConfig.from_settings(self.services.settings)

    def cache(self) -> Any:
        try:
            from listlint.net.cache import cache_for
        except ImportError:  # pragma: no cover - the cache module is optional
            return None
        return cache_for(self.services)

    def store(self, cache: Any, fetched: FetchOutcome) -> None:
        if cache is None:
            return
        ttl = float(self.services.settings.get("arxiv-cache-days")) * DAY
        for arxiv_id, record in fetched.records.items():
            cache.put(CACHE_NAMESPACE, arxiv_id, record.to_dict(), ttl_seconds=ttl)
        for arxiv_id in fetched.missing:
            cache.put(CACHE_NAMESPACE, arxiv_id, {"missing": True}, ttl_seconds=min(ttl, MISSING_TTL))

    def report_stats(self, total: int) -> None:
        outcome = self.outcome
        assert outcome is not None
        stats = self.services.stats.setdefault("arxiv", {})
        stats.update(
            ids=total, cached=self.from_cache, requests=outcome.requests, unchecked=len(outcome.unchecked)
        )
        notes = self.services.stats.setdefault("notes", [])
        if total:
            notes.append(
                f"arXiv: {total} IDs, {self.from_cache} from the cache, {outcome.requests} API requests"
            )
        if outcome.error:
            notes.append(f"arXiv metadata not checked for {len(self.unchecked)} links: {outcome.error}")

    # -- judging ---------------------------------------------------------------

    def judge_all(self, outcome: FetchOutcome) -> None:
        everything = [t for ts in self.targets.values() for t in ts]
        first: list[Judgement] = [judge_one(t, outcome) for t in everything]
        final = [self.cross_examine(j, first) for j in first]
        for judgement in final:
            self.judgements.setdefault(judgement.target.path, []).append(judgement)

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


def malformed_arxiv(url: str) -> ArxivLink | None:
    """``https://arxiv.org/abs/2401.123456``: an arXiv paper URL whose ID is no arXiv ID."""
    parts = split_url(url.strip())
    if parts is None or parts[0] not in ARXIV_HOSTS:
        return None
    segments = parts[1].split("/")
    if len(segments) < 3 or segments[1].lower() not in ("abs", "pdf", "html"):
        return None
    written = "/".join(segments[2:]).strip("/").removesuffix(".pdf")
    if not written:
        return None
    start = url.find(written)
    return ArxivLink(written, None, segments[1].lower(), start, start + len(written), parts[0], "")


def judge_one(target: Target, outcome: FetchOutcome) -> Judgement:
    arxiv_id = target.arxiv.id
    if arxiv_id in outcome.malformed:
        return Judgement(target, "malformed")
    if arxiv_id in outcome.missing:
        return Judgement(target, "missing")
    record = outcome.records.get(arxiv_id)
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


# -- glue for the rule modules ---------------------------------------------------


def review_for(context: RuleContext) -> ArxivReview:
    """The run's review; made on first use, when it also joins the link rules' skip hook."""

    def make() -> ArxivReview:
        review = ArxivReview(context.services)
        hooks: list[Any] = context.services.get(LINK_SKIP_HOOK, list)
        hooks.append(review.confirmed)
        return review

    return context.services.get(SERVICE_KEY, make)
