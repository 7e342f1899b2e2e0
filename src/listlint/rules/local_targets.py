"""Where a local link points: the file or folder in this repository, and its fragment.

Shared by the local-link rules (LL503 missing-local-file, LL504
broken-file-anchor).  A destination is local when it has no scheme, is not
protocol-relative (``//host``) and is not a bare ``#fragment``.  It is
resolved as GitHub resolves it when it renders the list:

- relative to the list's folder (``docs/guide.md``, ``./images/logo.png``);
- ``/path`` relative to the repository root (the nearest ``.git``, or the
  config file's folder);
- GitHub's ``../blob/REF/x`` and ``../../tree/REF/x`` forms (links written
  against the rendered page's URL) relative to the root, when the plain
  reading names nothing;
- percent-encoding, backslash escapes and entities decoded; a query string
  (``?raw=true``) ignored.

A link that leaves the repository (``../../elsewhere``) is not checked, and
neither is anything in a list that is in no repository and has no config
file (a README copied out of its repository has nothing to resolve against).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from listlint.document.model import Document, Link
from listlint.repo_files import FileTree, find_root, trees_of
from listlint.rules.base import RuleContext

__all__ = ["LocalTarget", "local_targets", "MARKDOWN_SUFFIXES", "LOCAL_KINDS"]

LOCAL_KINDS = ("inline", "reference", "image", "html")
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
GITHUB_VIEW_RE = re.compile(r"^(?:\.\./)+(?:blob|tree|raw)/[^/]+/(.*)$")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


@dataclass(frozen=True, slots=True)
class LocalTarget:
    link: Link
    relative: str  # POSIX, relative to the root
    kind: str | None  # "file", "dir" or None (missing)
    fragment: str | None  # decoded, without '#'; None when the link has none
    tree: FileTree
    top: Path
    shown: str  # the path as the message names it


def local_targets(document: Document, context: RuleContext) -> Iterator[LocalTarget]:
    """Each local link of ``document`` that points inside its repository."""
    links = [link for link in document.links if link.kind in LOCAL_KINDS and is_local(link.url)]
    if not links or document.path in ("-", "") or document.path.startswith("<"):
        return
    folder = Path(os.path.abspath(document.path)).parent
    config = context.settings.config_path
    top = find_root(folder, Path(os.path.abspath(config)).parent if config else None)
    if top is None:
        return
    tree = trees_of(context.services).tree(top)
    for link in links:
        target = resolve(link, folder, top, tree)
        if target is not None:
            yield target


def is_local(url: str) -> bool:
    url = url.strip().strip("<>")
    return bool(url) and not url.startswith(("#", "//", "\\\\")) and not SCHEME_RE.match(url)


def split_url(url: str) -> tuple[str, str | None]:
    """The decoded path and fragment of a destination as written."""
    from markdown_it.common.utils import unescapeAll

    url = unescapeAll(url.strip())
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    fragment = None
    if "#" in url:
        url, fragment = url.split("#", 1)
        fragment = unquote(fragment)
    url = url.split("?", 1)[0]
    return unquote(url), fragment


def resolve(link: Link, folder: Path, top: Path, tree: FileTree) -> LocalTarget | None:
    path, fragment = split_url(link.url)
    if not path:
        return None  # '?query' or '#x' alone: this page
    candidates = []
    if path.startswith("/"):
        candidates.append(os.path.normpath(os.path.join(top, path.lstrip("/"))))
    else:
        candidates.append(os.path.normpath(os.path.join(folder, path)))
        view = GITHUB_VIEW_RE.match(path)
        if view:
            candidates.append(os.path.normpath(os.path.join(top, view.group(1))))
    first: LocalTarget | None = None
    for candidate in candidates:
        relative = inside(candidate, top)
        if relative is None:
            continue  # leaves the repository: not ours to judge
        kind = tree.kind(relative)
        target = LocalTarget(link, relative, kind, fragment, tree, top, path)
        if kind is not None:
            return target
        first = first or target
    return first


def inside(candidate: str, top: Path) -> str | None:
    relative = os.path.relpath(candidate, top)
    if relative == os.curdir:
        return ""
    if relative.startswith(os.pardir + os.sep) or relative == os.pardir or os.path.isabs(relative):
        return None
    return Path(relative).as_posix()
