"""The repository's files, as local links see them: the working tree or a commit.

Local-link rules (LL503, LL504) resolve ``[Guide](docs/guide.md)`` against a
:class:`FileTree`.  A normal run reads the disk; the base lint of pull-request
mode (``--changed-since``) reads the base commit's tree with git, so that a
file deleted or renamed by the change breaks links in the base lint's eyes
not at all, and in the working tree's eyes visibly: the finding is new, so it
is reported even on an unchanged line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from listlint.changes import FileChange
    from listlint.services import Services

__all__ = ["FileTree", "DiskTree", "GitTree", "Trees", "trees_of", "use_base_tree", "find_root"]

Kind = Literal["file", "dir"]
TREES_KEY = "repo-files.trees"


class FileTree(Protocol):
    """Files under a repository root, named by POSIX paths relative to it."""

    def kind(self, relative: str) -> Kind | None:
        """``"file"``, ``"dir"``, or None when nothing has exactly this name."""

    def read_text(self, relative: str) -> str | None:
        """The decoded text of a file, or None when it cannot be read."""


class DiskTree:
    """The working tree.  Names match case-sensitively, as on GitHub, even on a
    case-insensitive disk."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.listings: dict[str, frozenset[str]] = {}  # this run's view of each folder

    def kind(self, relative: str) -> Kind | None:
        path = self.top / relative
        parts = relative.split("/")
        if not all(self.exact_name(parts[: i + 1]) for i in range(len(parts))):
            return None
        if path.is_dir():
            return "dir"
        if path.exists():
            return "file"
        return None

    def read_text(self, relative: str) -> str | None:
        from listlint.errors import ListlintError
        from listlint.source import read_source

        try:
            return read_source(self.top / relative, max_bytes=8 * 1024 * 1024).text
        except (ListlintError, OSError):
            return None

    def exact_name(self, parts: list[str]) -> bool:
        """Whether the last of ``parts`` is spelled exactly so in its folder."""
        if parts[-1] in ("", ".", ".."):
            return True
        folder = str(self.top.joinpath(*parts[:-1]))
        if folder not in self.listings:
            try:
                self.listings[folder] = frozenset(os.listdir(folder))
            except OSError:
                self.listings[folder] = frozenset()
        return parts[-1] in self.listings[folder]


class GitTree:
    """The tree of one commit, read with ``git ls-tree`` and ``git cat-file``."""

    def __init__(self, top: Path, commit: str) -> None:
        self.top = top
        self.commit = commit
        self._files: frozenset[str] | None = None
        self._dirs: frozenset[str] = frozenset()

    def load(self) -> frozenset[str]:
        if self._files is None:
            from listlint.changes import GitFailed, git_bytes

            try:
                output = git_bytes(["ls-tree", "-r", "-z", "--name-only", self.commit], self.top)
            except GitFailed:
                output = b""
            files = frozenset(name.decode("utf-8", "replace") for name in output.split(b"\0") if name)
            dirs = {"", "."}
            for name in files:
                parts = name.split("/")
                dirs.update("/".join(parts[:i]) for i in range(1, len(parts)))
            self._files, self._dirs = files, frozenset(dirs)
        return self._files

    def kind(self, relative: str) -> Kind | None:
        files = self.load()
        relative = relative.strip("/")
        if relative in files:
            return "file"
        if relative in self._dirs or not relative:
            return "dir"
        return None

    def read_text(self, relative: str) -> str | None:
        from listlint.changes import read_at

        return read_at(self.commit, relative, self.top)


class Trees:
    """The file tree for each repository root (the disk unless told otherwise),
    and the parsed Markdown files that links point into."""

    def __init__(self, overrides: dict[Path, FileTree] | None = None) -> None:
        self.overrides = overrides or {}
        self.made: dict[Path, FileTree] = {}
        self.anchors: dict[tuple[Path, str], object] = {}

    def tree(self, top: Path) -> FileTree:
        key = top.resolve()
        if key not in self.made:
            self.made[key] = self.overrides.get(key) or DiskTree(top)
        return self.made[key]


def trees_of(services: Services) -> Trees:
    return services.get(TREES_KEY, Trees)


def use_base_tree(services: Services, change: FileChange) -> None:
    """Make this run's local links resolve against the base commit of ``change``."""
    if change.commit is None:
        return
    top = Path(change.top).resolve()
    services.get(TREES_KEY, lambda: Trees({top: GitTree(top, change.commit or "")}))


def find_root(folder: Path, config_folder: Path | None) -> Path | None:
    """The repository root for a file in ``folder``: the nearest folder holding
    ``.git`` (a folder, or a worktree's file), else the config file's folder
    when it is above ``folder``; None when neither is known."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    if config_folder is not None and (folder == config_folder or config_folder in folder.parents):
        return config_folder
    return None
