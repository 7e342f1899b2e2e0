"""Pull-request mode: which lines of each file changed since a git ref.

``listlint check --changed-since REF`` still lints whole files (a new entry is
compared with the old ones), then reports only findings on changed lines and
lets network rules skip links on unchanged lines.

What "changed" means: the lines of the working tree (committed, staged,
unstaged) that differ from the merge base of ``REF`` and ``HEAD``, as
``git diff -U0 $(git merge-base REF HEAD) -- PATH`` prints them.  That is what
the pull request introduces, even when the base branch moved on.  In a shallow
clone the merge base is often unknowable; then ``REF`` itself is compared with
the working tree, which is exact for the merge commit ``actions/checkout``
makes for a pull request.  An untracked file, or a file that did not exist at
the base, changed in every line.  Pure deletions mark no line.  Renames are
not followed: a moved file counts as new.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from listlint.errors import UsageError

__all__ = ["ChangedLines", "changed_lines", "parse_hunks", "resolve_base"]

HUNK_RE = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)

# Plumbing flags so user config (external diff tools, colour, textconv,
# renames, submodules) cannot change what we parse.
DIFF_FLAGS = (
    "diff",
    "-U0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-renames",
    "--text",
    "--ignore-submodules",
)

ChangedLines = Mapping[str, frozenset[int]]


@dataclass(frozen=True, slots=True)
class Base:
    """The commit the working tree is compared with, and how it was found."""

    commit: str
    exact: bool  # False: no merge base in a shallow clone; compared with REF itself


def changed_lines(paths: Sequence[str], ref: str, *, cwd: str | Path | None = None) -> ChangedLines:
    """Per path as given, the 1-based lines changed since ``ref``.

    Raises ``UsageError`` (one line, exit 2) when git is missing, a path is
    outside the repository, or ``ref`` is not in this clone.
    """
    here = Path(cwd) if cwd is not None else Path.cwd()
    top = repository_root(here)
    base = resolve_base(ref, top)
    result: dict[str, frozenset[int]] = {}
    for path in paths:
        result[path] = lines_of(path, here, top, base.commit)
    return result


def repository_root(cwd: Path) -> Path:
    try:
        output = git(["rev-parse", "--show-toplevel"], cwd)
    except GitFailed:
        raise UsageError(f"--changed-since needs a git repository; {cwd} is not in one") from None
    return Path(output.strip())


def resolve_base(ref: str, top: Path) -> Base:
    """The merge base of ``ref`` and HEAD, or ``ref`` itself in a shallow clone."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"--changed-since: {ref!r} is not a git revision")
    try:
        commit = git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top
        ).strip()
    except GitFailed:
        raise UsageError(missing_ref_message(ref, top)) from None
    try:
        merge_base = git(["merge-base", commit, "HEAD"], top).strip()
    except GitFailed:
        # A shallow clone (or unrelated histories, or no HEAD yet): say so, and
        # compare with REF itself, which is exact for a PR's merge commit.
        where = "this shallow clone" if is_shallow(top) else "this repository"
        sys.stderr.write(
            f"listlint: note: no merge base of {ref} and HEAD in {where}; "
            f"comparing the working tree with {ref} itself\n"
        )
        return Base(commit, exact=False)
    return Base(merge_base, exact=True)


def missing_ref_message(ref: str, top: Path) -> str:
    if is_shallow(top):
        return (
            f"--changed-since: {ref} is not in this shallow clone; fetch it first "
            f"(`git fetch --depth=1 origin {ref}`) or check out with `fetch-depth: 0` "
            "(actions/checkout)"
        )
    return f"--changed-since: unknown git revision {ref!r} (fetch it first, e.g. `git fetch origin {ref}`)"


def is_shallow(top: Path) -> bool:
    try:
        return git(["rev-parse", "--is-shallow-repository"], top).strip() == "true"
    except GitFailed:
        return False


def lines_of(path: str, cwd: Path, top: Path, base: str) -> frozenset[int]:
    relative = git_path(path, cwd, top)
    if not git(["ls-files", "--", relative], top).strip():
        return every_line(cwd / path)  # untracked: all of it is new
    return parse_hunks(git([*DIFF_FLAGS, base, "--", relative], top))


def git_path(path: str, cwd: Path, top: Path) -> str:
    """``path`` (relative to ``cwd``, ``./``-prefixed or absolute) relative to the top."""
    absolute = Path(os.path.abspath(cwd / path))
    for candidate, root in ((absolute, top), (absolute.resolve(), top.resolve())):
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    raise UsageError(f"--changed-since: {path} is outside the git repository at {top}")


def every_line(file: Path) -> frozenset[int]:
    try:
        count = file.read_bytes().count(b"\n") + 1
    except OSError:
        return frozenset()  # reading the file reports the real error
    return frozenset(range(1, count + 1))


def parse_hunks(diff: str) -> frozenset[int]:
    """New-side line numbers of the ``+`` lines of a ``-U0`` diff."""
    lines: set[int] = set()
    for match in HUNK_RE.finditer(diff):
        start = int(match.group(1))
        count = int(match.group(2)) if match.group(2) is not None else 1
        lines.update(range(start, start + count))
    return frozenset(lines)


class GitFailed(Exception):
    pass


def git(arguments: Sequence[str], cwd: Path) -> str:
    # Literal pathspecs: a file named '*.md' or ':(glob)x' matches only itself.
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *arguments],
            cwd=cwd,
            env=env,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("--changed-since needs git, and git is not installed") from None
    if done.returncode != 0:
        raise GitFailed(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout.decode("utf-8", "replace")
