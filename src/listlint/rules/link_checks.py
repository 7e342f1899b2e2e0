"""Shared by the LL6xx link rules: which links are checked, one engine per run.

Every link rule awaits :func:`link_verdicts`; the first call per document
collects the links, the engine fetches each unique URL once for the whole run,
and every rule reads the same verdicts.  Nothing here imports httpx until a
network rule actually runs.

Which links: web links (inline, reference, autolink, HTML, images) on lines
this run reports on (``context.is_changed``), in this run's shard
(``--shard``), allowed by the ``include``/``exclude`` patterns.

Hook for other subsystems: ``services.get("link-skip", list)`` is a list of
async predicates ``async def skip(url: str) -> bool``; a URL for which one
returns True is not crawled and gets no LL6xx finding (the arXiv rules use it
for IDs the arXiv API has confirmed).  Append the predicate synchronously,
before the first ``await`` of your rule's ``check`` (or from a services
factory): the link rules read the list after yielding once to the event
loop, when every network rule has started.  A predicate may await (e.g. the
arXiv API's answer); one that raises counts as "do not skip".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from listlint.document.model import Document, Link
from listlint.rules.base import RuleContext
from listlint.sharding import in_shard

if TYPE_CHECKING:
    import asyncio

    from listlint.net.engine import LinkEngine
    from listlint.net.verdicts import Verdict

__all__ = ["CHECKED_KINDS", "LinkResults", "link_verdicts", "engine_for", "SKIP_HOOK"]

CHECKED_KINDS = ("inline", "reference", "autolink", "html", "image")
SKIP_HOOK = "link-skip"
ENGINE_KEY = "net.link-engine"

SkipPredicate = Callable[[str], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class LinkResults:
    """The verdicts on one document's links, and the state of the network."""

    pairs: tuple[tuple[Link, Verdict], ...]
    network_down: bool

    def reportable(self) -> list[tuple[Link, Verdict]]:
        """Pairs to report; when the network is down, what it left unchecked is left out."""
        from listlint.net.verdicts import Kind

        if not self.network_down:
            return [(link, v) for link, v in self.pairs if v.kind is not Kind.OFFLINE]
        return [(link, v) for link, v in self.pairs if not v.network_failure and v.kind is not Kind.OFFLINE]


def make_engine(services: Any) -> LinkEngine:
    """The run's engine (tests replace this to inject a resolver or transport)."""
    from listlint.net.cache import cache_for
    from listlint.net.engine import LinkEngine
    from listlint.net.policy import EnginePolicy
    from listlint.net.progress import make_progress

    return LinkEngine(
        EnginePolicy.from_settings(services.settings), cache=cache_for(services), progress=make_progress()
    )


def engine_for(services: Any) -> LinkEngine:
    """The one link engine of this run, closed (with summary notes) with the services."""

    def make() -> LinkEngine:
        engine = make_engine(services)

        async def close() -> None:
            notes = services.stats.setdefault("notes", [])
            if engine.network_down:
                count = len(engine.not_checked())
                notes.append(f"links: network unavailable; {count} links not checked")
            else:
                notes.extend(engine.summary())
            await engine.aclose()

        services.on_close(close)
        return engine

    return services.get(ENGINE_KEY, make)  # type: ignore[no-any-return]


async def link_verdicts(document: Document, context: RuleContext) -> LinkResults:
    """The verdicts on ``document``'s links (computed once, shared by every link rule)."""
    import asyncio

    memo: dict[int, asyncio.Future[LinkResults]] = context.services.get("net.link-verdicts", dict)
    key = id(document)
    if key not in memo:
        memo[key] = asyncio.ensure_future(collect(document, context))
    return await asyncio.shield(memo[key])


def links_to_check(document: Document, context: RuleContext, engine: LinkEngine) -> list[Link]:
    return [
        link
        for link in document.links
        if link.kind in CHECKED_KINDS
        and link.is_web
        and context.is_changed(link.span)
        and in_shard(link.url, context.settings)
        and engine.wants(link.url)
    ]


async def collect(document: Document, context: RuleContext) -> LinkResults:
    import asyncio

    engine = engine_for(context.services)
    links = links_to_check(document, context, engine)
    await asyncio.sleep(0)  # let every network rule start and register its skip hooks
    urls = list(dict.fromkeys(link.url.strip() for link in links))
    verdicts = await check_unless_skipped(engine, urls, context.services.get(SKIP_HOOK, list))
    await engine.settle()
    pairs = tuple((link, verdicts[link.url.strip()]) for link in links if link.url.strip() in verdicts)
    return LinkResults(pairs=pairs, network_down=engine.network_down)


async def check_unless_skipped(
    engine: LinkEngine, urls: list[str], predicates: list[SkipPredicate]
) -> dict[str, Verdict]:
    """Crawl each URL as soon as no hook wants it skipped.

    A hook that waits (the arXiv API's answer) holds up only the URLs it is
    asked about; every other URL is crawled meanwhile.
    """
    import asyncio

    async def one(url: str) -> Verdict | None:
        if await skipped_urls([url], predicates):
            return None
        return await engine.check(url)

    answers = await asyncio.gather(*(one(url) for url in urls))
    return {url: verdict for url, verdict in zip(urls, answers, strict=True) if verdict is not None}


async def skipped_urls(urls: list[str], predicates: list[SkipPredicate]) -> set[str]:
    if not predicates or not urls:
        return set()
    import asyncio

    async def skip(url: str) -> bool:
        for predicate in predicates:
            try:
                if await predicate(url):
                    return True
            except Exception:  # noqa: BLE001 - a broken hook must not hide a dead link
                continue
        return False

    answers = await asyncio.gather(*(skip(url) for url in urls))
    return {url for url, answer in zip(urls, answers, strict=True) if answer}
