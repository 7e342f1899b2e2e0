"""Pull-request mode: what changed in each file since a git ref.

``listlint check --changed-since REF`` still lints whole files (a new entry is
compared with the old ones), lints the base version of each file too
(offline rules only), and reports the findings the change *introduces*
(:func:`introduced`): those on changed lines, and those on unchanged lines
that the base version did not have (a renamed heading breaks the table of
contents' untouched link to it).  ``--changed-lines-only`` keeps the older,
narrower mode: findings on changed lines only.  Network rules skip links on
unchanged lines in both modes.

What "changed" means: the lines of the working tree (committed, staged,
unstaged) that differ from the merge base of ``REF`` and ``HEAD``, as
``git diff -U0 $(git merge-base REF HEAD) -- PATH`` prints them.  That is what
the pull request introduces, even when the base branch moved on.  In a shallow
clone the merge base is often unknowable; then ``REF`` itself is compared with
the working tree, which is exact for the merge commit ``actions/checkout``
makes for a pull request.  An untracked file, or a file that did not exist at
the base, changed in every line.  Pure deletions mark no line.  Renames are
not followed: a moved file counts as new.

``--changed-since HEAD`` in a repository without commits yet (pre-commit's
first commit) treats every line as new.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from listlint.errors import UsageError

if TYPE_CHECKING:
    from listlint.diagnostics import Diagnostic

__all__ = [
    "ChangedLines",
    "FileChange",
    "Hunk",
    "changed_lines",
    "file_changes",
    "introduced",
    "normalized_message",
    "parse_hunks",
    "read_hunks",
    "resolve_base",
    "fetch_advice",
]

HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)

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

    commit: str | None  # None: HEAD of a repository without commits (nothing to compare with)
    exact: bool  # False: no merge base in a shallow clone; compared with REF itself


@dataclass(frozen=True, slots=True)
class Hunk:
    """One ``-U0`` hunk: ``old_count`` base lines at ``old_start`` became ``new_count`` lines."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int

    def before_new(self, line: int) -> bool:
        """Whether the whole hunk lies above the working-tree ``line``."""
        if self.new_count:
            return self.new_start + self.new_count - 1 < line
        return self.new_start < line  # a pure deletion sits after new_start


@dataclass(frozen=True, slots=True)
class FileChange:
    """What changed in one file since the base commit."""

    path: str  # as given on the command line
    relative: str  # relative to the repository's top, POSIX separators
    top: Path
    commit: str | None  # the base commit (None: nothing to compare with)
    changed: frozenset[int]  # working-tree lines added or changed
    base_text: str | None  # the file at the base commit (None: it did not exist)
    hunks: tuple[Hunk, ...] = ()

    def base_line(self, line: int) -> int | None:
        """The base line that the unchanged working-tree ``line`` was (None if changed)."""
        if line in self.changed or self.base_text is None:
            return None
        shift = sum(h.new_count - h.old_count for h in self.hunks if h.before_new(line))
        return line - shift


def changed_lines(paths: Sequence[str], ref: str, *, cwd: str | Path | None = None) -> ChangedLines:
    """Per path as given, the 1-based lines changed since ``ref``.

    Raises ``UsageError`` (one line, exit 2) when git is missing, a path is
    outside the repository, or ``ref`` is not in this clone.
    """
    return {path: change.changed for path, change in file_changes(paths, ref, cwd=cwd).items()}


def file_changes(paths: Sequence[str], ref: str, *, cwd: str | Path | None = None) -> dict[str, FileChange]:
    """Per path as given, what changed since ``ref`` (lines, hunks, the base text)."""
    here = Path(cwd) if cwd is not None else Path.cwd()
    top = repository_root(here)
    base = resolve_base(ref, top)
    return {path: change_of(path, here, top, base.commit) for path in paths}


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
        if ref == "HEAD" and not has_commits(top):
            return Base(None, exact=True)  # the first commit: every line is new
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


def has_commits(top: Path) -> bool:
    try:
        git(["rev-parse", "--verify", "--quiet", "HEAD"], top)
    except GitFailed:
        return False
    return True


def missing_ref_message(ref: str, top: Path) -> str:
    shallow = is_shallow(top)
    command, use = fetch_advice(ref, remotes(top), shallow=shallow)
    then = f", then use --changed-since {use}" if use != ref else ""
    if shallow:
        return (
            f"--changed-since: {ref} is not in this shallow clone; fetch it first "
            f"(`{command}`{then}) or check out with `fetch-depth: 0` (actions/checkout)"
        )
    return f"--changed-since: unknown git revision {ref!r} (fetch it first: `{command}`{then})"


SHA_RE = re.compile(r"[0-9a-fA-F]{7,64}")


def fetch_advice(ref: str, remote_names: Sequence[str], *, shallow: bool) -> tuple[str, str]:
    """A ``git fetch`` command after which a revision resolves, and that revision.

    A branch name (``main``) is fetched into its remote-tracking ref, which is
    then the revision to use (``origin/main``): fetching ``main`` alone leaves
    it in ``FETCH_HEAD``.  A remote-tracking name (``origin/main``,
    ``refs/remotes/origin/main``) is fetched from that remote into itself.  A
    commit SHA is fetched by its full hash (servers refuse abbreviations).
    """
    depth = "--depth=1 " if shallow else ""
    remote = "origin" if "origin" in remote_names or not remote_names else remote_names[0]
    if SHA_RE.fullmatch(ref):
        if len(ref) < 40:
            return f"git fetch {depth}{remote} <the full 40-character SHA of {ref}>", ref
        return f"git fetch {depth}{remote} {ref}", ref
    name = ref.removeprefix("refs/remotes/")
    for candidate in sorted(remote_names, key=len, reverse=True):
        if name.startswith(candidate + "/") and len(name) > len(candidate) + 1:
            branch = name[len(candidate) + 1 :]
            return f"git fetch {depth}{candidate} {branch}:refs/remotes/{candidate}/{branch}", name
    branch = ref.removeprefix("refs/heads/")
    return f"git fetch {depth}{remote} {branch}:refs/remotes/{remote}/{branch}", f"{remote}/{branch}"


def remotes(top: Path) -> list[str]:
    try:
        return git(["remote"], top).split()
    except GitFailed:
        return []


def is_shallow(top: Path) -> bool:
    try:
        return git(["rev-parse", "--is-shallow-repository"], top).strip() == "true"
    except GitFailed:
        return False


def change_of(path: str, cwd: Path, top: Path, base: str | None) -> FileChange:
    relative = git_path(path, cwd, top)
    base_text = read_at(base, relative, top) if base is not None else None
    if base is None or base_text is None or not git(["ls-files", "--", relative], top).strip():
        # New at the base, or untracked: all of it is new.
        return FileChange(path, relative, top, base, every_line(cwd / path), None)
    hunks = read_hunks(git([*DIFF_FLAGS, base, "--", relative], top))
    return FileChange(path, relative, top, base, new_lines(hunks), base_text, hunks)


def read_at(commit: str, relative: str, top: Path) -> str | None:
    """The text of ``relative`` at ``commit``, or None when it is not a file there."""
    try:
        data = git_bytes(["cat-file", "blob", f"{commit}:{relative}"], top)
    except GitFailed:
        return None
    from listlint.errors import InputError
    from listlint.source import decode_source

    try:
        return decode_source(data, relative).text
    except InputError:
        return None


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
    return new_lines(read_hunks(diff))


def read_hunks(diff: str) -> tuple[Hunk, ...]:
    """The hunk headers of a ``-U0`` diff."""

    def count(text: str | None) -> int:
        return int(text) if text is not None else 1

    return tuple(
        Hunk(int(m.group(1)), count(m.group(2)), int(m.group(3)), count(m.group(4)))
        for m in HUNK_RE.finditer(diff)
    )


def new_lines(hunks: Iterable[Hunk]) -> frozenset[int]:
    lines: set[int] = set()
    for hunk in hunks:
        lines.update(range(hunk.new_start, hunk.new_start + hunk.new_count))
    return frozenset(lines)


# -- what a change introduces ------------------------------------------------------

NUMBER_RE = re.compile(r"\d+")


def normalized_message(message: str) -> str:
    """``message`` with its numbers replaced: line numbers shift with every edit
    above them, and counts ("8 of 9 entries here") with every entry added
    elsewhere.  The line a finding is on is unchanged, so the numbers it
    quotes from that line are the same anyway."""
    return NUMBER_RE.sub("N", message)


def introduced(
    head: Iterable[Diagnostic], base: Iterable[Diagnostic], change: FileChange
) -> list[Diagnostic]:
    """The findings of ``head`` that the change introduced, in ``head``'s order.

    A finding touching a changed line is introduced.  One on unchanged lines
    is introduced unless the base version had a finding of the same rule at
    the line it maps to through the diff (the same line content), preferably
    with the same message (numbers normalised); each base finding answers for
    one head finding only.  The second choice, the same rule on the same
    line with another message, keeps an old finding quiet when only text
    elsewhere changed its wording (a section renamed in "also listed under
    'Serving'").  These are the semantics of reviewdog's diff filter widened
    the way ruff's ecosystem check compares two runs.
    """
    if change.base_text is None:
        return list(head)
    by_line: dict[tuple[str, int], list[str]] = {}
    for d in base:
        by_line.setdefault((d.code, d.line), []).append(normalized_message(d.message))
    verdicts: list[bool | None] = []  # True: introduced; None: matched in the second pass, maybe
    pending: list[tuple[int, tuple[str, int]]] = []
    head = list(head)
    for index, d in enumerate(head):
        base_line = change.base_line(d.line)
        if base_line is None or any(line in change.changed for line in range(d.line, d.end_line + 1)):
            verdicts.append(True)
            continue
        key = (d.code, base_line)
        messages = by_line.get(key, [])
        message = normalized_message(d.message)
        if message in messages:
            messages.remove(message)  # it was there before the change
            verdicts.append(False)
            continue
        verdicts.append(None)
        pending.append((index, key))
    for index, key in pending:
        messages = by_line.get(key, [])
        if messages:
            messages.pop(0)  # the same rule on the same line, worded differently now
            verdicts[index] = False
        else:
            verdicts[index] = True
    return [d for d, verdict in zip(head, verdicts, strict=True) if verdict]


class GitFailed(Exception):
    pass


def git(arguments: Sequence[str], cwd: Path) -> str:
    return git_bytes(arguments, cwd).decode("utf-8", "replace")


def git_bytes(arguments: Sequence[str], cwd: Path) -> bytes:
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
    return done.stdout
