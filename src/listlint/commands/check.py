"""``listlint check``: the pipeline, then fixes, report and exit code."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, TextIO

from listlint.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, pipe_closed_quietly, wants_color
from listlint.config import Settings, load_settings
from listlint.diagnostics import Diagnostic, Severity
from listlint.discovery import discover_paths
from listlint.errors import UsageError
from listlint.fixes import locked_for_fixing, unified_diff, write_atomically
from listlint.pipeline import RunOptions, RunResult, lint_paths
from listlint.reporters import emit, fenced_in_log, open_report, reporter_class, summarize
from listlint.reporters.base import rule_counts
from listlint.sharding import parse_shard
from listlint.source import STDIN

if TYPE_CHECKING:
    from listlint.changes import ChangedLines, FileChange

FAIL_RANKS = {"error": 0, "warning": 1, "info": 2}


def run_check(args: argparse.Namespace) -> int:
    reporter_class(args.output_format or "text")  # an unknown format fails before any work
    settings = resolve_settings(args)
    args.paths = discover_paths(args.paths, root=settings.root, exclude=settings.get("exclude-files"))
    if not args.paths:
        raise UsageError("no Markdown files to lint: every file found is excluded")
    check_stdin_use(args)
    check_report_path(args)
    options = run_options(args, settings)
    # --fix reads, fixes and writes under a lock, so concurrent runs take turns.
    with locked_for_fixing(args.paths if args.fix and not args.diff else ()):
        result = lint_paths(args.paths, settings, options)
        if args.fix and not args.diff:
            written: set[str] = set()
            for file in result.files:
                if file.source.path == options.stdin_filename and STDIN in args.paths:
                    continue  # written to stdout below
                if file.changed and file.fixed_text is not None:
                    real = os.path.realpath(file.source.path)
                    if real in written:  # the same file named twice (or via a symlink)
                        continue
                    written.add(real)
                    write_atomically(file.source, file.fixed_text)
    if args.diff:
        return show_diff(result)
    with pipe_closed_quietly():
        if fixes_stdin(args):
            # ruff's manners: the fixed text on stdout, the report on stderr.
            file = result.files[0]
            sys.stdout.write(file.fixed_text if file.fixed_text is not None else file.source.text)
        report(args, settings, result)
    if result.failures:  # the findings of the other rules are reported above
        for failure in result.failures:
            sys.stderr.write(f"listlint: error: {' '.join(failure.split())}\n")
        return EXIT_ERROR
    return exit_code(result.diagnostics, args)


def run_options(args: argparse.Namespace, settings: Settings) -> RunOptions:
    """The pipeline's options from the command line (also the Action's)."""
    changes = changes_of(args)
    return RunOptions(
        online=bool(settings.get("online")),
        fix=bool(getattr(args, "fix", False) or getattr(args, "diff", False)),
        unsafe_fixes=bool(getattr(args, "unsafe_fixes", False)),
        changed_lines={path: change.changed for path, change in changes.items()}
        if changes is not None
        else None,
        changes=changes,
        changed_lines_only=bool(getattr(args, "changed_lines_only", False)),
        pull_request=is_pull_request(args),
        stdin_filename=getattr(args, "stdin_filename", None) or STDIN,
    )


def fixes_stdin(args: argparse.Namespace) -> bool:
    return bool(args.fix and not args.diff and STDIN in args.paths)


def check_stdin_use(args: argparse.Namespace) -> None:
    reads_stdin = STDIN in args.paths
    if args.stdin_filename and not reads_stdin:
        raise UsageError("--stdin-filename needs the path - (standard input)")
    if not reads_stdin:
        return
    if args.paths.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read only once")
    if args.fix and not args.diff and len(args.paths) > 1:
        raise UsageError("--fix with standard input (-) takes no other paths: the fixed text goes to stdout")
    if getattr(args, "changed_since", None):
        raise UsageError("--changed-since needs files in git, not standard input")


def check_report_path(args: argparse.Namespace) -> None:
    """Refuse a report file that is one of the input lists (it would overwrite it)."""
    from listlint.source import names_same_file

    output = getattr(args, "output_file", None)
    if output is None:
        return
    for path in args.paths:
        if names_same_file(output, path):
            raise UsageError(f"--output-file {output}: is the input list {path}; refusing to overwrite it")


def changed_lines_of(args: argparse.Namespace) -> ChangedLines | None:
    changes = changes_of(args)
    return {path: change.changed for path, change in changes.items()} if changes is not None else None


def changes_of(args: argparse.Namespace) -> dict[str, FileChange] | None:
    ref = getattr(args, "changed_since", None)
    if getattr(args, "changed_lines_only", False) and not ref:
        raise UsageError("--changed-lines-only needs --changed-since REF")
    if not ref:
        return None
    from listlint.changes import file_changes

    return file_changes(args.paths, ref)


def is_pull_request(args: argparse.Namespace) -> bool:
    """PR mode: ``--changed-since``, or the Action on a pull_request event."""
    return bool(getattr(args, "changed_since", None) or getattr(args, "pull_request", False))


def resolve_settings(args: argparse.Namespace) -> Settings:
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes needs --fix or --diff")
    settings = load_settings(args.config)
    overrides = {
        "select": args.select,
        "extend_select": args.extend_select,
        "ignore": args.ignore,
        "online": args.online,
        "shard": args.shard,
    }
    overrides.update(network_overrides(args))
    overrides.update(network_list_overrides(args, settings))
    if args.shard:
        try:
            parse_shard(args.shard)
        except ValueError as exc:
            raise UsageError(f"--shard: {exc}") from None
    settings = settings.with_flags(**overrides)
    if args.suggest and not settings.get("online"):
        raise UsageError("--suggest needs --online (it asks about the links the crawl found dead)")
    return settings


def network_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Settings from the network flags (``listlint.net.options``), checked like config values."""
    from pathlib import Path

    from listlint.config import OPTIONS

    values: dict[str, object] = {
        "timeout": getattr(args, "timeout", None),
        "max_concurrency": getattr(args, "max_concurrency", None),
        "allow_private_hosts": getattr(args, "allow_private_hosts", None),
        "user_agent": getattr(args, "user_agent", None),
        "suggest": getattr(args, "suggest", None),
        "cache": False if getattr(args, "no_cache", False) else None,
        "cache_dir": str(Path(args.cache_dir).resolve()) if getattr(args, "cache_dir", None) else None,
    }
    for key, value in values.items():
        if value is None:
            continue
        flag = "--" + key.replace("_", "-")
        try:
            values[key] = OPTIONS[key.replace("_", "-")].clean(value)
        except ValueError as exc:
            raise UsageError(f"{flag}: {exc}") from None
    return values


def network_list_overrides(args: argparse.Namespace, settings: Settings) -> dict[str, object]:
    """``--exclude/--include/--accept/--remap``: repeatable, appended to the config's lists."""
    from listlint.config import OPTIONS

    values: dict[str, object] = {}
    for key in ("exclude", "include", "accept", "remap"):
        given = getattr(args, key, None)
        if not given:
            continue
        try:
            OPTIONS[key].clean(list(given))
        except ValueError as exc:
            raise UsageError(f"--{key}: {exc}") from None
        values[key] = [*(settings.get(key) or []), *given]
    return values


def show_diff(result: RunResult) -> int:
    changed = [file for file in result.files if file.changed and file.fixed_text is not None]
    from listlint.reporters.github import commands_stopped

    with pipe_closed_quietly(), commands_stopped(sys.stdout):
        for file in changed:
            sys.stdout.write(unified_diff(file.source, file.fixed_text or ""))
    count = sum(len(file.fixed) for file in changed)
    sys.stderr.write(f"Would fix {count} finding{'s' if count != 1 else ''}.\n")
    return EXIT_FINDINGS if changed else EXIT_OK


def report(args: argparse.Namespace, settings: Settings, result: RunResult) -> None:
    diagnostics = result.diagnostics
    summary = summarize(
        [f.source.path for f in result.files], diagnostics, fixed=len(result.fixed), notes=result.notes
    )
    format_name = args.output_format or "text"
    with ExitStack() as stack:
        stream = stack.enter_context(open_report(args.output_file))
        if fixes_stdin(args) and not args.output_file:
            # stdout holds the fixed text.  Workflow commands (github) go out as they are;
            # everything else on stderr passes the log-safe wrapper (reporters.logsafe).
            stream = getattr(sys.stderr, "stream", sys.stderr) if format_name == "github" else sys.stderr
        if not args.output_file:
            stack.enter_context(fenced_in_log(stream, format_name))  # list text in a workflow log
        if args.statistics and format_name in ("text", "concise"):
            write_statistics(stream, diagnostics)
            return
        cls = reporter_class(format_name)
        reporter = cls(
            stream=stream,
            sources={f.source.path: f.document.source for f in result.files},  # the fixed text
            rules=[entry.rule for entry in result.rules],
            root=settings.root if settings.config_path else settings.root,
            color=wants_color(stream) and not args.output_file,
            **reporter_extras(args, cls),
        )
        emit(reporter, diagnostics, summary)
    if format_name == "github":
        from listlint.ci.summary import write_job_summary

        write_job_summary(
            diagnostics,
            files=len(result.files),
            documents=[f.document for f in result.files],
            changed_only=bool(getattr(args, "changed_since", None)),
        )
    if args.statistics:
        write_statistics(sys.stderr, diagnostics)


def reporter_extras(args: argparse.Namespace, cls: object) -> dict[str, object]:
    """What a ``Reporter`` also takes: the severity that fails the run (a plugin's
    reporter that is no ``Reporter`` subclass gets only the usual arguments)."""
    from listlint.reporters import Reporter

    if not (isinstance(cls, type) and issubclass(cls, Reporter)):
        return {}
    return {"fail_on": "never" if args.exit_zero else args.fail_on}


def write_statistics(stream: TextIO, diagnostics: list[Diagnostic]) -> None:
    """Count per rule, most severe first (then most frequent); ``[*]``: --fix fixes some."""
    safe = {(d.code, d.severity) for d in diagnostics if d.fix and d.fix.applicability == "safe"}
    unsafe = {(d.code, d.severity) for d in diagnostics if d.fix and d.fix.applicability == "unsafe"}
    for code, name, severity, count in rule_counts(diagnostics):
        row = (code, severity)
        mark = " [*]" if row in safe else " [*] (unsafe fix)" if row in unsafe else ""
        stream.write(f"{count:6d}  {code:<7} {name} [{severity.value}]{mark}\n")
    stream.write(f"{len(diagnostics):6d}  total\n")


def exit_code(diagnostics: list[Diagnostic], args: argparse.Namespace) -> int:
    if args.exit_zero or args.fail_on == "never":
        return EXIT_OK
    if is_pull_request(args):
        from listlint.pipeline import is_outage

        diagnostics = [d for d in diagnostics if not is_outage(d)]  # the network never fails a PR
    limit = FAIL_RANKS[args.fail_on]
    failing = any(Severity(d.severity).rank <= limit for d in diagnostics)
    return EXIT_FINDINGS if failing else EXIT_OK


__all__ = ["run_check", "EXIT_ERROR"]
