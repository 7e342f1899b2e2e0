"""The gather stage: ask the sources, crawl the rest, return one :class:`Facts`.

``read -> parse -> gather -> check -> decide -> fix -> report``

1. The links in scope: every link of every document on the lines this run
   reports on (``changed_lines``), in this run's shard (``--shard``).
2. Each active source (with no crawl: each one some active rule uses)
   gets the keys of those links: answers still fresh in the cache (namespace ``source.NAME``, the
   source's own ``ttl``) are taken from it, the rest are fetched in batches
   of ``batch_size``.  A source never raises; what it cannot answer is
   ``unchecked``.  Every request, a source's or the crawl's, goes through the
   run's one link engine (made before the sources start): its client, host
   limits, retries and budgets (see :meth:`Gathering.source_http`).
3. Every web link that no source vouched for is crawled by the link engine
   (when some active rule uses ``links``).  A link keyed by a source waits
   for that source's answer; every other link is crawled meanwhile.
4. With ``suggest`` (and a rule that uses ``wayback``), a second phase asks
   the Wayback source (``listlint.net.sources.wayback``) about the URLs the
   crawl found dead, and nothing else; its answers are ``facts.lookup("wayback", link)``.
   Like every source's endpoint, the archive's (``wayback-api-url``) is
   configuration, not list content: the private-address guard, which keeps
   the *links of a list* from probing the runner's network, does not apply.
5. Notes (source counts, the engine's summary, cache warnings, an outage)
   go into :attr:`Facts.notes`.

This module imports httpx (through the engine) only inside :func:`gather`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from listlint import event_loop
from listlint.gather.facts import Facts, url_key
from listlint.gather.sources import Lookup, MetadataSource, SourceHttp, SourceNote, SourceUnavailable
from listlint.sharding import in_shard

if TYPE_CHECKING:
    import asyncio

    import httpx

    from listlint.config import Settings
    from listlint.document.model import Document, Link
    from listlint.net.addresses import Resolver
    from listlint.net.cache import Cache
    from listlint.net.engine import LinkEngine
    from listlint.net.verdicts import Verdict

__all__ = ["Scope", "Network", "gather", "wanted_facts", "LINKS", "WAYBACK", "CRAWLED_KINDS"]

# What a rule's ``uses`` names for the link engine's crawl.
LINKS = "links"
# ... and for the Wayback snapshots of dead links (asked only with ``suggest``).
WAYBACK = "wayback"
# Link kinds handed to sources and to the crawl (a reference *use* is not a link of its own).
CRAWLED_KINDS = ("inline", "reference", "autolink", "html", "image")


@dataclass(frozen=True, slots=True, kw_only=True)
class Network:
    """How a run reaches the network (tests and embedders inject here).

    transport:  every request of the run (link engine and sources) goes through it
    resolver:   DNS for the link engine's default transport
    policy:     EnginePolicy fields that no config key sets (backoff, retries of timeouts)
    """

    transport: httpx.AsyncBaseTransport | None = None
    resolver: Resolver | None = None
    policy: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scope:
    """The links of one document that this run looks at."""

    document: Document
    links: tuple[Link, ...]  # for the sources
    web: tuple[Link, ...]  # for the crawl


def wanted_facts(uses: Iterable[tuple[str, ...]]) -> frozenset[str] | None:
    """The facts the active network rules use (None: everything)."""
    wanted: set[str] = set()
    for names in uses:
        if not names:
            return None
        wanted.update(names)
    return frozenset(wanted)


def scope_of(
    document: Document, settings: Settings, changed: frozenset[int] | None, entry_lines: Mapping[int, range]
) -> Scope:
    source = document.source
    links: list[Link] = []
    web: list[Link] = []
    for link in document.links:
        if link.kind not in CRAWLED_KINDS:
            continue
        if changed is not None:
            first = source.position(link.span.start)[0]
            last = source.position(max(link.span.end, link.span.start))[0]
            own = any(line in changed for line in range(first, last + 1))
            entry = entry_lines.get(link.span.start)
            in_entry = entry is not None and any(line in changed for line in entry)
            if not (own or in_entry):
                continue
        else:
            own = True
        if not in_shard(link.url, settings):
            continue
        links.append(link)
        if own and link.is_web:
            web.append(link)
    return Scope(document, tuple(links), tuple(web))


def entry_lines_of(document: Document) -> dict[int, range]:
    """For each link that belongs to an entry: the entry's lines (a source judges entries)."""
    found: dict[int, range] = {}
    source = document.source
    for entry in document.entries:
        first = source.position(entry.span.start)[0]
        last = source.position(max(entry.span.end, entry.span.start))[0]
        for link in entry.links:
            found[link.span.start] = range(first, last + 1)
    return found


def gather(
    documents: Sequence[Document],
    settings: Settings,
    *,
    uses: Iterable[tuple[str, ...]],
    changed_lines: Mapping[str, frozenset[int]] | None = None,
    network: Network | None = None,
    sources: Sequence[MetadataSource] | None = None,
) -> Facts:
    """Run the stage (its own event loop); ``sources`` None: the registry's."""

    wanted = wanted_facts(uses)
    from_registry = sources is None
    if sources is None:
        from listlint.gather.registry import active_sources

        sources = active_sources(settings)
    crawl = wanted is None or LINKS in wanted
    # With a crawl, every source that may vouch for links is asked too: what one
    # vouches for is not crawled.  A source that never vouches (``can_vouch =
    # False``, an optional member) is asked only when a rule uses it.
    chosen = [
        s for s in sources if wanted is None or s.name in wanted or (crawl and getattr(s, "can_vouch", True))
    ]
    scopes = []
    for document in documents:
        changed = None if changed_lines is None else changed_lines.get(document.path, frozenset())
        entries = entry_lines_of(document) if changed is not None else {}
        scopes.append(scope_of(document, settings, changed, entries))
    suggest = crawl and bool(settings.get("suggest")) and (wanted is None or WAYBACK in wanted)
    run = Gathering(settings, network or Network(), chosen, crawl, scopes, changed_lines, suggest=suggest)
    facts = event_loop.run(run.gather())
    if from_registry:
        # Sources that are off this run may say why (e.g. no token), once.
        from dataclasses import replace

        from listlint.gather.registry import inactive_notes

        links = [link for scope in scopes for link in scope.links]
        off = [
            note
            for note in inactive_notes(settings, links)
            if crawl or wanted is None or note.source in wanted
        ]
        if off:
            facts = replace(facts, notes=(*facts.notes, *off))
    return facts


@dataclass(slots=True)
class SourceRun:
    """One source's part of the run."""

    source: MetadataSource
    keys: list[str]
    lookups: dict[str, Lookup] = field(default_factory=dict)
    cached: int = 0
    requests: int = 0
    task: asyncio.Task[None] | None = None


class CountingHttp:
    """A source's view of the run's HTTP stack, counting its requests."""

    def __init__(self, http: SourceHttp, run: SourceRun) -> None:
        self.http = http
        self.run = run

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.run.requests += 1
        return await self.http.request(method, url, **kwargs)


class Gathering:
    def __init__(
        self,
        settings: Settings,
        network: Network,
        sources: Sequence[MetadataSource],
        crawl: bool,
        scopes: Sequence[Scope],
        changed_lines: Mapping[str, frozenset[int]] | None,
        *,
        suggest: bool = False,
    ) -> None:
        self.settings = settings
        self.network = network
        self.sources = sources
        self.crawl = crawl
        self.suggest = suggest
        self.scopes = scopes
        self.changed_lines = changed_lines
        self.notes: list[str] = []  # the cache's warnings
        self.cache: Cache | None = None
        self.engine: LinkEngine | None = None

    async def gather(self) -> Facts:
        try:
            return await self.collect()
        finally:
            await self.close()

    async def collect(self) -> Facts:
        import asyncio

        self.cache = open_cache(self.settings, self.notes)
        if self.crawl or self.sources or self.suggest:
            self.make_engine()  # one HTTP stack for the sources and the crawl
        runs = [self.start(source) for source in self.sources]
        verdicts: dict[str, Verdict] = {}
        if self.crawl:
            verdicts = await self.crawl_links(runs)
        if runs:
            await asyncio.gather(*(run.task for run in runs if run.task is not None))
        network_down = False
        not_checked = 0
        if self.engine is not None and self.crawl:
            await self.engine.settle()
            network_down = self.engine.network_down
            not_checked = len(self.engine.not_checked()) if network_down else 0
        if self.suggest and not network_down:
            runs.append(await self.ask_archive(verdicts))
        frozen = MappingProxyType
        return Facts(
            sources=frozen({run.source.name: run.source for run in runs}),
            lookups=frozen({run.source.name: frozen(dict(run.lookups)) for run in runs}),
            verdicts=frozen(verdicts),
            in_scope=frozen({scope.document.path: scope.links for scope in self.scopes}),
            crawled=frozen({scope.document.path: scope.web for scope in self.scopes} if self.crawl else {}),
            documents=tuple(scope.document for scope in self.scopes),
            changed_lines=self.changed_lines,
            network_down=network_down,
            not_checked=not_checked,
            reasons=frozen({run.source.name: reason for run in runs if (reason := first_reason(run))}),
            notes=tuple(self.run_notes(runs, network_down, not_checked)),
        )

    # -- sources ----------------------------------------------------------------

    def start(self, source: MetadataSource) -> SourceRun:
        keys: dict[str, None] = {}
        for scope in self.scopes:
            for link in scope.links:
                key = key_of(source, link)
                if key is not None:
                    keys[key] = None
        return self.start_with(source, list(keys))

    def start_with(self, source: MetadataSource, keys: list[str]) -> SourceRun:
        """Take ``keys``' fresh answers from the cache and start fetching the rest."""
        import asyncio

        run = SourceRun(source, keys)
        wanted = []
        for key in run.keys:
            cached = self.cached(source, key)
            if cached is None:
                wanted.append(key)
            else:
                run.lookups[key] = cached
        run.cached = len(run.keys) - len(wanted)
        if wanted:
            run.task = asyncio.ensure_future(self.fetch(run, wanted))
        return run

    def cached(self, source: MetadataSource, key: str) -> Lookup | None:
        if self.cache is None:
            return None
        value = self.cache.get(namespace(source), key)
        if value is None:
            return None
        status, record = value.get("status"), value.get("record")
        if status not in ("found", "missing") or not isinstance(record, dict):
            return None
        return Lookup(status, record, str(value.get("reason", "")))

    async def fetch(self, run: SourceRun, keys: list[str]) -> None:
        source = run.source
        http = CountingHttp(self.source_http(source), run)
        size = max(1, source.batch_size)
        for start in range(0, len(keys), size):
            batch = keys[start : start + size]
            try:
                answers = await source.fetch(batch, http)
            except SourceUnavailable as exc:
                answers = {key: Lookup("unchecked", reason=str(exc) or "no answer") for key in batch}
            except Exception as exc:  # noqa: BLE001 - a broken source costs its keys, not the run
                reason = f"the {source.name} source failed ({type(exc).__name__})"
                answers = {key: Lookup("unchecked", reason=reason) for key in batch}
            for key in batch:
                lookup = answers.get(key)
                if not isinstance(lookup, Lookup):
                    lookup = Lookup("unchecked", reason=f"the {source.name} source gave no answer")
                run.lookups[key] = lookup
                self.store(source, key, lookup)

    def store(self, source: MetadataSource, key: str, lookup: Lookup) -> None:
        if self.cache is None or lookup.status == "unchecked":
            return
        try:
            ttl = float(source.ttl(lookup))
        except Exception:  # noqa: BLE001 - no caching rather than no answer
            return
        value = {"status": lookup.status, "record": dict(lookup.record), "reason": lookup.reason}
        try:
            self.cache.put(namespace(source), key, value, ttl_seconds=ttl)
        except (TypeError, ValueError):  # a record that is not JSON: not cached
            return

    def source_http(self, source: MetadataSource) -> SourceHttp:
        """``source``'s view of the run's one HTTP stack: the link engine's.

        The engine's client (the run's injected transport, if any), host slots
        and pacing, headers by origin, retries within the host's budget, the
        deadline and the size cap (see :mod:`listlint.net.source_http`).  The
        source's ``endpoints`` come from the configuration, not from the list:
        requests to their origins may reach private addresses (a GitHub
        Enterprise server, a local mirror); the guard stays on for the rest.
        A source with ``stack_retries = False`` gets one attempt per request.
        """
        engine = self.engine if self.engine is not None else self.make_engine()
        return engine.source_http(
            trusted=endpoints_of(source), retry=stack_retries(source), timeout=request_timeout(source)
        )

    # -- the crawl --------------------------------------------------------------

    async def crawl_links(self, runs: Sequence[SourceRun]) -> dict[str, Verdict]:
        import asyncio

        engine = self.engine if self.engine is not None else self.make_engine()
        first: dict[str, Link] = {}
        for scope in self.scopes:
            for link in scope.web:
                if engine.wants(link.url):  # the excluded are counted for the notes
                    first.setdefault(url_key(link.url), link)

        async def one(url: str, link: Link) -> Verdict | None:
            if await self.vouched(link, runs):
                engine.note_vouched(1)
                return None
            return await engine.check(url)

        urls = list(first)
        answers = await asyncio.gather(*(one(url, first[url]) for url in urls))
        return {url: verdict for url, verdict in zip(urls, answers, strict=True) if verdict is not None}

    async def vouched(self, link: Link, runs: Sequence[SourceRun]) -> bool:
        import asyncio

        for run in runs:
            key = key_of(run.source, link)
            if key is None:
                continue
            if run.task is not None and key not in run.lookups:
                await asyncio.shield(run.task)
            lookup = run.lookups.get(key)
            try:
                if lookup is not None and run.source.vouches_for(link, lookup):
                    return True
            except Exception:  # noqa: BLE001 - a broken source must not hide a dead link
                continue
        return False

    def make_engine(self) -> LinkEngine:
        from listlint.net.engine import LinkEngine
        from listlint.net.policy import EnginePolicy
        from listlint.net.progress import make_progress

        policy = EnginePolicy.from_settings(self.settings, **self.network.policy)
        self.engine = LinkEngine(
            policy,
            transport=self.network.transport,
            resolver=self.network.resolver,
            cache=self.cache,
            progress=make_progress() if self.crawl else None,
        )
        return self.engine

    # -- phase 2: Wayback snapshots of dead links --------------------------------

    async def ask_archive(self, verdicts: Mapping[str, Verdict]) -> SourceRun:
        """Ask the Wayback source about every URL the crawl found dead (see step 4)."""
        from listlint.net.sources.wayback import WaybackSource, alive_days, archive_key, remember_alive
        from listlint.net.verdicts import Kind

        dead: dict[str, None] = {}
        for scope in self.scopes:
            for link in scope.web:
                verdict = verdicts.get(url_key(link.url))
                if verdict is not None and verdict.kind is Kind.DEAD:
                    dead[archive_key(link.url)] = None
        remember_alive(self.cache, verdicts.values())
        source = WaybackSource.from_settings(self.settings, alive=alive_days(self.cache, dead))
        run = self.start_with(source, list(dead))
        if run.task is not None:
            await run.task
        return run

    # -- the end ----------------------------------------------------------------

    def run_notes(self, runs: Sequence[SourceRun], network_down: bool, not_checked: int) -> list[SourceNote]:
        notes: list[SourceNote] = []
        for run in runs:
            notes.extend(source_notes(run))
        if self.engine is not None and self.crawl:
            if network_down:
                notes.append(
                    SourceNote(
                        LINKS,
                        f"network unavailable; {not_checked} links not checked",
                        {"not_checked": not_checked},
                    )
                )
            else:
                notes.extend(
                    SourceNote(LINKS, line.removeprefix("links: ")) for line in self.engine.summary()
                )
        for text in self.notes:
            name, _, message = text.partition(": ")
            notes.append(SourceNote(name, message) if message else SourceNote("cache", text))
        return notes

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.aclose()
        if self.cache is not None:
            self.cache.close()


def key_of(source: MetadataSource, link: Link) -> str | None:
    """``source.key(link)``; a source whose ``key`` breaks is a broken plugin (exit 2)."""
    from listlint.errors import PluginError

    try:
        key = source.key(link)
    except Exception as exc:
        raise PluginError(f"source {source.name!r}: key() raised {type(exc).__name__}") from exc
    if key is not None and not isinstance(key, str):
        raise PluginError(f"source {source.name!r}: key() returned {type(key).__name__}, not a string")
    return key


def endpoints_of(source: MetadataSource) -> tuple[str, ...]:
    """The source's configured API URLs (an optional member; a broken one: none trusted)."""
    try:
        urls = getattr(source, "endpoints", ())
        return tuple(url for url in urls if isinstance(url, str))
    except Exception:  # noqa: BLE001 - a plugin's property; the guard stays on
        return ()


def stack_retries(source: MetadataSource) -> bool:
    """Whether the stack retries the source's transient failures (an optional member, default yes)."""
    return getattr(source, "stack_retries", True) is not False


def namespace(source: MetadataSource) -> str:
    """The source's cache namespace: its name, and a digest of its endpoints.

    An answer of one API (github.com) is not an answer of another (a GitHub
    Enterprise server, a test double) for the same key.  A digest, because
    an endpoint URL may hold a credential that must not be written.
    """
    endpoints = endpoints_of(source)
    if not endpoints:
        return f"source.{source.name}"
    import hashlib

    digest = hashlib.sha256("\n".join(endpoints).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"source.{source.name}@{digest}"


def first_reason(run: SourceRun) -> str:
    return next((lookup.reason for lookup in run.lookups.values() if lookup.status == "unchecked"), "")


def source_notes(run: SourceRun) -> list[SourceNote]:
    source = run.source
    notes: list[SourceNote] = []
    total = len(run.keys)
    unchecked = sum(1 for lookup in run.lookups.values() if lookup.status == "unchecked")
    noun = str(getattr(source, "key_noun", "keys"))
    if total:
        requests = f"{run.requests} request{'s' if run.requests != 1 else ''}"
        notes.append(
            SourceNote(
                source.name,
                f"{counted(total, noun)}, {run.cached} from the cache, {requests}",
                {"keys": total, "cached": run.cached, "requests": run.requests, "unchecked": unchecked},
            )
        )
    if unchecked:
        notes.append(SourceNote(source.name, f"{counted(unchecked, noun)} not checked: {first_reason(run)}"))
    more = getattr(source, "notes", None)
    if callable(more):
        with contextlib.suppress(Exception):  # notes are a courtesy
            notes.extend(note for note in more() if isinstance(note, SourceNote))
    return notes


def counted(count: int, plural: str) -> str:
    """``1 ID``, ``2 IDs``."""
    return f"{count} {plural.removesuffix('s') if count == 1 else plural}"


def open_cache(settings: Settings, notes: list[str]) -> Cache | None:
    """The run's cache (None with ``--no-cache``); warnings go to ``notes``."""
    if not settings.get("cache"):
        return None
    from pathlib import Path

    from listlint.net.cache import Cache

    directory = settings.get("cache-dir")
    folder: Path | None = None
    if directory:
        folder = Path(directory).expanduser()
        if not folder.is_absolute() and settings.config_path:
            folder = settings.root / folder
    return Cache.open(folder, notes=notes)


def request_timeout(source: MetadataSource) -> float | None:
    """A source's own limit for one request (optional member ``request_timeout``), or None."""
    value = getattr(source, "request_timeout", None)
    return float(value) if isinstance(value, int | float) and value > 0 else None
