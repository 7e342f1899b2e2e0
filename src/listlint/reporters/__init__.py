"""Reporters: one small module per output format, found by name."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from listlint.errors import PluginError, UsageError
from listlint.reporters.base import Reporter, Summary, summarize

__all__ = ["Reporter", "Summary", "summarize", "reporter_class", "FORMATS"]

# Imported only when chosen, so a run pays for one format.
FORMATS: dict[str, str] = {
    "text": "listlint.reporters.text:TextReporter",
    "concise": "listlint.reporters.concise:ConciseReporter",
    "json": "listlint.reporters.json:JsonReporter",
    "github": "listlint.reporters.github:GithubReporter",
    "sarif": "listlint.reporters.sarif:SarifReporter",
    "junit": "listlint.reporters.junit:JunitReporter",
    "markdown": "listlint.reporters.markdown:MarkdownReporter",
}


def reporter_class(name: str) -> Any:
    target = FORMATS.get(name)
    if target is None:
        for point in entry_points(group="listlint.reporters"):
            if point.name == name:
                try:
                    return point.load()
                except Exception as exc:
                    raise PluginError(f"cannot load reporter {name!r}: {exc}") from exc
        raise UsageError(f"unknown output format {name!r} (choose from {', '.join(FORMATS)})")
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)
