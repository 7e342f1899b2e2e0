from __future__ import annotations

from listlint.reporters.base import Reporter, Summary


class ConciseReporter(Reporter):
    """``path:line:col: CODE [severity] message`` — one line each."""

    def finish(self, summary: Summary) -> None:
        for d in self.diagnostics:
            message = " ".join(d.message.split())
            self.write(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {message}\n")
