"""The ``listlint`` command.  Every error becomes one line on stderr and exit 2."""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TextIO

from listlint import __version__
from listlint.errors import ListlintError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_NAMES = ("text", "concise", "json", "github", "sarif", "junit", "markdown", "rdjson", "gitlab")


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# Repeatable network flags, added to the config's lists (listlint.net.options).
NETWORK_LIST_FLAGS = (
    ("--exclude", "REGEX", "do not check URLs matching REGEX (repeatable; added to config)"),
    ("--include", "REGEX", "check only URLs matching REGEX (repeatable; added to config)"),
    ("--accept", "STATUS", "status codes or ranges that also count as alive, e.g. 403 or 200-299"),
    ("--remap", "'REGEX REPLACEMENT'", "rewrite matching URLs before checking (repeatable)"),
)


def split_selectors(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="listlint", description="Lint curated Markdown lists.")
    parser.add_argument("--version", action="version", version=f"listlint {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=ArgumentParser)

    check = commands.add_parser("check", help="lint list files (default: README.md)")
    check.add_argument(
        "paths",
        nargs="*",
        default=["README.md"],
        metavar="PATH",
        help="list files (default: README.md); - reads standard input",
    )
    check.add_argument(
        "--stdin-filename", metavar="NAME", help="name to report for the list read from standard input"
    )
    check.add_argument(
        "--config",
        type=Path,
        help="config file (default: nearest .listlint.toml or pyproject.toml with [tool.listlint])",
    )
    check.add_argument("--select", type=split_selectors, help="rules to run (codes, prefixes, names)")
    check.add_argument("--extend-select", type=split_selectors, help="rules to add")
    check.add_argument("--ignore", type=split_selectors, help="rules to leave out")
    check.add_argument(
        "--output-format",
        "--format",
        dest="output_format",
        default=None,
        help=f"one of {', '.join(FORMAT_NAMES)} (default: text)",
    )
    check.add_argument("--output-file", "-o", type=Path, help="write the report here, not stdout")
    check.add_argument(
        "--online",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also run rules that need the network (--no-online: never)",
    )
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, also apply fixes that change meaning",
    )
    check.add_argument("--diff", action="store_true", help="show fixes as a diff; write nothing")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with errors")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument("--shard", metavar="K/N", help="check only the K-th of N parts of the URLs")
    check.add_argument(
        "--changed-since",
        metavar="REF",
        help="report only the findings the changes since git REF introduce (PR mode)",
    )
    check.add_argument(
        "--changed-lines-only",
        action="store_true",
        help="with --changed-since: report only findings on changed lines (not new ones elsewhere)",
    )
    check.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="seconds to wait for a server (default: 10)"
    )
    check.add_argument(
        "--max-concurrency", type=int, metavar="N", help="requests in flight at once (default: 64)"
    )
    check.add_argument(
        "--cache-dir", metavar="DIR", help="network cache folder (default: the user cache directory)"
    )
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument(
        "--allow-private-hosts",
        action="store_true",
        default=None,
        help="also check links to loopback, private and metadata addresses",
    )
    check.add_argument("--user-agent", metavar="TEXT", help="User-Agent header of requests")
    check.add_argument(
        "--suggest",
        action="store_true",
        default=None,
        help="ask the Wayback Machine for a snapshot of each dead link (an unsafe fix)",
    )
    for flag, meta, text in NETWORK_LIST_FLAGS:
        check.add_argument(flag, action="append", metavar=meta, help=text)

    merge = commands.add_parser("merge-reports", help="combine JSON or SARIF reports into one")
    merge.add_argument("reports", nargs="+", metavar="REPORT", help="listlint JSON or SARIF files")
    merge.add_argument(
        "--output-format",
        "--format",
        dest="output_format",
        default=None,
        help=f"one of {', '.join(FORMAT_NAMES)} (default: text)",
    )
    merge.add_argument("--output-file", "-o", type=Path, help="write the report here, not stdout")
    merge.add_argument("--exit-zero", action="store_true", help="exit 0 even with errors")
    merge.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--config", type=Path)
    rules.add_argument(
        "--output-format", "--format", dest="output_format", choices=("text", "json"), default="text"
    )

    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("rule", metavar="CODE_OR_NAME")
    rule.add_argument("--config", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from listlint.reporters.logsafe import stderr_made_safe

    with stderr_made_safe():
        return run_main(argv)


def run_main(argv: Sequence[str] | None) -> int:
    try:
        return dispatch(build_parser().parse_args(argv))
    except ListlintError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        sys.stderr.write("listlint: interrupted\n")
        return 130
    except BrokenPipeError:
        # A reader that stopped early (``listlint rules | head``); commands whose
        # exit code carries findings handle this themselves (see pipe_closed).
        silence_stdout()
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        if os.environ.get("LISTLINT_DEBUG"):
            raise
        return fail(f"internal error: {type(exc).__name__}: {exc} (set LISTLINT_DEBUG=1 for details)")


def console_main() -> int:
    """The ``listlint`` console script and ``python -m listlint``: :func:`main`, then exit fast.

    Interpreter exit runs one last full collection over every object the run
    made (a twentieth of an offline run on a large list).  Frozen, they are
    left to reference counting.  Not done in :func:`main`, which tests and
    embedders call many times in one process.
    """
    code = main()
    gc.freeze()
    return code


def fail(message: str) -> int:
    from listlint.reporters.logsafe import safe_line

    # Messages quote file names, keys and URLs: one line, controls visible, no workflow command.
    sys.stderr.write(f"listlint: error: {safe_line(message)}\n")
    return EXIT_ERROR


def silence_stdout() -> None:
    """Point stdout at /dev/null once its reader is gone.

    Python flushes stdout at exit; with the pipe closed that flush would
    print "Exception ignored ... BrokenPipeError" on stderr.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (embedding, tests): nothing will be flushed at exit


@contextmanager
def pipe_closed_quietly() -> Iterator[None]:
    """Swallow a closed stdout pipe, so that the exit code still reports the findings.

    ``(listlint check list.md; echo $?) | head -1`` must not turn errors into 0.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "check":
        from listlint.commands.check import run_check

        return run_check(args)
    if args.command == "merge-reports":
        from listlint.commands.merge import merge_reports

        return merge_reports(args)
    if args.command == "rules":
        from listlint.commands.rules import list_rules

        return list_rules(args)
    if args.command == "rule":
        from listlint.commands.rules import show_rule

        return show_rule(args)
    build_parser().print_help(sys.stderr)
    return EXIT_ERROR


def wants_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return False
