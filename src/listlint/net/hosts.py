"""Per-host politeness: a concurrency limit, a pacing interval, and slowing down.

asyncio has semaphores but none whose size can change while in use; a 429
must lower a host's limit, so this is a small first-come-first-served gate.
It also keeps the per-host figures of the summary.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

__all__ = ["HostState"]

MAX_INTERVAL = 2.0
# The host, not one URL, is throttling when at least two of its last RECENT
# answers, and at least a quarter of them, were 429 or 503.
RECENT = 20
# GET answers in a row that were server errors, with no success between them,
# after which a host's further links get no retries.
BROKEN_AFTER = 10
# 429/503 answers in a row (plus one per 50 links) after which a host that
# never answers otherwise is given up (a burst of refusals is shorter).
THROTTLED_STREAK = 16
THROTTLED_STREAK_SECONDS = 5.0
# Successes in a row after which a paced host gets RATE_STEP more requests
# per second; below MIN_INTERVAL the pacing ends.
PACED_STREAK = 4
RATE_STEP = 1.0
MIN_INTERVAL = 0.005


@dataclass(slots=True)
class HostState:
    name: str
    limit: int
    interval: float = 0.0
    active: int = 0
    # Earliest start of the next request (monotonic clock).
    next_start: float = 0.0
    # Figures: requests sent, answers received, their total time.
    requests: int = 0
    answers: int = 0
    busy_seconds: float = 0.0
    timeouts: int = 0
    network_failures: int = 0
    refusals: int = 0
    slowed: int = 0
    # HEAD answered with an error where GET worked: go straight to GET.
    head_unreliable: bool = False
    # Adaptive rate: each slow-down starts a new epoch; ``ceiling`` is the
    # configured limit, never exceeded.
    epoch: int = 0
    ceiling: int = 0
    configured: int = 0
    streak: int = 0
    calm: int = 0
    # Sent to this host's origin only (tokens from the per-host settings).
    headers: dict[str, str] = field(default_factory=dict)
    # The budget: links submitted, retries spent, when throttling began, and
    # links given up on because the budget was spent.
    links: int = 0
    retries: int = 0
    throttled_since: float | None = None
    throttled_answers: int = 0
    rate_limited: int = 0
    # Of the last RECENT answers, whether each was a 429/503.
    recent: deque[bool] = field(default_factory=lambda: deque(maxlen=RECENT))
    # Links decided (for the run's gate: the work this host has left).
    decided: int = 0
    # URLs in a row that ended throttled (no answer but 429/503 in between).
    throttled_urls: int = 0
    # Answers in a row that were 429/503, with no success between them.
    throttled_streak: int = 0
    # GET answers in a row that were a server error (500, 502, 504).
    server_errors: int = 0
    exhausted: bool = False
    first_request: float | None = None
    last_answer: float = 0.0
    hedges: int = 0
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=64))
    _waiters: deque[asyncio.Future[None]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.ceiling = self.ceiling or self.limit
        self.configured = self.configured or self.limit

    @asynccontextmanager
    async def slot(self, *, first: bool = False) -> AsyncIterator[None]:
        """Hold one of this host's request slots, paced by ``interval``.

        ``first``: wait at the head of the queue (a URL already under way: its
        retry or its next redirect hop finishes it before new ones start).
        """
        await self._acquire(first)
        try:
            if self.exhausted:
                yield  # the budget is spent: the holder gives up without a request
                return
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
            if start > now:
                await asyncio.sleep(start - now)
            yield
        finally:
            self.active -= 1
            self._wake()

    def try_acquire(self) -> bool:
        """A slot now if one is free (for a hedged request), else False; release with :meth:`release`."""
        if self.active < self.limit and not self._waiters and not self.exhausted:
            self.active += 1
            return True
        return False

    def release(self) -> None:
        self.active -= 1
        self._wake()

    async def _acquire(self, first: bool = False) -> None:
        # First come, first served; a release wakes exactly the waiters that fit.
        if self.active < self.limit and not self._waiters:
            self.active += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if first:
            self._waiters.appendleft(waiter)
        else:
            self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.active -= 1  # granted, then cancelled: hand the slot on
                self._wake()
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _wake(self) -> None:
        while self._waiters and self.active < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.active += 1
                waiter.set_result(None)

    def slow_down(self, pause: float, epoch: int) -> None:
        """After a 429: halve the concurrency; at one request, widen the interval and pause.

        ``epoch`` is the host's epoch when the throttled request started: the
        429s of one burst count as one signal, not as one each.  Successes
        win the concurrency back step by step (AIMD), so a 429 that was about
        one URL, not the host, costs little.
        """
        if not self.throttling:
            # A 429 among successes is about one URL (its own Retry-After is
            # honoured), not the host: a list's big host answers a few of
            # them in any long run and must not be slowed down for it.
            return
        if epoch != self.epoch:
            if epoch == self.epoch - 1 and self.ceiling > self.limit:
                # More 429s from the same burst: the host, not one URL, is
                # throttling; do not climb back above this level soon.
                self.ceiling = self.limit
            return
        self.epoch += 1
        self.slowed += 1
        self.streak = 0
        self.calm = 0
        if self.limit > 1:
            self.limit = max(1, self.limit // 2)
        else:
            self.interval = min(MAX_INTERVAL, max(self.interval * 2, 0.05))
            self.next_start = max(self.next_start, time.monotonic() + min(pause, MAX_INTERVAL))

    @property
    def throttling(self) -> bool:
        """Whether the host's recent answers say it throttles us, not one URL."""
        count = sum(self.recent)
        return count >= 2 and count * 4 >= len(self.recent)

    @property
    def broken(self) -> bool:
        """Whether the host answers every GET with a server error: retrying
        each of its links would only repeat the error."""
        return self.server_errors >= BROKEN_AFTER

    def work_left(self, typical: float) -> float:
        """Seconds this host still needs at its limit (an estimate, for the run's gate).

        ``typical``: the answer time assumed until the host has answered.
        """
        pending = max(0, self.links - self.decided)
        return pending * (self.mean_answer or typical) / max(self.limit, 1)

    def succeeded(self) -> None:
        """Additive increase: one more slot after a window of successes."""
        self.recent.append(False)
        self.throttled_since = None
        self.throttled_urls = 0
        self.throttled_streak = 0
        self.server_errors = 0
        self.streak += 1
        self.calm += 1
        if self.calm >= 16 * max(self.limit, 1) and self.ceiling < self.configured:
            self.ceiling += 1  # a long calm: try a little more again
            self.calm = 0
        if self.streak < max(self.limit, PACED_STREAK if self.interval > 0 else 1):
            return
        self.streak = 0
        if self.interval > 0:
            if self.interval <= self.mean_answer or self.interval < MIN_INTERVAL:
                self.interval = 0.0  # the pace no longer binds: concurrency does
            else:
                # Paced after 429s: one request per second more at a time, so
                # the pace settles near the rate the host allows instead of
                # swinging back into its limit (additive increase of the rate).
                self.interval = 1.0 / (1.0 / self.interval + RATE_STEP)
        elif self.limit < self.ceiling:
            self.limit += 1
            self._wake()

    def record(self, seconds: float, *, answered: bool) -> None:
        self.requests += 1
        self.busy_seconds += seconds
        now = time.monotonic()
        if self.first_request is None:
            self.first_request = now - seconds
        if answered:
            self.answers += 1
            self.last_answer = now
            self.latencies.append(seconds)

    def throttled(self) -> None:
        """A 429 or 503: the host's throttling clock starts (once)."""
        self.throttled_answers += 1
        self.throttled_streak += 1
        self.recent.append(True)
        if self.throttled_since is None:
            self.throttled_since = time.monotonic()

    def p95(self) -> float | None:
        """The 95th percentile of this host's answer times, once there are a few."""
        if len(self.latencies) < 5:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]

    def budget_spent(
        self, *, retry_share: float, retry_base: int, seconds: float, per_link: float, max_retries: int
    ) -> bool:
        """Whether this host's retries are used up: a retry cap scaled by its
        links, or a time cap on throttling (429/503) scaled by its links."""
        if self.exhausted:
            return True
        # URLs in a row that ended throttled, or answers in a row that were
        # 429/503 for some seconds, with no success between them: a host that
        # refuses everything.  A big host is given more of them, since one
        # burst of 429s can end many URLs at once while it still answers.
        refusing = (
            self.throttled_streak >= THROTTLED_STREAK + self.links // 50
            and self.throttled_since is not None
            and time.monotonic() - self.throttled_since >= THROTTLED_STREAK_SECONDS
        )
        if refusing or self.throttled_urls >= 3 + self.links // 50:
            self.exhausted = True
            return True
        cap = retry_base + int(self.links * retry_share * max(max_retries, 1))
        spent = self.retries > cap
        if self.throttled_since is not None:
            allowed = seconds + per_link * self.links
            spent = spent or time.monotonic() - self.throttled_since > allowed
        self.exhausted = spent
        return spent

    @property
    def wall_seconds(self) -> float:
        if self.first_request is None:
            return 0.0
        return max(0.0, (self.last_answer or time.monotonic()) - self.first_request)

    @property
    def mean_answer(self) -> float:
        """The mean time of the host's recent answers (0 before any)."""
        return sum(self.latencies) / len(self.latencies) if self.latencies else 0.0

    @property
    def mean_seconds(self) -> float:
        return self.busy_seconds / self.requests if self.requests else 0.0

    def given_up(self, limit: int) -> bool:
        """Whether the host never answered and failed ``limit`` times: stop trying it."""
        return self.answers == 0 and self.failures >= limit

    @property
    def failures(self) -> int:
        return self.timeouts + self.network_failures + self.refusals
