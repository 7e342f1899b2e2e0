"""``listlint merge-reports``: shard reports (JSON v1 or SARIF 2.1.0) into one.

A sharded audit (``--shard K/N`` in a matrix) writes one report per job; this
combines them into one report in any output format and one job summary.
Identical diagnostics (the same finding reported by several shards, e.g. an
offline rule that every shard runs) are kept once.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from listlint.cli import pipe_closed_quietly
from listlint.commands.check import exit_code, reporter_extras
from listlint.diagnostics import Diagnostic, Edit, Fix, Severity
from listlint.errors import InputError, ListlintError
from listlint.reporters import Summary, emit, fenced_in_log, open_report, reporter_class, summarize
from listlint.rules.base import Rule

__all__ = ["merge_reports", "read_report", "Report"]

SARIF_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "note": Severity.INFO,
    "none": Severity.INFO,
}


@dataclass(slots=True)
class Report:
    """What one input contributes."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    fixed: int = 0
    # code -> (name, summary, default level), from a SARIF driver
    rules: dict[str, tuple[str, str, Severity]] = field(default_factory=dict)


def merge_reports(args: argparse.Namespace) -> int:
    reports = [read_report(Path(path)) for path in args.reports]
    merged = sorted(dedupe(d for report in reports for d in report.diagnostics), key=Diagnostic.sort_key)
    paths = sorted({d.path for d in merged})
    files = max([len(paths), *(report.files for report in reports)])
    # Summary.files holds names; shard reports only carry a count, so pad with blanks.
    names = [*paths, *([""] * (files - len(paths)))]
    summary = summarize(names, merged, fixed=sum(report.fixed for report in reports))
    format_name = args.output_format or "text"
    with pipe_closed_quietly(), open_report(args.output_file) as stream:
        # Shard reports are artifacts a fork's PR can shape: never raw into a workflow log.
        guard: AbstractContextManager[None] = (
            nullcontext() if args.output_file else fenced_in_log(stream, format_name)
        )
        with guard:
            emit_merged(stream, format_name, reports, merged, summary, args)
    if format_name == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from listlint.ci.summary import write_job_summary

        write_job_summary(merged, files=files, title="listlint (merged reports)")
    return exit_code(merged, args)


def emit_merged(
    stream: TextIO,
    format_name: str,
    reports: list[Report],
    merged: list[Diagnostic],
    summary: Summary,
    args: argparse.Namespace,
) -> None:
    cls = reporter_class(format_name)
    reporter = cls(
        stream=stream, rules=rules_of(reports, merged), root=Path.cwd(), **reporter_extras(args, cls)
    )
    emit(reporter, merged, summary)


def dedupe(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The first of each finding; JSON and SARIF copies of one finding count as one."""
    seen: dict[tuple[object, ...], Diagnostic] = {}
    for d in diagnostics:
        key = (d.code, d.severity, d.path, d.line, d.column, d.end_line, d.end_column, d.message)
        seen.setdefault(key, d)
    return list(seen.values())


def read_report(path: Path) -> Report:
    """Parse a listlint JSON (version 1) or SARIF 2.1.0 file; ``InputError`` if malformed.

    A shard report is an artifact that a fork's pull request can shape, so
    every input must conform to the JSON schema listlint ships
    (``data/report-v1.schema.json``): a JSON report as it is, a SARIF log as
    the diagnostics read from it.  Codes, names and severities that the
    schema refuses (``|``, HTML, anything but ``LL123``) never reach a report.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such report file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read report ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(f"{path}: not a report (nested too deeply)") from None
    try:
        if isinstance(data, dict) and data.get("version") == 1 and "diagnostics" in data:
            check_against_schema(path, data)
            return from_json(data)
        if isinstance(data, dict) and data.get("version") == "2.1.0" and "runs" in data:
            report = from_sarif(data)
            check_against_schema(path, as_json_report(report), what="its SARIF results do")
            return report
    except ListlintError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise InputError(f"{path}: malformed report ({type(exc).__name__})") from None
    raise InputError(f"{path}: not a listlint JSON report (version 1) or a SARIF 2.1.0 log")


def as_json_report(report: Report) -> dict[str, Any]:
    return {
        "version": 1,
        "summary": summarize([""] * report.files, report.diagnostics, fixed=report.fixed).to_dict(),
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }


def check_against_schema(path: Path, data: object, *, what: str = "the report does") -> None:
    """Refuse ``data`` unless it conforms to the shipped report schema.

    The message names where and which constraint failed, never the offending
    value (it may be built to inject into a log).
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    error = best_match(Draft202012Validator(report_schema()).iter_errors(data))
    if error is None:
        return
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    raise InputError(
        f"{path}: {what} not conform to listlint's report schema "
        f"(at ${where or ''}: fails '{error.validator}'); refusing to merge it"
    )


def report_schema() -> dict[str, Any]:
    from importlib.resources import files

    text = files("listlint").joinpath("data", "report-v1.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def from_json(data: dict[str, Any]) -> Report:
    summary = data.get("summary") or {}
    report = Report(files=int(summary.get("files", 0)), fixed=int(summary.get("fixed", 0)))
    for item in data["diagnostics"]:
        if not isinstance(item, dict):
            raise TypeError("a diagnostic is not an object")
        report.diagnostics.append(checked(Diagnostic.from_dict(item)))
    return report


def from_sarif(data: dict[str, Any]) -> Report:
    report = Report()
    for run in data["runs"]:
        driver = run["tool"]["driver"]
        rules = driver.get("rules") or []
        for rule in rules:
            level = rule.get("defaultConfiguration", {}).get("level", "warning")
            report.rules[rule["id"]] = (
                rule.get("name") or rule["id"],
                rule.get("shortDescription", {}).get("text", ""),
                SARIF_LEVELS[level],
            )
        for result in run.get("results") or []:
            report.diagnostics.append(checked(sarif_diagnostic(result, rules)))
    return report


def sarif_diagnostic(result: dict[str, Any], rules: list[dict[str, Any]]) -> Diagnostic:
    code = result.get("ruleId")
    index = result.get("ruleIndex")
    rule = (
        rules[index]
        if isinstance(index, int) and 0 <= index < len(rules)
        else next((r for r in rules if r.get("id") == code), {})
    )
    code = code or rule["id"]
    name = rule.get("name") or str(code).lower()
    location = result["locations"][0]["physicalLocation"]
    region = location["region"]
    line, column = int(region["startLine"]), int(region.get("startColumn", 1))
    end_line = int(region.get("endLine", line))
    return Diagnostic(
        code=code,
        name=name,
        severity=SARIF_LEVELS[result.get("level") or "warning"],
        message=result["message"]["text"],
        path=location["artifactLocation"]["uri"],
        line=line,
        column=column,
        end_line=end_line,
        end_column=int(region.get("endColumn", column)),
        url=(result.get("properties") or {}).get("url"),
        fix=sarif_fix(result),
        help_url=rule.get("helpUri", ""),
    )


def sarif_fix(result: dict[str, Any]) -> Fix | None:
    fixes = result.get("fixes") or []
    if not fixes:
        return None
    fix = fixes[0]
    edits = tuple(
        Edit(
            start=-1,
            end=-1,
            content=r.get("insertedContent", {}).get("text", ""),
            line=r["deletedRegion"]["startLine"],
            column=r["deletedRegion"]["startColumn"],
            end_line=r["deletedRegion"]["endLine"],
            end_column=r["deletedRegion"]["endColumn"],
        )
        for change in fix["artifactChanges"]
        for r in change["replacements"]
    )
    applicability = (fix.get("properties") or {}).get("applicability", "safe")
    return Fix(
        message=fix.get("description", {}).get("text", ""),
        edits=edits,
        applicability="unsafe" if applicability == "unsafe" else "safe",
    )


def checked(d: Diagnostic) -> Diagnostic:
    if not all(isinstance(value, str) for value in (d.code, d.name, d.message, d.path)):
        raise TypeError("code, name, message and path must be strings")
    if not all(isinstance(value, int) and value >= 1 for value in (d.line, d.column, d.end_line)):
        raise ValueError("lines and columns must be positive integers")
    return d


def rules_of(reports: list[Report], merged: list[Diagnostic]) -> list[Rule]:
    """Rule records for the SARIF driver: the registry's when known, else the inputs'."""
    known: dict[str, Rule] = {}
    try:
        from listlint.rules.registry import find_plugins, load_rules

        known = {rule.code: rule for rule in load_rules(find_plugins())}
    except ListlintError:
        pass  # a broken plugin must not stop a merge; the inputs describe their rules
    described = {code: meta for report in reports for code, meta in report.rules.items()}
    rules = []
    for code in sorted({d.code for d in merged} | set(described)):
        if code in known:
            rules.append(known[code])
            continue
        first = next((d for d in merged if d.code == code), None)
        name, summary, level = described.get(code) or (
            first.name if first else code,
            "",
            first.severity if first else Severity.WARNING,
        )
        rules.append(Rule(code=code, name=name, summary=summary or name, severity=level, check=no_check))
    return rules


def no_check(document: Any, context: Any) -> Iterator[Diagnostic]:
    return iter(())
