"""Text that a GitHub Actions runner will show, never obey.

The runner reads every line a step prints for workflow commands: a line
that starts with ``::`` (after blanks), and the legacy ``##[command]`` form
anywhere in a line.  Report formats that print list text to a log are fenced
with ``::stop-commands::`` (``reporters.github.commands_stopped``); what
cannot be fenced is neutralised here:

- every line written to stderr (error messages quote file names, warnings
  quote servers), through :class:`LogSafeStream`;
- JSON and XML reports, whose strings may hold both forms, by writing one
  character of each as an escape (``\\u005b``, ``&#91;``): the same data for
  any reader, no command for the runner.

Outside Actions only control characters are made visible (C0, DEL and C1).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

from listlint.reporters.base import show_controls

__all__ = [
    "in_actions",
    "neutralise_commands",
    "safe_line",
    "LogSafeStream",
    "stderr_made_safe",
    "json_commands_escaped",
    "xml_commands_escaped",
]

# Invisible, not white space for the runner's Trim(), and no command character.
BREAK = "\u200b"
LEADING_COMMAND_RE = re.compile(r"(?m)^(\s*):(?=:)")


def in_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def neutralise_commands(text: str) -> str:
    """``text`` with no line the runner parses as a workflow command."""
    text = text.replace("##[", f"##{BREAK}[")
    return LEADING_COMMAND_RE.sub(lambda m: f"{m.group(1)}:{BREAK}", text)


def safe_line(text: str) -> str:
    """One line for stderr: controls made visible; in Actions, no workflow command."""
    text = show_controls(" ".join(text.split()))
    return neutralise_commands(text) if in_actions() else text


def json_commands_escaped(text: str) -> str:
    """JSON whose strings cannot start a workflow command (in Actions only)."""
    if not in_actions():
        return text
    return text.replace("##[", "##\\u005b").replace("::", ":\\u003a")


def xml_commands_escaped(text: str) -> str:
    """XML whose text and attributes cannot start a workflow command (in Actions only)."""
    if not in_actions():
        return text
    return text.replace("##[", "##&#91;").replace("::", ":&#58;")


class LogSafeStream:
    """A text stream that passes whole lines on, neutralised for the runner.

    Partial lines are held until their newline (or a flush), so that a
    ``##[`` split across two writes is still caught.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        if "\n" in self.pending:
            complete, _, self.pending = self.pending.rpartition("\n")
            self.stream.write(self.clean(complete + "\n"))
        return len(text)

    def clean(self, text: str) -> str:
        return neutralise_commands(show_controls(text))

    def flush(self) -> None:
        if self.pending:
            self.stream.write(self.clean(self.pending))
            self.pending = ""
        self.stream.flush()

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)  # fileno, isatty, encoding, ...


@contextmanager
def stderr_made_safe() -> Iterator[None]:
    """In Actions, route ``sys.stderr`` through :class:`LogSafeStream` for the run."""
    if not in_actions() or isinstance(sys.stderr, LogSafeStream):
        yield
        return
    original = sys.stderr
    safe = LogSafeStream(original)
    sys.stderr = safe
    try:
        yield
    finally:
        with suppress(OSError, ValueError):
            safe.flush()
        sys.stderr = original
