"""Which files ``listlint check PATH...`` lints: ruff's manners for paths.

- A file named on the command line is linted, whatever its name.
- A directory is searched for Markdown files (``*.md``, ``*.markdown``),
  skipping what git ignores (``git ls-files`` in a work tree, else the
  ``.gitignore`` files read with ``pathspec``), the usual tool folders
  (``.git``, ``node_modules``, ...) and the ``exclude-files`` setting.
- A glob (``docs/**/*.md``) is expanded, with the same skipping.
- The same file named several ways (``list.md ./list.md``) is linted once.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from listlint.errors import UsageError
from listlint.options import Option

__all__ = ["DISCOVERY_OPTIONS", "discover_paths", "MARKDOWN_SUFFIXES"]

MARKDOWN_SUFFIXES = (".md", ".markdown")
# Folders no list lives in (ruff's default excludes, trimmed to what a list repository has).
SKIPPED_FOLDERS = frozenset(
    {".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", "node_modules", "__pypackages__"}
    | {".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages", "_build", "buck-out"}
)
GLOB_MAGIC = frozenset("*?[")


def check_file_patterns(value: list[str]) -> list[str]:
    """Compile the patterns once, so a bad one is a config error naming it."""
    if value:
        compile_spec(value)
    return value


DISCOVERY_OPTIONS: tuple[Option, ...] = (
    Option(
        "exclude-files",
        [],
        "Gitignore-style patterns (relative to the config file's folder): files "
        "and folders that a directory or glob on the command line does not lint.",
        validate=check_file_patterns,
    ),
)


def compile_spec(patterns: Sequence[str]) -> Any:
    import pathspec  # only when a folder is searched or exclude-files is set

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except (ValueError, TypeError, re.error) as exc:
        raise ValueError(f"invalid pattern: {exc}") from None


def discover_paths(paths: Sequence[str], *, root: Path, exclude: Sequence[str] = ()) -> list[str]:
    """The files to lint for ``paths``, in the order given, each once."""
    excluded = compile_spec(exclude) if exclude else None
    found: list[str] = []
    for path in paths:
        if path == "-":
            found.append(path)
        elif os.path.isdir(path):
            files = sorted(markdown_files(path))
            if not files:
                raise UsageError(f"{path}: a folder with no Markdown files (*.md) to lint")
            found += [f for f in files if not is_excluded(f, root, excluded)]
        elif not os.path.lexists(path) and GLOB_MAGIC & set(path):
            found += expand_glob(path, root, excluded)
        else:
            found.append(path)  # named explicitly: linted (or its absence reported)
    return unique_files(found)


def expand_glob(pattern: str, root: Path, excluded: Any) -> list[str]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        raise UsageError(f"{pattern}: no file matches this pattern")
    files: list[str] = []
    plain = [
        match
        for match in matches
        if not os.path.isdir(match) and not SKIPPED_FOLDERS.intersection(Path(match).parts[:-1])
    ]
    ignored = ignored_by_git(plain) if plain else set()
    for match in matches:
        if os.path.isdir(match):
            files += sorted(markdown_files(match))
        elif match in plain and match not in ignored:
            files.append(match)
    return [f for f in files if not is_excluded(f, root, excluded)]


def unique_files(paths: Iterable[str]) -> list[str]:
    """``paths`` without repeats of one file (``list.md``, ``./list.md``, a symlink to it)."""
    seen: set[str] = set()
    kept: list[str] = []
    for path in paths:
        key = os.path.realpath(path)
        if path == "-" or key not in seen:  # a second "-" is refused by the caller
            seen.add(key)
            kept.append(path)
    return kept


def is_excluded(path: str, root: Path, excluded: Any) -> bool:
    if excluded is None:
        return False
    absolute = Path(os.path.abspath(path))
    for base in (root, Path.cwd()):
        try:
            relative = absolute.relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            continue
        return bool(excluded.match_file(relative))
    return bool(excluded.match_file(Path(path).as_posix()))


def is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def markdown_files(folder: str) -> Iterator[str]:
    """Markdown files under ``folder`` that git would not ignore."""
    listed = git_listed_files(folder)
    if listed is not None:
        for relative in listed:
            parts = relative.split("/")
            if is_markdown(parts[-1]) and not SKIPPED_FOLDERS.intersection(parts[:-1]):
                path = os.path.normpath(os.path.join(folder, relative))
                if os.path.isfile(path):  # listed but deleted in the work tree: nothing to lint
                    yield path
        return
    yield from walk_with_gitignore(folder)


def git_listed_files(folder: str) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under ``folder``; None outside a git work tree."""
    try:
        completed = subprocess.run(
            ["git", "-C", folder, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    names = completed.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def ignored_by_git(paths: Sequence[str]) -> set[str]:
    """Which of ``paths`` (files a glob matched) git ignores; empty outside a work tree."""
    try:
        completed = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"],
            input="\0".join(paths).encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        completed = None
    if completed is None or completed.returncode not in (0, 1):  # not a work tree
        return {path for path in paths if ignored_by_gitignore_files(path)}
    return {name for name in completed.stdout.decode("utf-8", "surrogateescape").split("\0") if name}


def ignored_by_gitignore_files(path: str) -> bool:
    """Outside a git work tree: whether a ``.gitignore`` from here down to ``path`` ignores it."""
    here = Path.cwd()
    target = Path(os.path.abspath(path))
    try:
        parts = target.relative_to(here).parts
    except ValueError:
        return False
    specs: list[tuple[str, Any]] = []
    for depth in range(len(parts)):
        folder = here.joinpath(*parts[:depth])
        ignore_file = folder / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                specs.append((str(folder), compile_spec(lines)))
            except (OSError, ValueError):
                continue
        if depth and gitignored(str(folder), specs, folder=True):
            return True
    return gitignored(str(target), specs, folder=False)


def walk_with_gitignore(folder: str) -> Iterator[str]:
    """Outside a git work tree: walk ``folder``, obeying each ``.gitignore`` in it."""
    specs: list[tuple[str, Any]] = []
    for current, dirs, files in os.walk(folder):
        ignore_file = os.path.join(current, ".gitignore")
        if os.path.isfile(ignore_file):
            try:
                lines = Path(ignore_file).read_text(encoding="utf-8", errors="replace").splitlines()
                specs.append((current, compile_spec(lines)))
            except (OSError, ValueError):
                pass  # an unreadable .gitignore hides nothing
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_FOLDERS and not gitignored(os.path.join(current, d), specs, folder=True)
        )
        for name in sorted(files):
            path = os.path.normpath(os.path.join(current, name))
            if is_markdown(name) and not gitignored(path, specs, folder=False):
                yield path


def gitignored(path: str, specs: Sequence[tuple[str, Any]], *, folder: bool) -> bool:
    for base, spec in specs:
        relative = os.path.relpath(path, base)
        if relative.startswith(".."):
            continue
        if spec.match_file(relative.replace(os.sep, "/") + ("/" if folder else "")):
            return True
    return False
