"""Hardening: politeness budgets and deadlines against hostile servers on 127.0.0.1.

Each case counts wall time and requests per host: a host that throttles
forever ends in bounded time, within a request budget of its links x (1 +
retries) + a constant; Retry-After 0 or in the past is our own backoff, never
"at once"; every URL ends within its per-URL deadline.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hostile_servers import HostileServer

from listlint.net.addresses import static_resolver
from listlint.net.engine import LinkEngine
from listlint.net.policy import EnginePolicy
from listlint.net.verdicts import Kind, Verdict

TIMEOUT = 1.0
RETRIES = 2
FAST: dict[str, Any] = dict(
    timeout=TIMEOUT,
    allow_private_hosts=True,
    backoff_base=0.05,
    backoff_max=0.2,
    max_retries=RETRIES,
    max_retry_after=2.0,
)
# The constant of "links x (1 + retries) + a constant".
SLACK = 12
PAST = email.utils.formatdate(0, usegmt=True)  # 1970


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer(drip=0.3) as hostile:
        yield hostile


def run(
    server: HostileServer, host: str, urls: list[str], **overrides: Any
) -> tuple[list[Verdict], float, int]:
    """Verdicts, wall seconds and the requests ``host`` received."""
    resolver = static_resolver({host: "127.0.0.1"})

    async def go() -> list[Verdict]:
        engine = LinkEngine(EnginePolicy(**{**FAST, **overrides}), resolver=resolver)
        try:
            verdicts = await engine.check_all(urls)
            return list(verdicts.values())
        finally:
            await engine.aclose()

    before = len(server.requests)
    started = time.monotonic()
    verdicts = asyncio.run(go())
    elapsed = time.monotonic() - started
    sent = sum(1 for r in server.requests[before:] if r.headers.get("host", "").startswith(host + ":"))
    return verdicts, elapsed, sent


HOSTILE = {
    # case: (path, links, seconds allowed)
    "429-forever": ("/status?s=429", 200, 20.0),
    "429-retry-after-0": ("/status?s=429&ra=0", 100, 20.0),
    "503-retry-after-0": ("/status?s=503&ra=0", 100, 20.0),
    "503-retry-after-past": (f"/status?s=503&ra={quote(PAST)}", 100, 20.0),
    "429-retry-after-huge": ("/status?s=429&ra=999999999", 200, 20.0),
    "503-storm": ("/status?s=503", 200, 20.0),
    "502-storm": ("/status?s=502", 100, 20.0),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_throttling_host_ends_within_its_budget(server: HostileServer, case: str) -> None:
    path, links, allowed = HOSTILE[case]
    host = f"{case}.test"
    urls = [server.url(f"{path}&n={n}", host=host) for n in range(links)]
    verdicts, elapsed, sent = run(server, host, urls)
    kinds = Counter(v.kind for v in verdicts)
    assert set(kinds) == {Kind.UNREACHABLE}, kinds  # never dead, never ok
    assert elapsed < allowed, f"{case}: {elapsed:.1f} s"
    assert sent <= links * (1 + RETRIES) + SLACK, f"{case}: {sent} requests for {links} links"
    rate = sent / elapsed
    print(f"{case}: {links} links, {sent} requests, {elapsed:.1f} s, {rate:.0f} requests/s")
    for verdict in verdicts:  # each says why: the status, the budget or the deadline
        assert any(word in verdict.reason for word in ("429", "503", "502", "rate-limited", "deadline"))


def test_a_host_that_fails_every_url_is_not_retried_for_each(server: HostileServer) -> None:
    # Once its GETs answered 502 several times in a row, each further URL is
    # asked with HEAD and GET once (a retry would only repeat the error).
    host = "broken.test"
    urls = [server.url(f"/status?s=502&n={n}", host=host) for n in range(100)]
    verdicts, _, sent = run(server, host, urls)
    assert {v.kind for v in verdicts} == {Kind.UNREACHABLE}
    assert all("502" in v.reason for v in verdicts)
    assert sent <= 2 * 100 + SLACK, sent  # HEAD and GET once each, once the pattern is clear


def test_a_server_error_on_one_url_is_still_retried(server: HostileServer) -> None:
    host = "mixed.test"
    urls = [server.url(f"/status?s={200 if n % 10 else 502}&n={n}", host=host) for n in range(40)]
    verdicts, _, sent = run(server, host, urls)
    assert sum(v.kind is Kind.OK for v in verdicts) == 36
    assert sent == 36 + 4 * (1 + RETRIES), sent  # each 502 link got its retries


def test_retry_after_zero_is_our_backoff_not_at_once(server: HostileServer) -> None:
    host = "zero.test"
    url = server.url("/status?s=503&ra=0&one", host=host)
    verdicts, elapsed, sent = run(server, host, [url], max_retries=3, backoff_base=0.2, backoff_max=0.4)
    assert verdicts[0].kind is Kind.UNREACHABLE
    assert sent == 4, sent  # one request and three retries, no more
    assert elapsed >= 0.3, f"retried at once ({elapsed:.2f} s)"


def test_the_rate_limited_links_are_grouped_in_one_note(server: HostileServer) -> None:
    host = "grouped.test"
    urls = [server.url(f"/status?s=429&n={n}", host=host) for n in range(60)]
    resolver = static_resolver({host: "127.0.0.1"})

    async def go() -> list[str]:
        engine = LinkEngine(EnginePolicy(**FAST), resolver=resolver)
        try:
            await engine.check_all(urls)
            return engine.summary()
        finally:
            await engine.aclose()

    notes = asyncio.run(go())
    grouped = [line for line in notes if "rate-limiting" in line]
    assert len(grouped) == 1, notes
    assert "grouped.test (" in grouped[0]


def test_a_slow_redirect_chain_ends_at_the_per_url_deadline(server: HostileServer) -> None:
    # 20 hops of 0.3 s each (6 s) against a 3 s deadline (3 x the timeout).
    host = "chain.test"
    url = server.url("/slow-chain?n=20", host=host)
    verdicts, elapsed, sent = run(server, host, [url], max_redirects=30)
    assert verdicts[0].kind is Kind.UNREACHABLE, verdicts
    assert "deadline" in verdicts[0].reason
    assert elapsed < 3 * TIMEOUT + 1.0, f"{elapsed:.1f} s"


def test_a_hanging_head_costs_one_hedge_not_a_timeout(server: HostileServer) -> None:
    # Once servers answer, a HEAD that hangs gets a GET beside it after the
    # hedge delay; the link is decided long before the timeout.
    host = "hedge.test"
    warm = [server.url(f"/ok?{n}", host=host) for n in range(10)]
    url = server.url("/hang-head", host=host)
    resolver = static_resolver({host: "127.0.0.1"})

    async def go() -> tuple[Verdict, float]:
        engine = LinkEngine(EnginePolicy(**{**FAST, "timeout": 4.0}), resolver=resolver)
        try:
            await engine.check_all(warm)
            started = time.monotonic()
            verdict = await engine.check(url)
            return verdict, time.monotonic() - started
        finally:
            await engine.aclose()

    verdict, elapsed = asyncio.run(go())
    assert verdict.kind is Kind.OK, verdict
    assert elapsed < 1.5, f"{elapsed:.2f} s (the timeout is 4 s)"


def test_a_hanging_head_without_hedging_still_ends_in_time(server: HostileServer) -> None:
    host = "nohedge.test"
    url = server.url("/hang-head?solo", host=host)
    verdicts, elapsed, _ = run(server, host, [url], hedge=False)
    assert verdicts[0].kind in (Kind.OK, Kind.UNREACHABLE), verdicts  # never dead
    assert elapsed < 3 * TIMEOUT


def test_a_silent_link_costs_one_timeout_with_hedging(server: HostileServer) -> None:
    host = "silent.test"
    warm = [server.url(f"/ok?s{n}", host=host) for n in range(10)]
    url = server.url("/never?hedged", host=host)
    resolver = static_resolver({host: "127.0.0.1"})

    async def go() -> tuple[Verdict, float]:
        engine = LinkEngine(EnginePolicy(**FAST), resolver=resolver)
        try:
            await engine.check_all(warm)
            started = time.monotonic()
            verdict = await engine.check(url)
            return verdict, time.monotonic() - started
        finally:
            await engine.aclose()

    verdict, elapsed = asyncio.run(go())
    assert verdict.kind is Kind.UNREACHABLE, verdict
    # HEAD's timeout and the hedge GET's run side by side: about one timeout
    # plus the hedge delay, never a timeout and a half.
    assert elapsed < TIMEOUT + 0.5 + 0.3, f"{elapsed:.2f} s"
