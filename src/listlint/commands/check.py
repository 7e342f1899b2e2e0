"""``listlint check``: the pipeline, then fixes, report and exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from contextlib import ExitStack
from typing import TYPE_CHECKING, TextIO

from listlint.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, wants_color
from listlint.config import Settings, load_settings
from listlint.diagnostics import Diagnostic, Severity
from listlint.errors import UsageError
from listlint.fixes import locked_for_fixing, unified_diff, write_atomically
from listlint.pipeline import RunOptions, RunResult, lint_paths
from listlint.reporters import emit, open_report, reporter_class, summarize
from listlint.sharding import parse_shard
from listlint.source import STDIN

if TYPE_CHECKING:
    from listlint.changes import ChangedLines

FAIL_RANKS = {"error": 0, "warning": 1, "info": 2}


def run_check(args: argparse.Namespace) -> int:
    reporter_class(args.output_format or "text")  # an unknown format fails before any work
    settings = resolve_settings(args)
    check_stdin_use(args)
    check_report_path(args)
    options = RunOptions(
        online=bool(settings.get("online")),
        fix=args.fix or args.diff,
        unsafe_fixes=args.unsafe_fixes,
        changed_lines=changed_lines_of(args),
        stdin_filename=args.stdin_filename or STDIN,
    )
    # --fix reads, fixes and writes under a lock, so concurrent runs take turns.
    with locked_for_fixing(args.paths if args.fix and not args.diff else ()):
        result = lint_paths(args.paths, settings, options)
        if args.fix and not args.diff:
            written: set[str] = set()
            for file in result.files:
                if file.changed and file.fixed_text is not None:
                    real = os.path.realpath(file.source.path)
                    if real in written:  # the same file named twice (or via a symlink)
                        continue
                    written.add(real)
                    write_atomically(file.source, file.fixed_text)
    if args.diff:
        return show_diff(result)
    report(args, settings, result)
    if result.failures:  # the findings of the other rules are reported above
        for failure in result.failures:
            sys.stderr.write(f"listlint: error: {' '.join(failure.split())}\n")
        return EXIT_ERROR
    return exit_code(result.diagnostics, args)


def check_stdin_use(args: argparse.Namespace) -> None:
    reads_stdin = STDIN in args.paths
    if args.stdin_filename and not reads_stdin:
        raise UsageError("--stdin-filename needs the path - (standard input)")
    if not reads_stdin:
        return
    if args.paths.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read only once")
    if args.fix and not args.diff:
        raise UsageError("--fix cannot write back to standard input; use --diff to see the fixes")
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
    ref = getattr(args, "changed_since", None)
    if not ref:
        return None
    from listlint.changes import changed_lines

    return changed_lines(args.paths, ref)


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
    if args.shard:
        try:
            parse_shard(args.shard)
        except ValueError as exc:
            raise UsageError(f"--shard: {exc}") from None
    return settings.with_flags(**overrides)


def network_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Settings from the network flags (``listlint.net.options``), checked like config values."""
    from pathlib import Path

    from listlint.config import OPTIONS

    values: dict[str, object] = {
        "timeout": getattr(args, "timeout", None),
        "max_concurrency": getattr(args, "max_concurrency", None),
        "allow_private_hosts": getattr(args, "allow_private_hosts", None),
        "user_agent": getattr(args, "user_agent", None),
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


def show_diff(result: RunResult) -> int:
    changed = [file for file in result.files if file.changed and file.fixed_text is not None]
    from listlint.reporters.github import commands_stopped

    with commands_stopped(sys.stdout):
        for file in changed:
            sys.stdout.write(unified_diff(file.source, file.fixed_text or ""))
    count = sum(len(file.fixed) for file in changed)
    sys.stderr.write(f"Would fix {count} finding{'s' if count != 1 else ''}.\n")
    return EXIT_FINDINGS if changed else EXIT_OK


def report(args: argparse.Namespace, settings: Settings, result: RunResult) -> None:
    diagnostics = result.diagnostics
    notes = list(result.services.stats.get("notes", []))
    summary = summarize(
        [f.source.path for f in result.files], diagnostics, fixed=len(result.fixed), notes=notes
    )
    format_name = args.output_format or "text"
    with ExitStack() as stack:
        stream = stack.enter_context(open_report(args.output_file))
        if format_name in ("text", "concise", "markdown") and not args.output_file:
            from listlint.reporters.github import commands_stopped

            stack.enter_context(commands_stopped(stream))  # list text in a workflow log
        if args.statistics and format_name in ("text", "concise"):
            write_statistics(stream, diagnostics)
            return
        reporter = reporter_class(format_name)(
            stream=stream,
            sources={f.source.path: f.document.source for f in result.files},  # the fixed text
            rules=[entry.rule for entry in result.rules],
            root=settings.root if settings.config_path else settings.root,
            color=wants_color(stream) and not args.output_file,
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


def write_statistics(stream: TextIO, diagnostics: list[Diagnostic]) -> None:
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fix)
    for (code, name), count in counts.most_common():
        mark = " [*]" if fixable[code] else ""
        stream.write(f"{count:6d}  {code:<7} {name}{mark}\n")
    stream.write(f"{len(diagnostics):6d}  total\n")


def exit_code(diagnostics: list[Diagnostic], args: argparse.Namespace) -> int:
    if args.exit_zero or args.fail_on == "never":
        return EXIT_OK
    limit = FAIL_RANKS[args.fail_on]
    failing = any(Severity(d.severity).rank <= limit for d in diagnostics)
    return EXIT_FINDINGS if failing else EXIT_OK


__all__ = ["run_check", "EXIT_ERROR"]
