"""The GitHub Action's entry point: ``python -m listlint.ci.action``.

``action.yml`` passes every input through ``env:`` (``INPUT_PATHS``,
``INPUT_ONLINE``, ...) and runs this module; no input is ever spliced into a
shell command.  Paths and patterns are expanded here with :mod:`glob` and
handed to the linter after ``--``, so a file name from a pull request is only
ever a file name.

Pull-request mode: on ``pull_request`` (and ``pull_request_target``,
``merge_group``) events, ``changed-only: auto`` reports what the PR
introduces (``--changed-since``), comparing with the PR's base commit from
``$GITHUB_EVENT_PATH``; an unreachable network or API is then one warning,
never a failure.  The ``changed-since`` output is the commit compared with
(empty for a whole-file audit).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from listlint.errors import ListlintError, UsageError

__all__ = ["main", "Inputs", "read_inputs", "base_commit", "expand_paths", "build_argv", "write_outputs"]

TRUE, FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")
PR_EVENTS = ("pull_request", "pull_request_target")
NULL_SHA = "0" * 40


@dataclass(frozen=True, slots=True)
class Inputs:
    paths: tuple[str, ...]
    online: bool
    changed_only: str  # "auto", "true" or "false"
    config: str
    fail_on: str
    sarif: str  # "false", "true" or a file path
    cache_dir: str


def read_inputs(env: Mapping[str, str]) -> Inputs:
    def value(name: str, default: str = "") -> str:
        return (env.get(f"INPUT_{name}") or default).strip()

    fail_on = value("FAIL_ON", "error")
    if fail_on not in ("error", "warning", "info", "never"):
        raise UsageError(f"input fail-on: expected error, warning, info or never, not {fail_on!r}")
    changed = value("CHANGED_ONLY", "auto")
    if changed != "auto":
        changed = "true" if boolean("changed-only", changed) else "false"
    return Inputs(
        paths=split_paths(value("PATHS", "README.md")),
        online=boolean("online", value("ONLINE", "true")),
        changed_only=changed,
        config=value("CONFIG"),
        fail_on=fail_on,
        sarif=value("SARIF", "false"),
        cache_dir=value("CACHE_DIR"),
    )


def boolean(name: str, text: str) -> bool:
    """YAML 1.2 core booleans, as ``core.getBooleanInput`` accepts them."""
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise UsageError(f"input {name}: expected true or false, not {text!r}")


def split_paths(text: str) -> tuple[str, ...]:
    """One path or pattern per line; on a single line, separated by whitespace."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = lines[0].split()
    return tuple(lines)


def expand_paths(patterns: Sequence[str], root: Path) -> list[str]:
    """Glob patterns (``**`` included) relative to ``root``; plain paths stay as given."""
    found: list[str] = []
    for pattern in patterns:
        if not glob.has_magic(pattern):
            found.append(pattern)
            continue
        matches = sorted(glob.glob(pattern, root_dir=root, recursive=True))
        matches = [m for m in matches if (root / m).is_file()]
        if not matches:
            raise UsageError(f"input paths: {pattern!r} matches no file")
        found.extend(matches)
    return list(dict.fromkeys(found))


def base_commit(env: Mapping[str, str], changed_only: str) -> str | None:
    """The commit to compare with, or None to check whole files."""
    if changed_only == "false":
        return None
    event_name = env.get("GITHUB_EVENT_NAME", "")
    event = read_event(env)
    base = None
    if event_name in PR_EVENTS:
        base = (event.get("pull_request") or {}).get("base", {}).get("sha")
    elif event_name == "merge_group":
        base = (event.get("merge_group") or {}).get("base_sha")
    elif event_name == "push" and changed_only == "true":
        before = event.get("before")
        base = before if before and before != NULL_SHA else None
    if changed_only == "auto":
        return base if event_name in (*PR_EVENTS, "merge_group") else None
    if not base:
        raise UsageError(
            f"input changed-only: no base commit to compare with for a {event_name or 'non-GitHub'} event"
        )
    return str(base)


def read_event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload {path}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def fetch_base(base: str, cwd: Path) -> None:
    """In a shallow clone (actions/checkout's default), fetch the PR's base commit.

    Only a full hexadecimal SHA from the event payload is fetched, from
    ``origin``, with its depth-1 tree; if that fails, ``--changed-since``
    explains how to fix the checkout.
    """
    from listlint.changes import GitFailed, git, is_shallow

    if not re.fullmatch(r"[0-9a-f]{40}", base):
        return
    try:
        git(["cat-file", "-e", f"{base}^{{commit}}"], cwd)
        return  # already here
    except GitFailed:
        pass
    if not is_shallow(cwd):
        return
    sys.stderr.write(f"listlint: fetching the base commit {base} into this shallow clone\n")
    try:
        git(["fetch", "--no-tags", "--quiet", "--depth=1", "origin", base], cwd)
    except GitFailed as exc:
        sys.stderr.write(f"listlint: could not fetch {base}: {' '.join(str(exc).split())}\n")


def sarif_path(inputs: Inputs, env: Mapping[str, str]) -> Path | None:
    if inputs.sarif in FALSE or not inputs.sarif:
        return None
    if inputs.sarif in TRUE:
        return Path(env.get("RUNNER_TEMP") or ".") / "listlint.sarif"
    return Path(inputs.sarif)


def build_argv(inputs: Inputs, paths: Sequence[str], base: str | None) -> list[str]:
    argv = [
        "check",
        "--output-format",
        "github",
        "--fail-on",
        inputs.fail_on,
        "--online" if inputs.online else "--no-online",
    ]
    if inputs.config:
        argv += ["--config", inputs.config]
    if base:
        argv += ["--changed-since", base]
    if inputs.cache_dir and inputs.online and accepts("--cache-dir"):
        argv += ["--cache-dir", inputs.cache_dir]
    return [*argv, "--", *paths]


def accepts(flag: str) -> bool:
    from listlint.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return flag in commands.choices["check"]._option_string_actions


def write_outputs(values: Mapping[str, str], env: Mapping[str, str]) -> None:
    """Append to ``$GITHUB_OUTPUT`` with the multiline-safe ``name<<DELIMITER`` form."""
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as stream:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            if delimiter in name or delimiter in value:
                raise UsageError("output value contains its delimiter")  # cannot happen in practice
            stream.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def run(env: Mapping[str, str]) -> int:
    from listlint.cli import build_parser
    from listlint.commands.check import exit_code, report, resolve_settings, run_options
    from listlint.pipeline import lint_paths

    inputs = read_inputs(env)
    root = Path.cwd()
    paths = expand_paths(inputs.paths, root)
    base = base_commit(env, inputs.changed_only)
    if base:
        fetch_base(base, root)
    args = build_parser().parse_args(build_argv(inputs, paths, base))
    # On a pull request the network never fails the run, even when whole
    # files are checked (changed-only: false).
    args.pull_request = env.get("GITHUB_EVENT_NAME", "") in (*PR_EVENTS, "merge_group")
    settings = resolve_settings(args)
    options = run_options(args, settings)
    result = lint_paths(args.paths, settings, options)
    report(args, settings, result)
    sarif = sarif_path(inputs, env)
    if sarif is not None:
        sarif.parent.mkdir(parents=True, exist_ok=True)
        report(
            argparse.Namespace(
                **{**vars(args), "output_format": "sarif", "output_file": sarif, "statistics": False}
            ),
            settings,
            result,
        )
    counts = Counter(d.severity.value for d in result.diagnostics)
    write_outputs(
        {
            "errors": str(counts["error"]),
            "warnings": str(counts["warning"]),
            "notices": str(counts["info"]),
            "total": str(sum(counts.values())),
            "sarif-file": str(sarif.resolve()) if sarif is not None else "",
            "changed-since": base or "",
        },
        env,
    )
    return int(exit_code(result.diagnostics, args))


def main(env: Mapping[str, str] | None = None) -> int:
    from listlint.reporters.github import workflow_command

    env = os.environ if env is None else env
    try:
        return run(env)
    except ListlintError as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - one annotation, never a traceback
        if env.get("LISTLINT_DEBUG"):
            raise
        message = f"internal error: {type(exc).__name__}: {exc} (set LISTLINT_DEBUG=1 for details)"
    sys.stdout.write(workflow_command("error", [("title", "listlint")], message))
    return 2


if __name__ == "__main__":
    sys.exit(main())
