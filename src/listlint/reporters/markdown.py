"""A Markdown summary, for a job summary page or a PR comment."""

from __future__ import annotations

from collections import Counter

from listlint.reporters.base import Reporter, Summary

ICONS = {"error": "🔴 error", "warning": "🟡 warning", "info": "🔵 info"}
MAX_ROWS = 500


def cell(text: str) -> str:
    """Text safe inside a table cell (no pipes, newlines or HTML)."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


class MarkdownReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        lines = ["## listlint", ""]
        counts = ", ".join(f"{n} {s}" for s, n in summary.by_severity.items() if n)
        lines.append(f"Checked {len(summary.files)} file(s): {counts or 'no problems found'}.")
        lines.append("")
        if self.diagnostics:
            names = {d.code: d.name for d in self.diagnostics}
            lines += ["| rule | severity | count |", "| --- | --- | ---: |"]
            by_rule = Counter((d.code, d.severity.value) for d in self.diagnostics)
            for (code, severity), count in by_rule.most_common():
                lines.append(f"| `{code}` {names[code]} | {ICONS[severity]} | {count} |")
            lines += ["", "| where | rule | message |", "| --- | --- | --- |"]
            for d in self.diagnostics[:MAX_ROWS]:
                lines.append(f"| {cell(d.path)}:{d.line}:{d.column} | `{d.code}` | {cell(d.message)} |")
            if len(self.diagnostics) > MAX_ROWS:
                lines.append(f"\n… and {len(self.diagnostics) - MAX_ROWS} more.")
        self.write("\n".join(lines) + "\n")
