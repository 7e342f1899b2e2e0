"""Helpers for the CI tests: a port of the runner's workflow-command parser, git repos.

The parser follows actions/runner (``src/Runner.Common/ActionCommand.cs``,
``src/Runner.Worker/ActionCommandManager.cs``): each output line is tried as
``::name k=v,k=v::data`` (after trimming leading whitespace), then in the
legacy form ``##[name k=v;k=v]data`` found anywhere in the line; while
``::stop-commands::TOKEN`` is in force only ``::TOKEN::`` is processed.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REGISTERED = frozenset(
    {
        "error",
        "warning",
        "notice",
        "debug",
        "add-mask",
        "set-output",
        "set-env",
        "add-path",
        "save-state",
        "group",
        "endgroup",
        "echo",
        "add-matcher",
        "remove-matcher",
        "stop-commands",
    }
)
LINES_RE = re.compile(r"\r\n|\r|\n")  # .NET's ReadLine splits on all three


@dataclass
class Command:
    name: str
    properties: dict[str, str] = field(default_factory=dict)
    data: str = ""


def unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for token, replacement in mappings:
        text = text.replace(replacement, token)
    return text


DATA = (("\r", "%0D"), ("\n", "%0A"), ("%", "%25"))
PROPERTY = (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25"))
LEGACY = ((";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D"), ("%", "%25"))


def parse_v2(line: str, registered: set[str]) -> Command | None:
    line = line.lstrip()
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    info = line[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name.lower() not in registered:
        return None
    command = Command(name.lower())
    if space > 0:
        for part in (p for p in info[space + 1 :].strip().split(",") if p):
            pair = [p for p in part.split("=", 1) if p]
            if len(pair) == 2:
                command.properties[pair[0]] = unescape(pair[1], PROPERTY)
    command.data = unescape(line[end + 2 :], DATA)
    return command


def parse_v1(line: str, registered: set[str]) -> Command | None:
    start = line.find("##[")
    if start < 0:
        return None
    close = line.find("]", start)
    if close < 0:
        return None
    info = line[start + 3 : close]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name.lower() not in registered:
        return None
    command = Command(name.lower())
    if space > 0:
        for part in (p for p in info[space + 1 :].split(";") if p):
            pair = [p for p in part.split("=", 1) if p]
            if len(pair) == 2:
                command.properties[pair[0]] = unescape(pair[1], LEGACY)
    command.data = unescape(line[close + 1 :], LEGACY)
    return command


def runner_commands(output: str) -> list[Command]:
    """The workflow commands a runner would process in ``output``."""
    registered = set(REGISTERED)
    stop_token: str | None = None
    processed = []
    for line in LINES_RE.split(output):
        command = parse_v2(line, registered) or parse_v1(line, registered)
        if command is None:
            continue
        if stop_token is not None:
            if command.name == stop_token.lower():
                registered.discard(stop_token.lower())
                stop_token = None
                processed.append(command)
            continue
        if command.name == "stop-commands":
            stop_token = command.data
            registered.add(stop_token.lower())
        processed.append(command)
    return processed


def annotations_of(output: str) -> list[Command]:
    return [c for c in runner_commands(output) if c.name in ("error", "warning", "notice")]


# -- git ------------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent-listlint-test-home",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}


def git(cwd: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", *arguments],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_file(repo: Path, name: str, text: str, message: str = "change") -> str:
    file = repo / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    git(repo, "add", "--", name)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")
