from __future__ import annotations

from listlint.reporters.base import Reporter, Summary


class ConciseReporter(Reporter):
    """``path:line:col: CODE [severity] message`` — one line each; ``[*]`` before the
    message marks a finding that ``--fix`` fixes (ruff's mark)."""

    def finish(self, summary: Summary) -> None:
        for d in self.diagnostics:
            message = " ".join(d.message.split())
            mark = "[*] " if d.fix and d.fix.applicability == "safe" else ""
            self.write(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {mark}{message}\n")
