"""reviewdog's Diagnostic Format (rdjson), with each fix as a suggestion.

``listlint check -o report.json --output-format rdjson`` then
``reviewdog -f=rdjson -reporter=github-pr-review < report.json`` gives a
pull request one-click suggested changes.  Positions follow the format's
rules: lines and columns from 1, columns counted in UTF-8 bytes, ranges'
ends exclusive.
"""

from __future__ import annotations

from typing import Any

from listlint.diagnostics import Diagnostic
from listlint.reporters.base import Reporter, Summary, json_text

__all__ = ["RdjsonReporter", "SEVERITIES"]

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
SOURCE = {"name": "listlint", "url": "https://github.com/listlint/listlint"}


class RdjsonReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        result = {"source": SOURCE, "diagnostics": [self.diagnostic(d) for d in self.diagnostics]}
        self.write(json_text(result))

    def diagnostic(self, d: Diagnostic) -> dict[str, Any]:
        path = self.relative_path(d.path)
        item: dict[str, Any] = {
            "message": d.message,
            "location": {
                "path": path,
                "range": self.range(d.path, d.line, d.column, d.end_line, max(d.end_column, d.column)),
            },
            "severity": SEVERITIES[d.severity.value],
            "source": SOURCE,
            "code": {"value": d.code, **({"url": d.help_url} if d.help_url else {})},
        }
        if d.fix and d.fix.edits:
            # One suggestion per edit; reviewdog applies them together.
            item["suggestions"] = [
                {
                    "range": self.range(d.path, e.line, e.column, e.end_line, e.end_column),
                    "text": e.content,
                }
                for e in d.fix.edits
            ]
        return item

    def range(self, path: str, line: int, column: int, end_line: int, end_column: int) -> dict[str, Any]:
        return {
            "start": {"line": line, "column": self.byte_column(path, line, column)},
            "end": {"line": end_line, "column": self.byte_column(path, end_line, end_column)},
        }

    def byte_column(self, path: str, line: int, column: int) -> int:
        """``column`` (code points, from 1) as UTF-8 bytes from 1; as is without the source."""
        source = self.sources.get(path)
        if source is None:
            return column
        text = source.line_text(line)
        return len(text[: column - 1].encode("utf-8", "surrogatepass")) + 1
