"""The run's request slots over all hosts, handed out busiest host first.

A crawl ends when its busiest host is done.  When the run's slots are short
(a list with a hundred hosts wants more requests in flight than
``max-concurrency`` allows), a first-come-first-served queue gives the host
with 500 links the same share as the host with 3, and the run waits for the
big host at the end.  This gate gives a free slot to the waiting request whose
host has the most work left, first come first served among equals, so the
big hosts run at their own limit from the start and the small ones fill the
gaps.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["RequestGate"]


class RequestGate:
    """``size`` slots; :meth:`slot` waits for one, the highest ``priority`` first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.active = 0
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def locked(self) -> bool:
        """Whether a request now would have to wait."""
        self._drop_abandoned()
        return self.active >= self.size or bool(self._waiters)

    def try_acquire(self) -> bool:
        """A slot now if one is free and nobody waits; release it with :meth:`release`."""
        if not self.locked():
            self.active += 1
            return True
        return False

    async def acquire(self, priority: float = 0.0) -> None:
        if self.try_acquire():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (-priority, next(self._order), waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted, then cancelled: hand the slot on
            else:
                waiter.cancel()  # left in the heap, skipped when it comes up
            raise

    def release(self) -> None:
        self.active -= 1
        self._wake()

    @asynccontextmanager
    async def slot(self, priority: float = 0.0) -> AsyncIterator[None]:
        await self.acquire(priority)
        try:
            yield
        finally:
            self.release()

    def _wake(self) -> None:
        while self._waiters and self.active < self.size:
            _, _, waiter = heapq.heappop(self._waiters)
            if not waiter.done():
                self.active += 1
                waiter.set_result(None)

    def _drop_abandoned(self) -> None:
        while self._waiters and self._waiters[0][2].done():
            heapq.heappop(self._waiters)
