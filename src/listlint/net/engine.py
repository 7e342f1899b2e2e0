"""The link engine: one request per unique URL per run, polite, and careful with verdicts.

Imported only by network rules, inside their async check (it imports httpx).

    engine = LinkEngine(EnginePolicy.from_settings(settings), cache=cache)
    verdict = await engine.check("https://example.org/page")
    await engine.settle()          # everything submitted so far is decided
    engine.network_down            # no server answered at all this run
    await engine.aclose()

How a URL is decided (see :mod:`listlint.net.verdicts` for the verdicts):

1. The cache (successes for ``cache-max-age``, definite failures for
   ``cache-failure-age``; unverifiable results are never stored).
2. Each hop of a redirect chain is fetched with HEAD, falling back to a
   streamed GET (body never read, except a few KB of error pages to recognise
   bot walls) when HEAD gets an error.  Redirects are followed by hand: up to
   ``max-redirects``, only to http(s), each hop with the headers of its own
   host (tokens never cross hosts), and never to a private address.
3. Transient faults (connection errors, resets, timeouts, 429, 500, 502, 503,
   504) are retried with tenacity: exponential backoff with jitter, or the
   server's ``Retry-After`` up to ``max-retry-after``.  A 429 also slows that
   host down for the rest of the run.  What still fails is ``unreachable``,
   never ``dead``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
from tenacity import AsyncRetrying, retry_if_result

from listlint.net.addresses import Resolver, private_literal, system_resolver
from listlint.net.cache import Cache
from listlint.net.failures import BadRedirect, Cause, Failure, classify_error
from listlint.net.gate import RequestGate
from listlint.net.hosts import HostState
from listlint.net.outage import Outage
from listlint.net.policy import EnginePolicy
from listlint.net.redirects import BadLocation, origin_of, resolve_location
from listlint.net.transport import build_transport
from listlint.net.verdicts import (
    TRANSIENT_STATUSES,
    Answer,
    Kind,
    Verdict,
    bot_signs,
    classify_answer,
    parse_retry_after,
)
from listlint.redact import holds_secret, redact

if TYPE_CHECKING:
    from listlint.gather.sources import SourceHttp

__all__ = ["LinkEngine", "Progress", "CACHE_NAMESPACE", "Answer"]

CACHE_NAMESPACE = "link"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
THROTTLING = frozenset({429, 503})
SERVER_ERRORS = TRANSIENT_STATUSES - THROTTLING
# Error pages worth a look for the signs of a bot wall.
SNIFF_STATUSES = frozenset({401, 403, 429, 503, 999})
# A GET body up to this size is read to its end, so the connection is reused.
SMALL_BODY = 65536
# Share of the timeout given to the GET that follows a timed-out request.
RETRY_AFTER_TIMEOUT_SHARE = 0.5
# Hedge delay before any latency is known.
FIRST_HEDGE = 1.0


class Progress(Protocol):
    def add(self, count: int) -> None: ...
    def advance(self, host: str, *, dead: bool = False) -> None: ...
    def close(self) -> None: ...


@dataclass(slots=True)
class Attempt:
    """The outcome of one request, and whether to try again."""

    answer: Answer | None = None
    failure: Verdict | None = None
    again: bool = False
    switch: bool = False  # HEAD -> GET: a new step, not a failure
    wait: float | None = None  # None: the exponential backoff


@dataclass(slots=True)
class HopState:
    """The per-request state machine of one hop: HEAD, then GET, then retries.

    Steps: ``method`` starts as HEAD (or GET on hosts whose HEAD is
    unreliable); an error answer or a broken HEAD switches to GET (a step of
    its own, not a failure); transient failures are retried while tenacity's
    stop (:meth:`LinkEngine._should_stop`) allows, waiting what
    :meth:`LinkEngine._wait` says.
    """

    method: str
    with_headers: bool = True
    attempts: int = 0
    failures: int = 0
    timeouts: int = 0
    connect_timeouts: int = 0
    head_status: int | None = None
    last: Attempt | None = None
    epoch: int = 0
    next_wait: float = 0.0
    wait_for: int = -1


@dataclass(slots=True)
class UrlRun:
    """One URL's deadline (armed at its first request) and its last news."""

    seconds: float
    timer: asyncio.Timeout | None = None
    armed: bool = False
    last: Attempt | None = None
    current: str = ""  # the URL of the hop being fetched
    left: float | None = None  # seconds left while the clock is paused

    def arm(self) -> None:
        if not self.armed and self.timer is not None:
            self.armed = True
            self.timer.reschedule(asyncio.get_running_loop().time() + self.seconds)

    def pause(self) -> None:
        """Stop the clock while the URL waits for a request slot: that wait is
        the run's politeness (a throttled host's queue), not the URL's slowness."""
        if self.armed and self.timer is not None and self.left is None:
            self.left = self.remaining()
            self.timer.reschedule(None)

    def resume(self) -> None:
        if self.left is not None and self.timer is not None:
            self.timer.reschedule(asyncio.get_running_loop().time() + max(0.0, self.left))
        self.left = None

    def remaining(self) -> float:
        if self.left is not None:
            return self.left
        if self.timer is None or not self.armed:
            return self.seconds
        when = self.timer.when()
        return self.seconds if when is None else when - asyncio.get_running_loop().time()


class LinkEngine:
    """Checks URLs over HTTP; see the module docstring.

    ``client`` or ``transport`` replace the default (guarded, HTTP/2) ones;
    ``resolver`` replaces DNS for the default transport (tests map names to
    127.0.0.1 with :func:`listlint.net.addresses.static_resolver`).
    """

    def __init__(
        self,
        policy: EnginePolicy,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        cache: Cache | None = None,
        progress: Progress | None = None,
        verify: Any = True,
    ) -> None:
        policy.validate()  # a header that cannot be sent is a config error, not a verdict
        self.policy = policy
        self.cache = cache
        self.progress = progress
        self.secrets = policy.secrets
        self._owns_client = client is None
        # Whether the engine's own transport holds the private-address guard
        # (then a source's configured endpoints need a client without it).
        self._guarded = client is None and transport is None and not policy.allow_private_hosts
        self._resolver = resolver
        self._verify = verify
        self._trusted_client: httpx.AsyncClient | None = None
        self._per_host = max(
            [
                policy.host_concurrency,
                *(int(table.get("concurrency", 0)) for table in policy.hosts.values()),
            ]
        )
        if client is None:
            if transport is None:
                per_host = self._per_host
                transport = build_transport(
                    resolver or system_resolver(),
                    allow_private=policy.allow_private_hosts,
                    max_connections=per_host + 2,
                    verify=verify,
                )
            client = httpx.AsyncClient(
                transport=transport,
                timeout=httpx.Timeout(policy.timeout),
                headers={
                    "User-Agent": policy.user_agent,
                    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                },
                follow_redirects=False,
                trust_env=False,
            )
        self.client = client
        self._tasks: dict[str, asyncio.Task[Verdict]] = {}
        self._hosts: dict[str, HostState] = {}
        self.gate = RequestGate(policy.max_concurrency)
        self.outage = Outage()
        self._probe_task: asyncio.Future[None] | None = None
        self.started = time.monotonic()
        self.counts: Counter[str] = Counter()
        self.closed = False
        self.remapped = 0
        self.vouched = 0
        self._excluded: set[str] = set()
        self._latencies: list[float] = []
        # A moving mean of answer times: what a host not heard from yet is assumed to take.
        self._typical_latency: float | None = None
        self._source_http: SourceHttp | None = None

    # -- public ---------------------------------------------------------------

    def check(self, url: str) -> Awaitable[Verdict]:
        """The verdict on ``url``; each URL (without #fragment) is checked once per run."""
        key = strip_fragment(url)
        task = self._tasks.get(key)
        if task is None:
            self._host(self.remap(key)).links += 1
            task = asyncio.ensure_future(self._decide(key))
            self._tasks[key] = task
            if self.progress is not None:
                self.progress.add(1)
        return task

    async def check_all(self, urls: Iterable[str]) -> dict[str, Verdict]:
        urls = list(dict.fromkeys(urls))
        verdicts = await asyncio.gather(*(self.check(url) for url in urls))
        return dict(zip(urls, verdicts, strict=True))

    async def settle(self) -> None:
        """Wait until every URL submitted so far (by any rule) is decided."""
        while True:
            pending = [task for task in self._tasks.values() if not task.done()]
            if not pending:
                break
            await asyncio.wait(pending)
        if self.outage.suspected and self._probe_task is None:
            self._probe_task = asyncio.ensure_future(self._probe())
        if self._probe_task is not None:
            await asyncio.shield(self._probe_task)

    def wants(self, url: str) -> bool:
        """Whether include/exclude let ``url`` be checked; the excluded are counted for the notes."""
        if self.policy.wants(url):
            return True
        self._excluded.add(strip_fragment(url))
        return False

    def note_vouched(self, count: int) -> None:
        """Links an API source settled, so not crawled (for the notes; the gather stage tells)."""
        self.vouched += count

    def remap(self, url: str) -> str:
        """``url`` after the first ``remap`` rule that matches it (or as it is)."""
        for pattern, replacement in self.policy.remap:
            if pattern.search(url):
                return pattern.sub(replacement, url, count=1)
        return url

    def source_http(
        self, *, trusted: Iterable[str] = (), retry: bool = True, timeout: float | None = None
    ) -> SourceHttp:
        """The run's HTTP stack for metadata sources (see :mod:`listlint.net.source_http`).

        ``trusted``: the source's configured endpoint URLs, reached even on a
        private address; ``retry`` False: the source retries for itself;
        ``timeout``: seconds one attempt may take (default: the engine's).
        """
        if not trusted and retry and timeout is None:
            if self._source_http is None:
                from listlint.net.source_http import EngineSourceHttp

                self._source_http = EngineSourceHttp(self)
            return self._source_http
        from listlint.net.source_http import EngineSourceHttp

        return EngineSourceHttp(self, trusted=trusted, retry=retry, timeout=timeout)

    def trusted_client(self) -> httpx.AsyncClient:
        """The client for a source's configured endpoints: the engine's own, but
        without the private-address guard in its transport (one is made on first
        use when the engine's transport holds the guard)."""
        if not self._guarded:
            return self.client
        if self._trusted_client is None:
            transport = build_transport(
                self._resolver or system_resolver(),
                allow_private=True,
                max_connections=self._per_host + 2,
                verify=self._verify,
            )
            self._trusted_client = httpx.AsyncClient(
                transport=transport,
                timeout=httpx.Timeout(self.policy.timeout),
                headers={"User-Agent": self.policy.user_agent},
                follow_redirects=False,
                trust_env=False,
            )
        return self._trusted_client

    @asynccontextmanager
    async def slot(self, host: HostState, *, first: bool = False) -> AsyncIterator[None]:
        """One of ``host``'s request slots, then one of the run's (busiest host first)."""
        async with host.slot(first=first), self.gate.slot(host.work_left(self._typical_latency or 1.0)):
            yield

    @property
    def answered(self) -> bool:
        return self.outage.answered

    @property
    def offline(self) -> bool:
        return self.outage.offline

    async def _probe(self) -> None:
        """With a warm cache, few requests are made: a run whose only fresh
        requests failed is not "offline" if a cached-alive URL still answers."""
        alive = [v.url for v in self.verdicts if v.cached and v.kind is Kind.OK]
        if not alive:
            return
        offline, self.outage.offline = self.outage.offline, False
        try:
            await self._follow(self.remap(alive[0]), None)
        except Exception:  # noqa: BLE001 - a probe only looks for an answer
            pass
        finally:
            self.outage.offline = offline and not self.outage.answered

    @property
    def verdicts(self) -> list[Verdict]:
        return [
            task.result()
            for task in self._tasks.values()
            if task.done() and not task.cancelled() and task.exception() is None
        ]

    @property
    def network_down(self) -> bool:
        """No server answered this run, and some link failed for want of a network."""
        return self.outage.suspected

    def not_checked(self) -> list[Verdict]:
        """The verdicts a network outage makes meaningless (when ``network_down``)."""
        return [v for v in self.verdicts if v.network_failure or v.kind is Kind.OFFLINE]

    async def aclose(self) -> None:
        if self.closed:
            return
        self.closed = True
        for task in self._tasks.values():
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        if self.progress is not None:
            self.progress.close()
        if self._owns_client:
            await self.client.aclose()
        if self._trusted_client is not None:
            await self._trusted_client.aclose()

    def host_figures(self) -> list[dict[str, Any]]:
        """Per host: links, requests, retries, hedges, seconds, requests per second."""
        figures = []
        for host in self._hosts.values():
            if not host.requests and not host.rate_limited:
                continue
            wall = host.wall_seconds
            figures.append(
                {
                    "host": host.name,
                    "links": host.links,
                    "requests": host.requests,
                    "retries": host.retries,
                    "hedges": host.hedges,
                    "rate_limited": host.rate_limited,
                    "seconds": round(wall, 3),
                    "requests_per_second": round(host.requests / wall, 2)
                    if wall > 0
                    else float(host.requests),
                    "mean_seconds": round(host.mean_seconds, 4),
                }
            )
        return figures

    def summary(self) -> list[str]:
        """End-of-run notes: counts, rate-limited hosts and the slowest hosts."""
        verdicts = self.verdicts
        if not verdicts and not self._excluded and not self.vouched:
            return []
        kinds = Counter(str(v.kind) for v in verdicts)
        cached = sum(1 for v in verdicts if v.cached)
        seconds = time.monotonic() - self.started
        parts = [f"{len(verdicts)} links checked in {seconds:.1f} s ({cached} from cache)"]
        for kind in ("dead", "unreachable", "blocked"):
            if kinds[kind]:
                parts.append(f"{kinds[kind]} {kind}")
        if kinds["private"]:
            parts.append(f"{kinds['private']} skipped as private")
        if self._excluded:
            parts.append(f"{len(self._excluded)} excluded by config")
        if self.vouched:
            parts.append(f"{self.vouched} vouched for by an API source")
        if self.remapped:
            parts.append(f"{self.remapped} remapped")
        lines = ["links: " + ", ".join(parts)]
        limited = sorted((h for h in self._hosts.values() if h.rate_limited), key=lambda h: -h.rate_limited)
        if limited:
            total = sum(h.rate_limited for h in limited)
            lines.append(
                f"links: {total} link{'s' if total != 1 else ''} not checked because "
                f"{'their hosts' if len(limited) > 1 else 'the host'} kept rate-limiting "
                "(retry budget spent): " + ", ".join(f"{h.name} ({h.rate_limited})" for h in limited[:10])
            )
        slow = sorted((h for h in self._hosts.values() if h.requests), key=lambda h: -h.mean_seconds)
        if slow:
            lines.append(
                "links: slowest hosts: "
                + ", ".join(
                    f"{h.name} ({h.mean_seconds:.2f} s/request, {h.requests} requests "
                    f"in {h.wall_seconds:.1f} s" + (f", slowed down {h.slowed}x" if h.slowed else "") + ")"
                    for h in slow[:3]
                )
            )
        return lines

    # -- one URL --------------------------------------------------------------

    async def _decide(self, url: str) -> Verdict:
        started = time.monotonic()
        verdict = self._cached(url)
        if verdict is None:
            target = self.remap(url)
            if target != url:
                self.remapped += 1
            run = UrlRun(seconds=self.policy.deadline)
            try:
                async with asyncio.timeout(None) as timer:
                    run.timer = timer
                    verdict = await self._follow(target, run)
            except TimeoutError:
                last = run.last.answer if run.last is not None else None
                if last is not None and last.status in THROTTLING:
                    self._host(run.current or target).throttled_urls += 1
                verdict = self._out_of_time(target, run)
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:  # noqa: BLE001 - a hostile server must not crash the run
                verdict = Verdict(
                    url=url, kind=Kind.UNREACHABLE, reason=f"unexpected error: {type(exc).__name__}"
                )
            verdict = self._safe(verdict.but(url=url, elapsed=time.monotonic() - started))
            self._store(verdict)
        self._host(self.remap(url)).decided += 1
        self.counts[str(verdict.kind)] += 1
        if self.progress is not None:
            self.progress.advance(host_key(url), dead=verdict.kind is Kind.DEAD)
        return verdict

    def _out_of_time(self, url: str, run: UrlRun) -> Verdict:
        limit = f"no final answer within {run.seconds:g} s (the per-URL deadline)"
        last = run.last
        if last is not None and last.failure is not None:
            reason = f"{last.failure.reason}; {limit}"
            return Verdict(
                url=url, kind=Kind.UNREACHABLE, reason=reason, network_failure=last.failure.network_failure
            )
        if last is not None and last.answer is not None:
            status = last.answer.status
            what = "still redirecting" if status in REDIRECTS else f"last answer {status}"
            return Verdict(url=url, kind=Kind.UNREACHABLE, status=status, reason=f"{limit}; {what}")
        return Verdict(url=url, kind=Kind.UNREACHABLE, reason=limit)

    def _safe(self, verdict: Verdict) -> Verdict:
        """No configured secret and no URL password in what the verdict says;
        a redirect target holding a secret is never offered as the new URL."""
        moved_to = verdict.moved_to
        if moved_to is not None and holds_secret(moved_to, self.secrets):
            moved_to = None
        reason = redact(verdict.reason, self.secrets) if verdict.reason else verdict.reason
        if moved_to is verdict.moved_to and reason == verdict.reason:
            return verdict
        return verdict.but(moved_to=moved_to, reason=reason)

    def _cached(self, url: str) -> Verdict | None:
        if self.cache is None:
            return None
        data = self.cache.get(CACHE_NAMESPACE, url)
        return Verdict.from_cache(url, data) if data is not None else None

    def _store(self, verdict: Verdict) -> None:
        if self.cache is None or verdict.network_failure:
            return
        if verdict.kind is Kind.OK:
            ttl = self.policy.cache_max_age
        elif verdict.kind in (Kind.DEAD, Kind.BLOCKED):
            ttl = self.policy.cache_failure_age
        else:
            return  # unverifiable: never cached
        self.cache.put(CACHE_NAMESPACE, verdict.url, verdict.to_cache(), ttl)

    # -- redirect following -----------------------------------------------------

    async def _follow(self, url: str, run: UrlRun | None) -> Verdict:
        """Follow the redirect chain of ``url`` hop by hop.

        Configured headers go to the origin (scheme, host, port) of ``url``
        only: a hop to another origin, or from https down to http, gets none.
        """
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            return Verdict(url=url, kind=Kind.DEAD, reason=f"invalid URL ({exc})")
        if parts.scheme.lower() not in ("http", "https") or not host:
            return Verdict(url=url, kind=Kind.DEAD, reason="invalid URL (no host)")
        if not self.policy.allow_private_hosts and private_literal(host):
            return Verdict(url=url, kind=Kind.PRIVATE, reason=f"{host} is a private address")
        home: tuple[str, str, int | None] | None = None  # parsed at the first redirect
        chain = [url]
        current = url
        moved_to: str | None = None
        permanent = True
        dubious = False
        while True:
            own = current == url
            if not own:
                home = home or origin_of(url)
                own = origin_of(current) == home
            outcome = await self._fetch(current, run, with_headers=own)
            if isinstance(outcome, Verdict):
                return self._after_chain(url, chain, outcome, dubious)
            answer = outcome
            if answer.status in REDIRECTS and answer.location is not None:
                hop = resolve_location(current, answer.location)
                if isinstance(hop, BadLocation):
                    verdict = Verdict(url=url, kind=Kind.UNREACHABLE, status=answer.status, reason=hop.reason)
                    return self._after_chain(url, chain, verdict, dubious)
                target = hop.url
                dubious = dubious or hop.dubious
                if chain.count(target) >= 2:
                    verdict = Verdict(
                        url=url,
                        kind=Kind.DEAD,
                        status=answer.status,
                        reason="redirect loop (" + " -> ".join([*chain[-3:], target]) + ")",
                    )
                    return self._after_chain(url, [url], verdict, dubious)
                if len(chain) > self.policy.max_redirects:
                    verdict = Verdict(
                        url=url,
                        kind=Kind.DEAD,
                        status=answer.status,
                        reason=f"more than {self.policy.max_redirects} redirects",
                    )
                    return self._after_chain(url, [url], verdict, dubious)
                if permanent and answer.status in PERMANENT and not hop.dubious:
                    moved_to = target
                else:
                    permanent = False
                chain.append(target)
                current = target
                continue
            verdict = classify_answer(
                url, answer, accepts=self.policy.accepts, max_retry_after=self.policy.max_retry_after
            )
            if verdict.kind is Kind.OK and moved_to and moved_to != url and not dubious:
                verdict = verdict.but(moved_to=moved_to)
            return self._after_chain(url, chain, verdict, dubious)

    def _after_chain(self, url: str, chain: list[str], verdict: Verdict, dubious: bool = False) -> Verdict:
        verdict = verdict.but(url=url)
        if dubious and verdict.kind is Kind.DEAD:
            # Where a malformed Location seemed to lead is no evidence against the link.
            verdict = verdict.but(
                kind=Kind.UNREACHABLE, reason=f"{verdict.reason}, after a malformed Location header"
            )
        if len(chain) > 1 and verdict.kind is not Kind.OK:
            if verdict.kind is Kind.PRIVATE:
                return verdict.but(reason=f"redirects to {chain[-1]}: {verdict.reason}; not followed")
            return verdict.but(reason=f"{verdict.reason} (after a redirect to {chain[-1]})")
        return verdict

    # -- one hop: the request state machine ---------------------------------------

    async def _fetch(self, url: str, run: UrlRun | None, *, with_headers: bool = True) -> Answer | Verdict:
        host = self._host(url)
        if run is not None:
            run.current = url
        state = HopState(method="GET" if host.head_unreliable else "HEAD", with_headers=with_headers)
        retrying = AsyncRetrying(
            retry=retry_if_result(lambda attempt: attempt.again),
            stop=lambda retry_state: self._should_stop(state, host, run),
            wait=lambda retry_state: self._wait(state),
            retry_error_callback=lambda retry_state: (
                retry_state.outcome.result() if retry_state.outcome else None
            ),
            sleep=asyncio.sleep,
        )
        attempt: Attempt = await retrying(self._attempt, url, host, state, run)
        if attempt.answer is not None and attempt.answer.status in THROTTLING:
            host.throttled_urls += 1  # still throttled after its retries
        if attempt.failure is not None:
            return attempt.failure
        assert attempt.answer is not None
        return attempt.answer

    def _should_stop(self, state: HopState, host: HostState, run: UrlRun | None) -> bool:
        """tenacity's stop: the retry counts, the host's budget and the URL's deadline."""
        policy = self.policy
        last = state.last
        if last is not None and last.switch and state.attempts < policy.max_retries + 4:
            return False  # HEAD -> GET: a step, not a failure
        # A 429 means "later", not "broken": it gets twice the retries.
        throttled = last is not None and last.answer is not None and last.answer.status == 429
        budget = policy.max_retries * 2 if throttled else policy.max_retries
        if (
            host.broken
            and last is not None
            and last.answer is not None
            and last.answer.status in SERVER_ERRORS
        ):
            budget = 1  # HEAD and GET once each: a retry would only repeat the error
        if (
            state.failures > budget
            or state.timeouts > policy.timeout_retries
            or state.connect_timeouts > 1
            or self.outage.offline
            or host.given_up(policy.host_failure_limit)
            or self._budget_spent(host)
        ):
            return True
        # A wait that would outlive the URL's deadline is not worth starting.
        return run is not None and self._wait(state) >= run.remaining()

    def _budget_spent(self, host: HostState) -> bool:
        policy = self.policy
        return host.budget_spent(
            retry_share=policy.host_retry_share,
            retry_base=policy.host_retry_base,
            seconds=policy.host_budget_seconds,
            per_link=policy.host_budget_per_link,
            max_retries=policy.max_retries,
        )

    def _wait(self, state: HopState) -> float:
        """tenacity's wait (computed once per attempt, whether stop or wait asks first)."""
        if state.wait_for != state.attempts:
            state.wait_for = state.attempts
            last = state.last
            state.next_wait = 0.0 if last is not None and last.switch else self._backoff(state)
        return state.next_wait

    def _backoff(self, state: HopState) -> float:
        last = state.last
        if last is not None and last.wait is not None and last.wait > 0:
            return last.wait
        return self.policy.backoff(state.failures)

    async def _attempt(self, url: str, host: HostState, state: HopState, run: UrlRun | None) -> Attempt:
        if state.attempts and not (state.last is not None and state.last.switch):
            host.retries += 1
        state.attempts += 1
        attempt = await self._request(url, host, state, run)
        state.last = attempt
        if run is not None:
            run.last = attempt
        if attempt.again and not attempt.switch:
            state.failures += 1
        return attempt

    def _refusal(self, url: str, host: HostState) -> Attempt | None:
        """A failure without a request: the network is down, the host was given
        up, or its retry budget is spent."""
        if self.outage.offline:
            return Attempt(failure=Verdict(url=url, kind=Kind.OFFLINE, reason="network unavailable"))
        if host.given_up(self.policy.host_failure_limit):
            return Attempt(
                failure=Verdict(
                    url=url,
                    kind=Kind.UNREACHABLE,
                    network_failure=host.network_failures > 0,
                    reason=f"{host.name} did not answer {host.failures} requests; not tried again",
                )
            )
        if self._budget_spent(host):
            host.rate_limited += 1
            return Attempt(
                failure=Verdict(
                    url=url,
                    kind=Kind.UNREACHABLE,
                    reason=f"rate-limited: {host.name} kept answering 429/503 and its retry budget is spent",
                )
            )
        return None

    async def _request(self, url: str, host: HostState, state: HopState, run: UrlRun | None) -> Attempt:
        refused = self._refusal(url, host)
        if refused is not None:
            return refused
        under_way = run is not None and run.armed
        if run is not None:
            run.pause()
        async with self.slot(host, first=under_way):
            if run is not None:
                run.resume()
            # Asked again once a slot is free: requests queued behind a silent
            # host passed the first check before it failed (10,000 links on 100
            # silent hosts waited out 10,000 timeouts instead of ~300).
            refused = self._refusal(url, host)
            if refused is not None:
                return refused
            if run is not None:
                run.arm()
            state.epoch = host.epoch
            started = time.monotonic()
            try:
                if state.method == "HEAD" and self.policy.hedge and self.outage.answered:
                    # Each of HEAD and its hedge GET gets the whole timeout.  (Not
                    # before any server answered: silence then is the network's.)
                    answer = await self._send_hedged(url, host, state)
                else:
                    async with asyncio.timeout(self._timeout(state)):
                        answer = await self._send(state.method, url, host, state.with_headers)
            except BaseException as exc:
                host.record(time.monotonic() - started, answered=False)
                if not isinstance(exc, Exception):
                    raise
                return self._failed(url, host, state, exc)
            elapsed = time.monotonic() - started
            host.record(elapsed, answered=True)
            self._latencies.append(elapsed)
            typical = self._typical_latency
            self._typical_latency = elapsed if typical is None else typical + (elapsed - typical) * 0.05
        self.outage.saw_answer()
        return self._answered(url, host, state, answer)

    def _timeout(self, state: HopState) -> float:
        """Seconds for this attempt.

        After a timeout the URL is tried again with GET: a server that hangs on
        HEAD but serves GET answers that GET promptly, so it gets half the time.
        """
        if state.timeouts and state.method == "GET":
            return self.policy.timeout * RETRY_AFTER_TIMEOUT_SHARE
        return self.policy.timeout

    def _hedge_delay(self, host: HostState) -> float:
        """About the host's p95 answer time (the run's, early on), bounded."""
        p95 = host.p95()
        if p95 is None and len(self._latencies) >= 20:
            ordered = sorted(self._latencies[-512:])
            p95 = ordered[int(len(ordered) * 0.95)]
        delay = FIRST_HEDGE if p95 is None else p95 * 1.5
        delay = min(self.policy.hedge_max, max(self.policy.hedge_min, delay))
        return min(delay, self.policy.timeout / 2)

    async def _send_hedged(self, url: str, host: HostState, state: HopState) -> Answer:
        """HEAD, and a GET beside it if HEAD is slow; the first decisive answer wins.

        A HEAD answer is decisive unless it is an error (which GET settles); a
        GET answer always is.  A link that never answers costs one timeout.
        """
        timeout = self.policy.timeout
        head = asyncio.ensure_future(
            asyncio.wait_for(self._send("HEAD", url, host, state.with_headers), timeout)
        )
        try:
            done, _ = await asyncio.wait({head}, timeout=self._hedge_delay(host))
            if done:
                return head.result()
            # The hedge is a request like any other: it needs a free slot of the
            # host and of the run, now; without one, HEAD goes on alone.
            if self.gate.locked() or not host.try_acquire():
                return await head
            await self.gate.acquire()
            host.hedges += 1
            started = time.monotonic()
            get = asyncio.ensure_future(
                asyncio.wait_for(self._send("GET", url, host, state.with_headers), timeout)
            )

            def release(done: object) -> None:
                host.record(
                    time.monotonic() - started, answered=not get.cancelled() and get.exception() is None
                )
                host.release()
                self.gate.release()

            get.add_done_callback(release)
            try:
                pending: set[asyncio.Future[Answer]] = {head, get}
                error: BaseException | None = None
                while pending:
                    finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in finished:
                        problem = task.exception()
                        if problem is not None:
                            if task is get or error is None:
                                error = problem  # GET's failure says more than HEAD's
                            continue
                        answer = task.result()
                        if task is get:
                            state.method = "GET"
                            return answer
                        if answer.status < 400 or answer.status == 429:
                            return answer
                        state.head_status = answer.status
                state.method = "GET"
                assert error is not None
                raise error
            finally:
                get.cancel()
        finally:
            head.cancel()

    async def _send(self, method: str, url: str, host: HostState, with_headers: bool = True) -> Answer:
        request = self.client.build_request(method, url, headers=host.headers if with_headers else None)
        try:
            response = await self.client.send(request, stream=True, follow_redirects=False)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            # httpx parses a redirect's Location even when not following it.
            raise BadRedirect(str(exc)) from exc
        try:
            status = response.status_code
            body = b""
            if method == "GET" and status in SNIFF_STATUSES:
                body = await read_some(response, self.policy.sniff_bytes)
            elif method == "HEAD" or small_body(response):
                # Reading a short body to its end lets the connection be reused;
                # anything longer is cut off by closing the response.
                await read_some(response, SMALL_BODY, decode=False)
            headers = {name.lower(): value for name, value in response.headers.items()}
            signs = (
                bot_signs(headers, body)
                if status in SNIFF_STATUSES and (method == "GET" or status != 429)
                else None
            )
            return Answer(
                status=status,
                location=response.headers.get("location"),
                signs=signs,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        finally:
            await response.aclose()

    def _answered(self, url: str, host: HostState, state: HopState, answer: Answer) -> Attempt:
        status = answer.status
        if state.method == "HEAD" and status >= 400 and status != 429:
            state.method, state.head_status = "GET", status
            if status in TRANSIENT_STATUSES:
                # GET is the retry of a 5xx (some servers fail HEAD alone): it
                # uses one of the URL's retries, so a 5xx storm stays in budget.
                if status in THROTTLING:
                    host.throttled()
                return Attempt(answer=answer, again=True)
            return Attempt(answer=answer, again=True, switch=True)
        answer = Answer(
            status=status,
            location=answer.location,
            signs=answer.signs,
            head_status=state.head_status,
            retry_after=answer.retry_after,
        )
        if state.head_status is not None and status < 400:
            host.head_unreliable = True
        if status in TRANSIENT_STATUSES and not answer.signs:
            if status in THROTTLING:
                host.throttled()
            retry_after = answer.retry_after
            if retry_after is not None and retry_after <= 0:
                retry_after = None  # "now" or a date in the past: our own backoff, never at once
            if retry_after is not None and retry_after > self.policy.max_retry_after:
                if status in THROTTLING:
                    host.slow_down(self.policy.max_retry_after, state.epoch)
                return Attempt(answer=answer)  # waiting that long is not worth it
            if status in THROTTLING:
                # 429 and 503 ("overloaded") slow the whole host down.
                pause = retry_after if retry_after is not None else self._backoff(state)
                host.slow_down(pause, state.epoch)
                return Attempt(answer=answer, again=True, wait=pause)
            if state.method == "GET" and status in SERVER_ERRORS:
                host.server_errors += 1
            return Attempt(answer=answer, again=True, wait=retry_after)
        host.succeeded()
        return Attempt(answer=answer)

    def _failed(self, url: str, host: HostState, state: HopState, exc: Exception) -> Attempt:
        """Turn an exception of one request into a failure, retried when transient."""
        failure = classify_error(exc, timeout=self.policy.timeout)
        network = self._account(host, state, failure)
        verdict = Verdict(url=url, kind=failure.kind, reason=failure.reason, network_failure=network)
        if not failure.transient:
            return Attempt(failure=verdict)
        tries = state.attempts
        verdict = verdict.but(reason=f"{failure.reason} ({tries} attempt{'s' if tries != 1 else ''})")
        if failure.cause in (Cause.READ_TIMEOUT, Cause.CONNECT_TIMEOUT) and state.method == "HEAD":
            state.method = "GET"
        elif failure.cause is Cause.BROKEN and state.method == "HEAD":
            # A server may mishandle HEAD alone: try GET now.
            state.method = "GET"
            return Attempt(again=True, switch=True, failure=verdict)
        return Attempt(again=True, failure=verdict)

    def _account(self, host: HostState, state: HopState, failure: Failure) -> bool:
        """Host counters and outage detection for one failure; True: a network failure."""
        cause = failure.cause
        if cause is Cause.READ_TIMEOUT:
            state.timeouts += 1
            host.timeouts += 1
        elif cause is Cause.CONNECT_TIMEOUT:
            state.connect_timeouts += 1
            host.network_failures += 1
        elif cause in (Cause.NAME, Cause.ROUTE):
            host.network_failures += 1
        elif cause is Cause.REFUSED:
            host.refusals += 1
        else:
            return failure.network
        return self.outage.saw_failure(host.name, cause, definite=failure.kind is Kind.DEAD)

    def _host(self, url: str) -> HostState:
        name = host_key(url)
        state = self._hosts.get(name)
        if state is None:
            settings = self.policy.host(name)
            state = HostState(
                name=name,
                limit=settings.concurrency,
                interval=settings.interval,
                headers=dict(settings.headers),
            )
            self._hosts[name] = state
        return state


def small_body(response: httpx.Response) -> bool:
    length = response.headers.get("content-length", "")
    return length.isdigit() and int(length) <= SMALL_BODY


async def read_some(response: httpx.Response, limit: int, *, decode: bool = True) -> bytes:
    """Up to about ``limit`` bytes of the body; the rest is never read.

    Decoded here with a bounded decompressor: httpx inflates a whole network
    chunk at once, and 64 KB of gzip can hold 64 MB (a hostile "zip bomb"
    error page measured 150 MB of memory for one link).
    """
    decoder = body_decoder(response.headers.get("content-encoding", "")) if decode else None
    if decode and decoder is None:
        return b""  # an encoding we do not decode (br, zstd, stacked): no text to sniff
    chunks: list[bytes] = []
    size = 0
    iterator = response.aiter_raw()
    try:
        async for chunk in iterator:
            if decoder is not None:
                chunk = decoder(chunk, limit - size)
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    except httpx.StreamConsumed:
        # Already read into memory (httpx.MockTransport does that): nothing to bound.
        return response.content[:limit]
    except httpx.HTTPError:
        pass  # a partial page is enough to look for signs
    finally:
        await iterator.aclose()  # type: ignore[attr-defined]
    return b"".join(chunks)[:limit]


def body_decoder(encoding: str) -> Any:
    """``decode(chunk, room) -> bytes`` for a Content-Encoding, never more than ``room`` bytes."""
    import zlib

    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return lambda chunk, room: chunk
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None
    decompressor = zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header, auto-detected

    def decode(chunk: bytes, room: int) -> bytes:
        if room <= 0:
            return b""
        try:
            return decompressor.decompress(chunk, room)
        except zlib.error:
            return b""

    return decode


def strip_fragment(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    return urlunsplit(parts._replace(fragment=""))


def host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
