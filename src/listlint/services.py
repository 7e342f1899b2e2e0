"""A per-run memo for rules: objects made once and shared (a vocabulary, a table).

Not a channel between rules: what a network rule knows comes from the gather
stage, in ``RuleContext.facts``.  Nothing here imports the network stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["Services"]


class Services:
    def __init__(self, settings: Any, active_rules: frozenset[str] = frozenset()) -> None:
        self.settings = settings
        # Names of the rules this run executes.
        self.active_rules = active_rules
        self._made: dict[str, Any] = {}
        self._closers: list[Callable[[], Any]] = []
        # Warnings of helpers made through the memo (``net.cache.cache_for``).
        self.stats: dict[str, Any] = {}

    def get(self, key: str, factory: Callable[[], T]) -> T:
        """The shared object named ``key``, made by ``factory`` on first use."""
        if key not in self._made:
            self._made[key] = factory()
        return self._made[key]  # type: ignore[no-any-return]

    def on_close(self, closer: Callable[[], Any]) -> None:
        self._closers.append(closer)

    async def aclose(self) -> None:
        closers, self._closers = self._closers, []
        for closer in reversed(closers):
            result = closer()
            if hasattr(result, "__await__"):
                await result
