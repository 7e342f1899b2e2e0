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
import errno
import random
import ssl
import time
from collections import Counter
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from tenacity import AsyncRetrying, retry_if_result

from listlint.net.addresses import (
    PrivateAddressError,
    ResolveError,
    Resolver,
    private_literal,
    system_resolver,
)
from listlint.net.cache import Cache
from listlint.net.hosts import HostState
from listlint.net.policy import EnginePolicy
from listlint.net.transport import build_transport
from listlint.net.verdicts import Kind, Verdict, bot_signs, describe_status, parse_retry_after

__all__ = ["LinkEngine", "Progress", "CACHE_NAMESPACE"]

CACHE_NAMESPACE = "link"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
# Error pages worth a look for the signs of a bot wall.
SNIFF_STATUSES = frozenset({401, 403, 429, 503, 999})
BLOCKING_STATUSES = frozenset({401, 403, 407, 451, 999})
# Slow network failures (not "no such name") that, with no answer at all,
# mean this machine is offline; after this many hosts the run stops trying.
OFFLINE_HOSTS = 16
# A GET body up to this size is read to its end, so the connection is reused.
SMALL_BODY = 65536


class BadRedirect(Exception):
    """A redirect whose Location is not an http(s) URL."""


class Progress(Protocol):
    def add(self, count: int) -> None: ...
    def advance(self, host: str, *, dead: bool = False) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server said to the last request of a hop."""

    status: int
    location: str | None = None
    signs: str | None = None
    head_status: int | None = None
    retry_after: float | None = None


@dataclass(slots=True)
class Attempt:
    """The outcome of one request, and whether to try again."""

    answer: Answer | None = None
    failure: Verdict | None = None
    again: bool = False
    wait: float | None = None  # None: the exponential backoff


# Share of the timeout given to the GET that follows a timed-out request.
RETRY_AFTER_TIMEOUT_SHARE = 0.5


@dataclass(slots=True)
class HopState:
    method: str
    attempts: int = 0
    failures: int = 0
    timeouts: int = 0
    connect_timeouts: int = 0
    head_status: int | None = None
    last: Attempt | None = None
    epoch: int = 0


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
        self.policy = policy
        self.cache = cache
        self.progress = progress
        self._owns_client = client is None
        if client is None:
            if transport is None:
                per_host = max(
                    [
                        policy.host_concurrency,
                        *(int(table.get("concurrency", 0)) for table in policy.hosts.values()),
                    ]
                )
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
        self._global = asyncio.Semaphore(policy.max_concurrency)
        self._offline_hosts: set[str] = set()
        self.answered = False
        # Failures that never reached a server: names, routes, connect timeouts.
        self._hard_failures = 0
        self._probe_task: asyncio.Future[None] | None = None
        self.offline = False
        self.started = time.monotonic()
        self.counts: Counter[str] = Counter()
        self.closed = False

    # -- public ---------------------------------------------------------------

    def check(self, url: str) -> Awaitable[Verdict]:
        """The verdict on ``url``; each URL (without #fragment) is checked once per run."""
        key = strip_fragment(url)
        task = self._tasks.get(key)
        if task is None:
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
        if self._suspect_offline() and self._probe_task is None:
            self._probe_task = asyncio.ensure_future(self._probe())
        if self._probe_task is not None:
            await asyncio.shield(self._probe_task)

    def _suspect_offline(self) -> bool:
        return not self.answered and (self.offline or self._hard_failures > 0)

    async def _probe(self) -> None:
        """With a warm cache, few requests are made: a run whose only fresh
        requests failed is not "offline" if a cached-alive URL still answers."""
        alive = [v.url for v in self.verdicts if v.cached and v.kind is Kind.OK]
        if not alive:
            return
        offline, self.offline = self.offline, False
        try:
            await self._follow(alive[0])
        except Exception:  # noqa: BLE001 - a probe only looks for an answer
            pass
        finally:
            self.offline = offline and not self.answered

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
        # A few silent servers are not an outage: it takes a failure that
        # never reached a server (DNS, connect) or many silent hosts.
        return self._suspect_offline()

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

    def summary(self) -> list[str]:
        """End-of-run notes: counts and the slowest hosts."""
        verdicts = self.verdicts
        if not verdicts:
            return []
        kinds = Counter(str(v.kind) for v in verdicts)
        cached = sum(1 for v in verdicts if v.cached)
        seconds = time.monotonic() - self.started
        parts = [f"{len(verdicts)} links checked in {seconds:.1f} s ({cached} from cache)"]
        for kind in ("dead", "unreachable", "blocked", "private"):
            if kinds[kind]:
                parts.append(f"{kinds[kind]} {kind}")
        lines = ["links: " + ", ".join(parts)]
        slow = sorted((h for h in self._hosts.values() if h.requests), key=lambda h: -h.mean_seconds)
        if slow:
            lines.append(
                "links: slowest hosts: "
                + ", ".join(
                    f"{h.name} ({h.mean_seconds:.2f} s/request, {h.requests} requests"
                    + (f", slowed down {h.slowed}x" if h.slowed else "")
                    + ")"
                    for h in slow[:3]
                )
            )
        return lines

    # -- one URL --------------------------------------------------------------

    async def _decide(self, url: str) -> Verdict:
        started = time.monotonic()
        verdict = self._cached(url)
        if verdict is None:
            try:
                verdict = await self._follow(url)
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:  # noqa: BLE001 - a hostile server must not crash the run
                verdict = Verdict(
                    url=url, kind=Kind.UNREACHABLE, reason=f"unexpected error: {type(exc).__name__}: {exc}"
                )
            verdict = verdict.but(elapsed=time.monotonic() - started)
            self._store(verdict)
        self.counts[str(verdict.kind)] += 1
        if self.progress is not None:
            self.progress.advance(host_key(url), dead=verdict.kind is Kind.DEAD)
        return verdict

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

    async def _follow(self, url: str) -> Verdict:
        """Follow the redirect chain of ``url`` hop by hop."""
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
        chain = [url]
        current = url
        moved_to: str | None = None
        permanent = True
        while True:
            outcome = await self._fetch(current)
            if isinstance(outcome, Verdict):
                return self._after_chain(url, chain, outcome)
            answer = outcome
            if answer.status in REDIRECTS and answer.location:
                target = strip_fragment(urljoin(current, answer.location.strip()))
                scheme = urlsplit(target).scheme.lower()
                if scheme not in ("http", "https"):
                    return Verdict(
                        url=url,
                        kind=Kind.UNREACHABLE,
                        status=answer.status,
                        reason=f"redirects to a non-web URL ({scheme or 'no'}: scheme); not followed",
                    )
                if chain.count(target) >= 2:
                    return Verdict(
                        url=url,
                        kind=Kind.DEAD,
                        status=answer.status,
                        reason="redirect loop (" + " -> ".join([*chain[-3:], target]) + ")",
                    )
                if len(chain) > self.policy.max_redirects:
                    return Verdict(
                        url=url,
                        kind=Kind.DEAD,
                        status=answer.status,
                        reason=f"more than {self.policy.max_redirects} redirects",
                    )
                if permanent and answer.status in PERMANENT:
                    moved_to = target
                else:
                    permanent = False
                chain.append(target)
                current = target
                continue
            verdict = self._judge(url, answer)
            if verdict.kind is Kind.OK and moved_to and moved_to != url:
                verdict = verdict.but(moved_to=moved_to)
            return self._after_chain(url, chain, verdict)

    def _after_chain(self, url: str, chain: list[str], verdict: Verdict) -> Verdict:
        verdict = verdict.but(url=url)
        if len(chain) > 1 and verdict.kind is not Kind.OK:
            if verdict.kind is Kind.PRIVATE:
                return verdict.but(reason=f"redirects to {chain[-1]}: {verdict.reason}; not followed")
            return verdict.but(reason=f"{verdict.reason} (after a redirect to {chain[-1]})")
        return verdict

    def _judge(self, url: str, answer: Answer) -> Verdict:
        status = answer.status
        described = describe_status(status)
        if self.policy.accepts(status) or (300 <= status < 400):
            return Verdict(url=url, kind=Kind.OK, status=status)
        if status in (404, 410):
            return Verdict(url=url, kind=Kind.DEAD, status=status, reason=described)
        if answer.signs and status not in (404, 410):
            return Verdict(url=url, kind=Kind.BLOCKED, status=status, reason=f"{described}, {answer.signs}")
        if status in BLOCKING_STATUSES:
            reason = described
            if answer.head_status is not None and answer.head_status != status:
                reason += f" (HEAD said {answer.head_status})"
            return Verdict(url=url, kind=Kind.BLOCKED, status=status, reason=reason)
        if (
            status == 429
            and answer.retry_after is not None
            and answer.retry_after > self.policy.max_retry_after
        ):
            return Verdict(
                url=url,
                kind=Kind.UNREACHABLE,
                status=status,
                reason=f"{described}; Retry-After {answer.retry_after:.0f} s exceeds "
                f"max-retry-after ({self.policy.max_retry_after:g} s)",
            )
        if status in TRANSIENT_STATUSES:
            return Verdict(
                url=url, kind=Kind.UNREACHABLE, status=status, reason=f"{described}, still after retries"
            )
        return Verdict(url=url, kind=Kind.UNREACHABLE, status=status, reason=described)

    # -- one hop: HEAD, GET, retries --------------------------------------------

    async def _fetch(self, url: str) -> Answer | Verdict:
        host = self._host(url)
        state = HopState(method="GET" if host.head_unreliable else "HEAD")
        retrying = AsyncRetrying(
            retry=retry_if_result(lambda attempt: attempt.again),
            stop=lambda retry_state: self._should_stop(state, host),
            wait=lambda retry_state: self._wait(state),
            retry_error_callback=lambda retry_state: (
                retry_state.outcome.result() if retry_state.outcome else None
            ),
            sleep=asyncio.sleep,
        )
        attempt: Attempt = await retrying(self._attempt, url, host, state)
        if attempt.failure is not None:
            return attempt.failure
        assert attempt.answer is not None
        return attempt.answer

    def _should_stop(self, state: HopState, host: HostState) -> bool:
        policy = self.policy
        last = state.last
        if last is not None and last.wait == 0 and state.attempts < policy.max_retries + 4:
            return False  # a method switch, not a failure
        # A 429 means "later", not "broken": it gets twice the retries.
        throttled = last is not None and last.answer is not None and last.answer.status == 429
        budget = policy.max_retries * 2 if throttled else policy.max_retries
        return (
            state.failures > budget
            or state.timeouts > policy.timeout_retries
            or state.connect_timeouts > 1
            or self.offline
            or host.given_up(policy.host_failure_limit)
        )

    def _wait(self, state: HopState) -> float:
        last = state.last
        if last is not None and last.wait is not None:
            return last.wait
        # Exponential backoff with "equal jitter": half fixed, half random.
        delay: float = min(
            self.policy.backoff_max, self.policy.backoff_base * 2.0 ** max(0, state.failures - 1)
        )
        return delay / 2 + random.uniform(0, delay / 2)

    async def _attempt(self, url: str, host: HostState, state: HopState) -> Attempt:
        state.attempts += 1
        attempt = await self._request(url, host, state)
        state.last = attempt
        if attempt.again and attempt.wait != 0:
            state.failures += 1
        return attempt

    def _refusal(self, url: str, host: HostState) -> Attempt | None:
        """A failure without a request: the network is down or the host was given up."""
        if self.offline:
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
        return None

    async def _request(self, url: str, host: HostState, state: HopState) -> Attempt:
        refused = self._refusal(url, host)
        if refused is not None:
            return refused
        method = state.method
        async with host.slot(), self._global:
            # Asked again once a slot is free: requests queued behind a silent
            # host passed the first check before it failed (10,000 links on 100
            # silent hosts waited out 10,000 timeouts instead of ~300).
            refused = self._refusal(url, host)
            if refused is not None:
                return refused
            state.epoch = host.epoch
            started = time.monotonic()
            try:
                async with asyncio.timeout(self._deadline(state)):
                    answer = await self._send(method, url, host)
            except BaseException as exc:
                host.record(time.monotonic() - started, answered=False)
                if not isinstance(exc, Exception):
                    raise
                return self._failed(url, host, state, exc)
            host.record(time.monotonic() - started, answered=True)
        self.answered = True
        return self._answered(url, host, state, answer)

    def _deadline(self, state: HopState) -> float:
        """Seconds for this attempt.

        After a timeout the URL is tried again with GET: a server that hangs on
        HEAD but serves GET answers that GET promptly, so it gets half the time.
        Without this, every link to a silent server cost two full timeouts.
        """
        if state.timeouts and state.method == "GET":
            return self.policy.timeout * RETRY_AFTER_TIMEOUT_SHARE
        return self.policy.timeout

    async def _send(self, method: str, url: str, host: HostState) -> Answer:
        request = self.client.build_request(method, url, headers=host.headers)
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
            return Attempt(answer=answer, again=True, wait=0)
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
            retry_after = answer.retry_after
            if retry_after is not None and retry_after > self.policy.max_retry_after:
                if status == 429:
                    host.slow_down(self.policy.max_retry_after, state.epoch)
                return Attempt(answer=answer)  # waiting that long is not worth it
            if status == 429:
                pause = retry_after if retry_after is not None else self._wait(state)
                host.slow_down(pause, state.epoch)
                return Attempt(answer=answer, again=True, wait=pause)
            return Attempt(answer=answer, again=True, wait=retry_after)
        host.succeeded()
        return Attempt(answer=answer)

    def _failed(self, url: str, host: HostState, state: HopState, exc: Exception) -> Attempt:
        """Turn an exception of one request into a failure, retried when transient."""
        if isinstance(exc, BadRedirect):
            return Attempt(
                failure=Verdict(
                    url=url,
                    kind=Kind.UNREACHABLE,
                    reason=f"redirects to an invalid or non-web URL ({exc}); not followed",
                )
            )
        if isinstance(exc, PrivateAddressError):
            return Attempt(failure=Verdict(url=url, kind=Kind.PRIVATE, reason=str(exc)))
        if isinstance(exc, ResolveError):
            host.network_failures += 1
            self._hard_failures += 1
            if exc.definite:
                return Attempt(
                    failure=Verdict(
                        url=url,
                        kind=Kind.DEAD,
                        network_failure=True,
                        reason=f"the name {exc.host} does not resolve",
                    )
                )
            self._note_offline(host)
            return self._transient(url, state, f"name lookup of {exc.host} failed", network=True)
        if isinstance(exc, TimeoutError | httpx.TimeoutException):
            network = isinstance(exc, httpx.ConnectTimeout)
            if network:
                state.connect_timeouts += 1
                host.network_failures += 1
                self._hard_failures += 1
                self._note_offline(host)
            else:
                state.timeouts += 1
                host.timeouts += 1
                if not self.answered:
                    # Accepted but silent, and no server at all has answered yet:
                    # a black-holing proxy or firewall looks like this.  Counted
                    # towards "network unavailable", so 10,000 links on silent
                    # hosts end after one round of timeouts, not after hours.
                    network = True
                    self._note_offline(host)
            if state.method == "HEAD":
                state.method = "GET"
            return self._transient(url, state, f"timed out after {self.policy.timeout:g} s", network=network)
        if isinstance(exc, httpx.ConnectError):
            cause = root_cause(exc)
            if isinstance(cause, ssl.SSLError):
                return Attempt(
                    failure=Verdict(url=url, kind=Kind.UNREACHABLE, reason=f"TLS error: {tls_reason(cause)}")
                )
            code = getattr(cause, "errno", None)
            if code in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN):
                host.network_failures += 1
                self._hard_failures += 1
                self._note_offline(host)
                return self._transient(url, state, "network unreachable", network=True)
            what = "connection refused" if code == errno.ECONNREFUSED else "cannot connect"
            host.refusals += 1
            return self._transient(url, state, what)
        if isinstance(
            exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError | ValueError
        ):
            return Attempt(failure=Verdict(url=url, kind=Kind.DEAD, reason=f"invalid URL ({exc})"))
        if isinstance(exc, httpx.TransportError | OSError):
            what = (
                "connection reset"
                if isinstance(exc, httpx.ReadError | httpx.WriteError)
                else f"broken answer ({describe_error(exc)})"
            )
            if state.method == "HEAD":  # a server may mishandle HEAD alone: try GET now
                state.method = "GET"
                attempt = self._transient(url, state, what)
                attempt.wait = 0
                return attempt
            return self._transient(url, state, what)
        return Attempt(failure=Verdict(url=url, kind=Kind.UNREACHABLE, reason=f"{type(exc).__name__}: {exc}"))

    def _transient(self, url: str, state: HopState, what: str, *, network: bool = False) -> Attempt:
        tries = state.attempts
        return Attempt(
            again=True,
            failure=Verdict(
                url=url,
                kind=Kind.UNREACHABLE,
                network_failure=network,
                reason=f"{what} ({tries} attempt{'s' if tries != 1 else ''})",
            ),
        )

    def _note_offline(self, host: HostState) -> None:
        if self.answered:
            return
        self._offline_hosts.add(host.name)
        if len(self._offline_hosts) >= OFFLINE_HOSTS:
            self.offline = True

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


def root_cause(exc: BaseException) -> BaseException:
    seen = 0
    while exc.__cause__ is not None and seen < 10:
        exc, seen = exc.__cause__, seen + 1
    if exc.__context__ is not None and isinstance(exc.__context__, OSError):
        return exc.__context__
    return exc


def tls_reason(exc: ssl.SSLError) -> str:
    return getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or str(exc)


def describe_error(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
