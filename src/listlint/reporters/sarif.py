"""SARIF 2.1.0 for GitHub code scanning and other viewers."""

from __future__ import annotations

from typing import Any

from listlint import __version__
from listlint.diagnostics import Diagnostic
from listlint.reporters.base import Reporter, Summary, json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


class SarifReporter(Reporter):
    def finish(self, summary: Summary) -> None:
        rules = sorted(self.rules, key=lambda rule: rule.code)
        index = {rule.code: i for i, rule in enumerate(rules)}
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "listlint",
                            "version": __version__,
                            "informationUri": "https://github.com/listlint/listlint",
                            "rules": [
                                {
                                    "id": rule.code,
                                    "name": rule.name,
                                    "shortDescription": {"text": rule.summary},
                                    "helpUri": rule.help_url,
                                    "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
                                    "properties": {
                                        "fixable": rule.fixable,
                                        "fix": rule.fix_kind,
                                        "needsNetwork": rule.needs_network,
                                    },
                                }
                                for rule in rules
                            ],
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "originalUriBaseIds": {"SRCROOT": {"uri": self.root.resolve().as_uri() + "/"}},
                    "results": [self.result(d, index) for d in self.diagnostics],
                }
            ],
        }
        self.write(json_text(log))

    def result(self, d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
        region = {
            "startLine": d.line,
            "startColumn": d.column,
            "endLine": d.end_line,
            "endColumn": max(d.end_column, d.column),
        }
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": LEVELS[d.severity.value],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": self.relative_path(d.path), "uriBaseId": "SRCROOT"},
                        "region": region,
                    }
                }
            ],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fix:
            result["fixes"] = [
                {
                    "description": {"text": d.fix.message},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": self.relative_path(d.path), "uriBaseId": "SRCROOT"},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": e.line,
                                        "startColumn": e.column,
                                        "endLine": e.end_line,
                                        "endColumn": e.end_column,
                                    },
                                    "insertedContent": {"text": e.content},
                                }
                                for e in d.fix.edits
                            ],
                        }
                    ],
                }
            ]
        return result
