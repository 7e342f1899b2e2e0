"""The run's request gate (busiest host first) and a host's throttling signal."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from listlint.net.engine import LinkEngine
from listlint.net.gate import RequestGate
from listlint.net.hosts import HostState
from listlint.net.policy import EnginePolicy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from simulated_web import SimulatedWeb, host_addresses  # noqa: E402


def test_a_free_slot_goes_to_the_highest_priority_first_come_first_served_among_equals() -> None:
    async def run() -> list[str]:
        gate = RequestGate(1)
        order: list[str] = []
        await gate.acquire()  # held, so everyone below waits

        async def waiter(name: str, priority: float) -> None:
            async with gate.slot(priority):
                order.append(name)
                await asyncio.sleep(0)

        tasks = []
        for name, priority in [("small", 1.0), ("big", 5.0), ("middle", 3.0), ("big-2", 5.0)]:
            tasks.append(asyncio.ensure_future(waiter(name, priority)))
            await asyncio.sleep(0)  # queued in this order
        assert gate.locked() and not gate.try_acquire()
        gate.release()
        await asyncio.gather(*tasks)
        assert gate.active == 0 and not gate.locked()
        return order

    assert asyncio.run(run()) == ["big", "big-2", "middle", "small"]


def test_a_cancelled_waiter_takes_no_slot_and_a_granted_one_hands_it_on() -> None:
    async def run() -> None:
        gate = RequestGate(1)
        await gate.acquire()
        gone = asyncio.ensure_future(gate.acquire(9.0))
        stays = asyncio.ensure_future(gate.acquire(1.0))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        gate.release()
        await asyncio.wait_for(stays, 1)  # the cancelled waiter was skipped
        assert gate.active == 1
        # Granted, then cancelled before it ran: the slot passes on.
        granted = asyncio.ensure_future(gate.acquire(1.0))
        after = asyncio.ensure_future(gate.acquire(1.0))
        await asyncio.sleep(0)
        gate.release()
        granted.cancel()
        await asyncio.wait_for(after, 1)
        assert gate.active == 1
        gate.release()
        assert gate.active == 0 and gate.try_acquire()

    asyncio.run(run())


def test_a_host_throttles_when_a_quarter_of_its_recent_answers_are_429() -> None:
    host = HostState(name="example.org", limit=8)
    for _ in range(19):
        host.succeeded()
    host.throttled()
    assert not host.throttling  # one 429 among successes is about one URL
    host.slow_down(1.0, host.epoch)
    assert host.limit == 8 and host.slowed == 0
    for _ in range(5):
        host.throttled()
    assert host.throttling
    host.slow_down(1.0, host.epoch)
    assert host.limit == 4 and host.slowed == 1


def test_a_paced_host_speeds_up_one_request_per_second_at_a_time() -> None:
    # A fast host that throttled us (a token bucket): its pace, not concurrency, binds.
    host = HostState(name="example.org", limit=8)
    host.limit, host.interval = 1, 0.05  # slowed down to one request every 50 ms
    host.latencies.extend([0.001] * 5)
    for _ in range(4):
        host.succeeded()
    assert abs(host.interval - 1 / 21) < 1e-9 and host.limit == 1  # 20 -> 21 requests/s
    # A slow host: an interval shorter than its answers binds nothing, so concurrency grows again.
    slow = HostState(name="slow.example", limit=8)
    slow.limit, slow.interval = 1, 0.05
    slow.latencies.extend([0.2] * 5)
    for _ in range(4):
        slow.succeeded()
    assert slow.interval == 0.0
    slow.succeeded()
    assert slow.limit == 2


def test_a_big_host_with_a_few_per_url_429s_keeps_its_concurrency() -> None:
    # 1 in 20 links answers 429 once (Retry-After 1): that is about the URL, not the host.
    with SimulatedWeb(["127.0.0.1"], latency={"127.0.0.1": 0.01}, retry_after=1) as web:
        urls = [web.url("127.0.0.1", f"/retry-after/{n}" if n % 20 == 0 else f"/ok/{n}") for n in range(120)]

        async def run() -> HostState:
            engine = LinkEngine(EnginePolicy(timeout=5.0, allow_private_hosts=True, url_deadline=30.0))
            try:
                verdicts = await engine.check_all(urls)
                assert all(v.kind.value == "ok" for v in verdicts.values())
                return engine._hosts["127.0.0.1"]
            finally:
                await engine.aclose()

        host = asyncio.run(run())
    assert host.slowed == 0 and host.limit == 8


def test_the_busiest_host_is_served_first_when_the_run_is_short_of_slots() -> None:
    addresses = host_addresses(5)
    with SimulatedWeb(addresses, latency=dict.fromkeys(addresses, 0.02)) as web:
        small = [web.url(address, f"/ok/s{n}") for n, address in enumerate(addresses[1:])]
        big = [web.url(addresses[0], f"/ok/b{n}") for n in range(12)]

        async def run() -> None:
            engine = LinkEngine(EnginePolicy(timeout=5.0, allow_private_hosts=True, max_concurrency=1))
            try:
                await engine.check_all(small + big)  # the small hosts come first in the list
            finally:
                await engine.aclose()

        asyncio.run(run())
        hosts = [request.host for request in sorted(web.log, key=lambda request: request.at)]
    # The first small host got the free slot; from then on the big host goes first.
    assert hosts[0] == addresses[1]
    assert hosts[1:8] == [addresses[0]] * 7, hosts


def test_waiting_for_a_throttled_hosts_queue_does_not_count_against_the_url_deadline() -> None:
    # One request at a time (429 above that), 150 links x 40 ms: the last links
    # wait ~6 s for their turn, twice the per-URL deadline.  That wait is our
    # politeness, not the links' slowness: every link is OK.
    with SimulatedWeb(
        ["127.0.0.1"], crowded={"127.0.0.1"}, crowd_limit=1, latency={"127.0.0.1": 0.04}
    ) as web:
        urls = [web.url("127.0.0.1", f"/ok/{n}") for n in range(150)]

        async def run() -> dict[str, str]:
            engine = LinkEngine(
                EnginePolicy(
                    timeout=2.0,
                    url_deadline=3.0,
                    allow_private_hosts=True,
                    backoff_base=0.02,
                    backoff_max=0.05,
                    max_retries=6,
                )
            )
            try:
                verdicts = await engine.check_all(urls)
                return {url: f"{v.kind.value}: {v.reason}" for url, v in verdicts.items()}
            finally:
                await engine.aclose()

        outcome = asyncio.run(run())
    assert all(text.startswith("ok") for text in outcome.values()), sorted(set(outcome.values()))
