"""Progress of link checking, on stderr.

- On a terminal (outside CI): a rich bar with links done / total, the dead
  links found so far, how many distinct hosts those links are on, the time
  elapsed and the time left (rich is imported only then).
- Anywhere else (a CI log, a file): at most one plain line every 10 seconds,
  ``links: 1200/2000 checked, 3 dead, 14 s``, so a long online run is not
  silent for minutes; and a last line when such a run ends.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["make_progress", "RichProgress", "LineProgress", "LINE_INTERVAL"]

# Seconds between two lines in a log.
LINE_INTERVAL = 10.0


def make_progress(stream: TextIO | None = None) -> RichProgress | LineProgress:
    """A bar on ``stream`` (stderr) on a terminal outside CI; else a line now and then."""
    stream = stream or sys.stderr
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS") or not is_terminal(stream):
        return LineProgress(stream, interval=LINE_INTERVAL)
    return RichProgress(stream)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class LineProgress:
    """``links: 1200/2000 checked, 3 dead, 14 s`` at most once per ``interval`` seconds."""

    def __init__(
        self,
        stream: TextIO,
        *,
        interval: float = LINE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.total = 0
        self.done = 0
        self.dead = 0
        self.hosts: set[str] = set()
        self.started = clock()
        self.last_line = self.started
        self.lines = 0

    def add(self, count: int) -> None:
        self.total += count

    def advance(self, host: str, *, dead: bool = False) -> None:
        self.done += 1
        self.dead += int(dead)
        self.hosts.add(host)
        now = self.clock()
        if now - self.last_line >= self.interval:
            self.last_line = now
            self.show(now)

    def show(self, now: float) -> None:
        line = f"links: {self.done}/{self.total} checked, {self.dead} dead, {now - self.started:.0f} s\n"
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed log must not stop the run
        self.lines += 1

    def close(self) -> None:
        """The final count, when the run was long enough to have shown a line."""
        if self.lines:
            self.show(self.clock())


class RichProgress:
    """Links done / total, dead so far, hosts, elapsed and ETA, on one transient line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.dead = 0
        self.hosts: set[str] = set()
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def _ensure(self) -> None:
        if self._bar is not None:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("checking links"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[dead]} dead"),
            # Distinct hosts of the links checked so far (each has its own rate limit).
            TextColumn("on {task.fields[hosts]} hosts"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            transient=True,
        )
        self._task = self._bar.add_task("links", total=0, hosts=0, dead=0, rate="")
        self._bar.start()

    def add(self, count: int) -> None:
        self._ensure()
        self.total += count
        self._bar.update(self._task, total=self.total)

    def advance(self, host: str, *, dead: bool = False) -> None:
        self._ensure()
        self.done += 1
        self.dead += int(dead)
        self.hosts.add(host)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self._bar.update(
            self._task,
            completed=self.done,
            hosts=len(self.hosts),
            dead=self.dead,
            rate=f"{self.done / elapsed:.0f} links/s",
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
