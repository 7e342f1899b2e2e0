"""GitHub Actions workflow commands, escaped exactly as @actions/core escapes.

Messages escape ``%``, ``\\r`` and ``\\n``; properties also ``:`` and ``,``.
With that, no text from the list can end a command early or start a new
line, so it cannot inject another workflow command.
"""

from __future__ import annotations

from listlint.diagnostics import Diagnostic
from listlint.reporters.base import Reporter, Summary

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(d: Diagnostic, path: str) -> str:
    properties = [("file", path), ("line", str(d.line))]
    if d.end_line == d.line:
        # The runner drops annotations whose columns span several lines.
        properties += [("col", str(d.column)), ("endLine", str(d.end_line)),
                       ("endColumn", str(max(d.end_column - 1, d.column)))]
    else:
        properties.append(("endLine", str(d.end_line)))
    properties.append(("title", f"{d.code} {d.name}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{LEVELS[d.severity.value]} {rendered}::{escape_data(d.message)}\n"


class GithubReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        for d in sorted(self.diagnostics, key=lambda d: (d.severity.rank, d.sort_key())):
            self.write(command(d, self.relative_path(d.path)))
