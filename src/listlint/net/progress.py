"""A progress bar for link checking: on a terminal only, never in CI.

rich is imported only when a bar is actually shown.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

__all__ = ["make_progress", "RichProgress"]


def make_progress(stream: TextIO | None = None) -> RichProgress | None:
    """A bar on ``stream`` (stderr) if it is a terminal and CI is not set."""
    stream = stream or sys.stderr
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        return None
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        return None
    return RichProgress(stream)


class RichProgress:
    """Links done / total, hosts seen and the rate, on one transient line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.hosts: set[str] = set()
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def _ensure(self) -> None:
        if self._bar is not None:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bar = Progress(
            TextColumn("checking links"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[hosts]} hosts"),
            TextColumn("{task.fields[rate]}"),
            console=Console(file=self.stream),
            transient=True,
        )
        self._task = self._bar.add_task("links", total=0, hosts=0, rate="")
        self._bar.start()

    def add(self, count: int) -> None:
        self._ensure()
        self.total += count
        self._bar.update(self._task, total=self.total)

    def advance(self, host: str) -> None:
        self._ensure()
        self.done += 1
        self.hosts.add(host)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self._bar.update(
            self._task, completed=self.done, hosts=len(self.hosts), rate=f"{self.done / elapsed:.0f} links/s"
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
