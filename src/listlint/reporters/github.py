"""GitHub Actions workflow commands, escaped exactly as @actions/core escapes.

Messages escape ``%``, ``\\r`` and ``\\n``; properties also ``:`` and ``,``
(``escapeData`` and ``escapeProperty`` in the toolkit's ``command.ts``).  With
that, no text from the list can end a command early or start a new line, so
it cannot inject another workflow command.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step,
so errors come first, then warnings, then notices, and when there are more a
last notice says how many and where to find them.  Findings not shown as
annotations are listed in the log as plain text between ``::stop-commands::``
and a random resume token: the runner parses every log line for commands (the
legacy ``##[cmd]`` form anywhere in a line), and inside the fence it ignores
them all.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from listlint.diagnostics import Diagnostic
from listlint.reporters.base import Reporter, Summary

__all__ = [
    "GithubReporter",
    "escape_data",
    "escape_property",
    "command",
    "select_annotations",
    "fenced",
    "commands_stopped",
    "LEVELS",
    "LIMITS",
]

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
# Per step, by annotation level (GitHub's documented limits).
LIMITS = {"error": 10, "warning": 10, "notice": 10}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, properties: Sequence[tuple[str, str]], message: str) -> str:
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties if value)
    return f"::{name}{' ' + rendered if rendered else ''}::{escape_data(message)}\n"


def command(d: Diagnostic, path: str) -> str:
    properties = [("file", path), ("line", str(d.line))]
    if d.end_line == d.line:
        # The runner drops annotations whose columns span several lines.
        properties += [
            ("col", str(d.column)),
            ("endLine", str(d.end_line)),
            ("endColumn", str(max(d.end_column - 1, d.column))),
        ]
    else:
        properties.append(("endLine", str(d.end_line)))
    properties.append(("title", f"{d.code} {d.name}"))
    return workflow_command(LEVELS[d.severity.value], properties, d.message)


def select_annotations(
    diagnostics: Iterable[Diagnostic], path_of: Callable[[str], str], *, summary_hint: str = "the job summary"
) -> tuple[list[str], list[Diagnostic]]:
    """The annotation commands to print, and the findings left out of them.

    Errors first, then warnings, then notices, each up to its limit; when any
    finding is left out, one notice slot is kept for the note that says so.
    """
    ordered = sorted(diagnostics, key=lambda d: (d.severity.rank, d.sort_key()))
    by_level: dict[str, list[Diagnostic]] = {level: [] for level in LIMITS}
    for d in ordered:
        by_level[LEVELS[d.severity.value]].append(d)
    limits = dict(LIMITS)
    if any(len(found) > limits[level] for level, found in by_level.items()):
        limits["notice"] -= 1
    shown = [d for level, found in by_level.items() for d in found[: limits[level]]]
    hidden = [d for level, found in by_level.items() for d in found[limits[level] :]]
    lines = [command(d, path_of(d.path)) for d in shown]
    if hidden:
        count = len(hidden)
        lines.append(
            workflow_command(
                "notice",
                [("title", "listlint")],
                (
                    f"{count} more finding{'s' if count != 1 else ''} not shown as annotations "
                    f"(GitHub shows {LIMITS['error']} per severity and step); see {summary_hint} "
                    "or the log of this step for all of them"
                ),
            )
        )
    return lines, hidden


def fence_token() -> str:
    """A token no list text can guess, to end a ``::stop-commands::`` fence with."""
    import secrets  # only in an Actions log; it is not cheap to import

    return f"listlint-{secrets.token_hex(16)}"


def fenced(lines: Iterable[str]) -> str:
    """Plain text the runner will not parse for workflow commands."""
    body = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    if not body:
        return ""
    token = fence_token()
    return f"::stop-commands::{token}\n{body}::{token}::\n"


@contextmanager
def commands_stopped(stream: TextIO) -> Iterator[None]:
    """Fence what is written to ``stream`` when it is a GitHub Actions log.

    The text and concise reports quote list lines; in a workflow log the
    runner would execute a ``##[add-mask]`` or ``::set-output`` in them.  Not
    fenced: a redirected file (``> report.txt``) and runs outside Actions.
    """
    if not writes_to_actions_log(stream):
        yield
        return
    token = fence_token()
    stream.write(f"::stop-commands::{token}\n")
    try:
        yield
    finally:
        stream.write(f"::{token}::\n")


def writes_to_actions_log(stream: TextIO) -> bool:
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return False
    try:
        return not stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False  # an in-memory stream (embedding, tests): not the runner's log


def plain(d: Diagnostic, path: str) -> str:
    message = " ".join(d.message.split())
    return f"{path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.name}: {message}"


class GithubReporter(Reporter):
    def relative_path(self, path: str) -> str:
        """Annotations need paths relative to the repository, i.e. the workspace."""
        workspace = os.environ.get("GITHUB_WORKSPACE")
        if workspace:
            try:
                absolute = Path(os.path.abspath(path))
                return absolute.relative_to(os.path.abspath(workspace)).as_posix()
            except ValueError:
                pass
        return Reporter.relative_path(self, path)

    def finish(self, summary: Summary) -> None:
        hint = "the job summary" if os.environ.get("GITHUB_STEP_SUMMARY") else "the log"
        lines, hidden = select_annotations(self.diagnostics, self.relative_path, summary_hint=hint)
        for line in lines:
            self.write(line)
        text = [plain(d, self.relative_path(d.path)) for d in hidden]
        if hidden:
            text.insert(0, f"listlint: {len(hidden)} more finding(s):")
        self.write(fenced([*text, *summary.note_lines]))
