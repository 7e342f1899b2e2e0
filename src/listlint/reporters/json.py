from __future__ import annotations

from listlint.reporters.base import Reporter, Summary, json_text

JSON_VERSION = 1


class JsonReporter(Reporter):
    """``{"version": 1, "summary": {...}, "diagnostics": [...]}`` (see README)."""

    def finish(self, summary: Summary) -> None:
        document = {
            "version": JSON_VERSION,
            "summary": summary.to_dict(),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }
        self.write(json_text(document))
