"""The run's HTTP stack as metadata sources see it (:class:`~listlint.gather.sources.SourceHttp`).

Every request of a source goes through the link engine's client and its
politeness: the host's concurrency slot and pacing, the global limit,
configured headers sent to their own origin only (a redirect to another
origin, or down to http, drops them and the caller's headers), the
private-address guard, retries of transient failures (429, 5xx, timeouts,
resets) with backoff honouring ``Retry-After`` within the host's budget, a
total deadline per request (redirects and retries included) and a cap on
the size of the body.  What still fails raises :class:`SourceUnavailable`.

Two things differ per source (each source gets its own view, from
:meth:`LinkEngine.source_http`, sharing the engine's host states, slots,
pacing and budgets):

- *Trusted endpoints.*  The private-address guard keeps the links of a list
  from probing the runner's network.  A source's endpoints (``arxiv-api-url``,
  ``doi-resolver-url``, ``crossref-api-url``, ``semantic-scholar-api-url``,
  ``github-graphql-url``, ``wayback-api-url``, or the environment variables
  that stand for them) come from the configuration, not from the list, and may
  be on a private network (GitHub Enterprise, a local mirror, a test's fake
  API on 127.0.0.1).  Requests to the origins of those URLs go through
  :meth:`LinkEngine.trusted_client` (the guard off); a redirect to any other
  origin, and every crawled link, keeps the guard.
- *Retries.*  A source with ``stack_retries = False`` (the arXiv, Semantic
  Scholar and GitHub sources, which have retry loops of their own, and the
  Wayback source, which gives up at the first failure: a suggestion is not
  worth a retry) gets one attempt per request,
  and transient answers (429, 5xx) are handed back as responses for it to
  read, so attempts are never multiplied; still paced, and a 429/503 still
  slows the host down for everyone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from listlint.gather.sources import SourceUnavailable
from listlint.net.addresses import PrivateAddressError, private_literal
from listlint.net.failures import classify_error
from listlint.net.redirects import BadLocation, origin_of, resolve_location
from listlint.net.verdicts import TRANSIENT_STATUSES, parse_retry_after
from listlint.redact import redact

if TYPE_CHECKING:
    from listlint.net.engine import LinkEngine
    from listlint.net.hosts import HostState

__all__ = ["EngineSourceHttp"]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


class Transient(Exception):
    """One attempt failed in a way worth retrying; ``wait``: the server's Retry-After."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class EngineSourceHttp:
    """:class:`~listlint.gather.sources.SourceHttp` over a :class:`LinkEngine`."""

    def __init__(
        self,
        engine: LinkEngine,
        *,
        trusted: Iterable[str] = (),
        retry: bool = True,
        timeout: float | None = None,
    ) -> None:
        self.engine = engine
        self.trusted = frozenset(origin_of(url) for url in trusted) - {("", "", None)}
        self.retry = retry
        # Seconds one attempt may take in all; an API with a slow answer of its own
        # (arXiv's batches: ``arxiv-timeout``) sets it, else the engine's timeout.
        self.timeout = timeout if timeout is not None else engine.policy.timeout
        self.requests = 0

    def is_trusted(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on one of the source's configured endpoints' origins."""
        return origin_of(str(url)) in self.trusted

    def guard(self, url: httpx.URL) -> None:
        """The private-address guard, for a URL that is not a configured endpoint."""
        policy = self.engine.policy
        if not policy.allow_private_hosts and not self.is_trusted(url) and private_literal(url.host):
            raise SourceUnavailable(f"{url.host} is a private address")

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        max_bytes: int = 20_000_000,
    ) -> httpx.Response:
        policy = self.engine.policy
        try:
            first = httpx.URL(url)
            if params:
                first = first.copy_merge_params(dict(params))
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            raise SourceUnavailable("invalid URL") from exc
        self.guard(first)
        try:
            deadline = max(policy.deadline, self.timeout)
            async with asyncio.timeout(deadline):
                return await self._follow(method, first, headers or {}, json, content, max_bytes)
        except TimeoutError:
            raise SourceUnavailable(f"no answer within {deadline:g} s (the per-request deadline)") from None

    async def _follow(
        self,
        method: str,
        url: httpx.URL,
        headers: Mapping[str, str],
        json: Any,
        content: bytes | None,
        max_bytes: int,
    ) -> httpx.Response:
        home = origin_of(str(url))
        for _ in range(MAX_REDIRECTS + 1):
            own = origin_of(str(url)) == home
            response = await self._retrying(
                method, url, headers if own else {}, own, json, content, max_bytes
            )
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or location is None:
                return response
            hop = resolve_location(str(url), location)
            if isinstance(hop, BadLocation):
                raise SourceUnavailable(hop.reason)
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, json, content = "GET", None, None
            url = httpx.URL(hop.url)
            self.guard(url)
        raise SourceUnavailable(f"more than {MAX_REDIRECTS} redirects")

    async def _retrying(
        self,
        method: str,
        url: httpx.URL,
        headers: Mapping[str, str],
        own: bool,
        json: Any,
        content: bytes | None,
        max_bytes: int,
    ) -> httpx.Response:
        engine = self.engine
        policy = engine.policy
        host = engine._host(str(url))
        failures = 0

        def wait(retry_state: Any) -> float:
            problem = retry_state.outcome.exception() if retry_state.outcome else None
            if isinstance(problem, Transient) and problem.wait is not None and problem.wait > 0:
                return min(problem.wait, policy.max_retry_after)
            return policy.backoff(failures)

        attempts = policy.max_retries + 1 if self.retry else 1

        def stop(retry_state: Any) -> bool:
            return bool(stop_after_attempt(attempts)(retry_state) or engine._budget_spent(host))

        async def attempt() -> httpx.Response:
            nonlocal failures
            if failures:
                host.retries += 1
            try:
                return await self._once(method, url, headers, own, json, content, max_bytes, host)
            except Transient:
                failures += 1
                raise

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(Transient), stop=stop, wait=wait, reraise=True, sleep=asyncio.sleep
        )
        try:
            response: httpx.Response = await retrying(attempt)
        except Transient as exc:
            raise SourceUnavailable(redact(exc.reason, engine.secrets)) from None
        return response

    async def _once(
        self,
        method: str,
        url: httpx.URL,
        headers: Mapping[str, str],
        own: bool,
        json: Any,
        content: bytes | None,
        max_bytes: int,
        host: HostState,
    ) -> httpx.Response:
        engine = self.engine
        client = engine.trusted_client() if self.is_trusted(url) else engine.client
        sent = httpx.Headers({"Accept": "*/*"})  # not the crawl's text/html: an API answers
        sent.update(host.headers if own else {})
        sent.update(headers)
        async with engine.slot(host):
            self.requests += 1
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.timeout):
                    request = client.build_request(method, url, headers=sent, json=json, content=content)
                    response = await client.send(request, stream=True, follow_redirects=False)
                    try:
                        body = await read_capped(response, max_bytes)
                    finally:
                        await response.aclose()
            except PrivateAddressError as exc:
                host.record(time.monotonic() - started, answered=False)
                raise SourceUnavailable(str(exc)) from None
            except Exception as exc:
                host.record(time.monotonic() - started, answered=False)
                if isinstance(exc, SourceUnavailable):
                    raise
                failure = classify_error(exc, timeout=engine.policy.timeout)
                if failure.transient:
                    raise Transient(failure.reason) from None
                raise SourceUnavailable(redact(failure.reason, engine.secrets)) from None
            host.record(time.monotonic() - started, answered=True)
        engine.outage.saw_answer()
        status = response.status_code
        if status in TRANSIENT_STATUSES:
            if status in (429, 503):
                host.throttled()
            if not self.retry:  # the source reads it and retries for itself
                return httpx.Response(status, headers=response.headers, content=body, request=request)
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None and retry_after > engine.policy.max_retry_after:
                raise SourceUnavailable(f"{status}; Retry-After {retry_after:.0f} s is too long")
            raise Transient(f"HTTP {status}", retry_after)
        host.succeeded()
        return httpx.Response(status, headers=response.headers, content=body, request=request)


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The whole (decoded) body, or :class:`SourceUnavailable` past ``limit`` bytes."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body.extend(chunk)
        if len(body) > limit:
            raise SourceUnavailable(f"response larger than {limit} bytes")
    return bytes(body)
