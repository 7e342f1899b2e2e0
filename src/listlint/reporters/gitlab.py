"""GitLab Code Quality report (a subset of Code Climate's issue format).

A JSON array; each finding has ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location.path`` / ``location.lines.begin``.
GitLab compares reports of the base and the merge request by fingerprint,
so a fingerprint leaves out the line number (it moves when lines are added
above) and uses the rule, the file, the text of the finding's line and the
message with line numbers normalised; the
same finding twice on equal lines is told apart by a counter.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any

from listlint.diagnostics import Diagnostic
from listlint.reporters.base import Reporter, Summary, json_text

__all__ = ["GitlabReporter", "SEVERITIES"]

LINE_NUMBER_RE = re.compile(r"\blines? \d+(?:, \d+)*")
SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


class GitlabReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        seen: Counter[str] = Counter()
        issues = []
        for d in self.diagnostics:
            key = self.fingerprint_key(d)
            seen[key] += 1
            issues.append(self.issue(d, f"{key}\0{seen[key]}"))
        self.write(json_text(issues))

    def fingerprint_key(self, d: Diagnostic) -> str:
        source = self.sources.get(d.path)
        line = source.line_text(d.line).strip() if source else str(d.line)
        # "already listed at line 12" names lines that move too.
        message = LINE_NUMBER_RE.sub("line #", d.message)
        return "\0".join((d.code, self.relative_path(d.path), line, message))

    def issue(self, d: Diagnostic, key: str) -> dict[str, Any]:
        return {
            "type": "issue",
            "description": f"{d.name}: {d.message}",
            "check_name": d.code,
            "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest(),
            "severity": SEVERITIES[d.severity.value],
            "location": {"path": self.relative_path(d.path), "lines": {"begin": d.line, "end": d.end_line}},
        }
