from __future__ import annotations

import json

from listlint.reporters.base import Reporter, Summary

JSON_VERSION = 1


class JsonReporter(Reporter):
    """``{"version": 1, "summary": {...}, "diagnostics": [...]}`` (see README)."""

    def finish(self, summary: Summary) -> None:
        document = {
            "version": JSON_VERSION,
            "summary": summary.to_dict(),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }
        self.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
