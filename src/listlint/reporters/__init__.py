"""Reporters: one small module per output format, found by name."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from listlint.diagnostics import Diagnostic
from listlint.errors import PluginError, UsageError
from listlint.reporters.base import Reporter, Summary, summarize

__all__ = [
    "Reporter",
    "Summary",
    "summarize",
    "reporter_class",
    "FORMATS",
    "open_report",
    "emit",
    "fenced_in_log",
]

# Imported only when chosen, so a run pays for one format.
FORMATS: dict[str, str] = {
    "text": "listlint.reporters.text:TextReporter",
    "concise": "listlint.reporters.concise:ConciseReporter",
    "json": "listlint.reporters.json:JsonReporter",
    "github": "listlint.reporters.github:GithubReporter",
    "sarif": "listlint.reporters.sarif:SarifReporter",
    "junit": "listlint.reporters.junit:JunitReporter",
    "markdown": "listlint.reporters.markdown:MarkdownReporter",
    "rdjson": "listlint.reporters.rdjson:RdjsonReporter",
    "gitlab": "listlint.reporters.gitlab:GitlabReporter",
}


def reporter_class(name: str) -> Any:
    target = FORMATS.get(name)
    if target is None:
        from importlib.metadata import entry_points  # only for a format listlint lacks

        for point in entry_points(group="listlint.reporters"):
            if point.name == name:
                try:
                    return point.load()
                except Exception as exc:
                    raise PluginError(f"cannot load reporter {name!r}: {exc}") from exc
        raise UsageError(f"unknown output format {name!r} (choose from {', '.join(FORMATS)})")
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


@contextmanager
def open_report(output_file: Path | None) -> Iterator[TextIO]:
    """Standard output, or ``output_file`` opened for the report (one-line error if it cannot be)."""
    if output_file is None:
        yield sys.stdout
        return
    try:
        stream = open(output_file, "w", encoding="utf-8")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise UsageError(f"{output_file}: cannot write report ({exc.strerror or exc})") from exc
    try:
        with stream:
            yield stream
    except OSError as exc:  # a full disk, /dev/full: found on write or on close
        raise UsageError(f"{output_file}: cannot write report ({exc.strerror or exc})") from exc


# Formats that print list text as it is: fenced in a workflow log.
PLAIN_TEXT_FORMATS = frozenset({"text", "concise", "markdown"})


@contextmanager
def fenced_in_log(stream: TextIO, format_name: str) -> Iterator[None]:
    """Fence a plain-text report written to a GitHub Actions log (``commands_stopped``).

    The JSON and XML formats escape the command syntax themselves
    (``reporters.logsafe``), since a fence would make them unparsable.
    """
    if format_name not in PLAIN_TEXT_FORMATS:
        yield
        return
    from listlint.reporters.github import commands_stopped

    with commands_stopped(stream):
        yield


def emit(reporter: Reporter, diagnostics: Iterable[Diagnostic], summary: Summary) -> None:
    """Drive ``reporter`` through one report."""
    reporter.start()
    for diagnostic in diagnostics:
        reporter.handle(diagnostic)
    reporter.finish(summary)
