"""Applying fixes: in memory, then written atomically.

A fix is applied whole or not at all; a fix whose edits overlap an already
accepted one waits for the next round (the pipeline re-lints until nothing
changes).  Only the reported bytes change: the rest of the decoded text is
kept as it is, and it is encoded back with the file's own encoding and BOM.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from listlint.diagnostics import Diagnostic, Edit
from listlint.errors import InputError
from listlint.source import Source

__all__ = [
    "apply_fixes",
    "apply_fix_round",
    "FixRound",
    "OffsetMap",
    "write_atomically",
    "unified_diff",
    "locked_for_fixing",
]

# How long a second ``--fix`` waits for the first one on the same folder.
LOCK_TIMEOUT = 600.0


def apply_fixes(
    text: str, diagnostics: Iterable[Diagnostic], *, unsafe: bool = False
) -> tuple[str, list[Diagnostic]]:
    """Apply every applicable, non-overlapping fix; return new text and the fixed."""
    applied = apply_fix_round(text, diagnostics, unsafe=unsafe)
    return applied.text, applied.fixed


@dataclass(frozen=True, slots=True)
class FixRound:
    """One round of fixes: the new text, what was fixed, what was refused
    (an edit whose expected text the file does not hold: a bug of ours), and
    where each old offset went."""

    text: str
    fixed: list[Diagnostic]
    refused: list[Diagnostic]
    moves: OffsetMap


def apply_fix_round(text: str, diagnostics: Iterable[Diagnostic], *, unsafe: bool = False) -> FixRound:
    """Apply every applicable fix that overlaps no fix accepted before it.

    Linear in the number of fixes (they arrive sorted by position, so the
    accepted edits are kept sorted by appending, and an overlap is found by
    bisection).
    """
    starts: list[int] = []  # accepted edits, sorted by (start, end)
    accepted: list[Edit] = []
    fixed: list[Diagnostic] = []
    refused: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=lambda d: d.sort_key()):
        fix = diagnostic.fix
        if fix is None or not fix.edits or (fix.applicability == "unsafe" and not unsafe):
            continue
        if any(edit.start < 0 or edit.end > len(text) or edit.start > edit.end for edit in fix.edits):
            continue
        if any(
            edit.expected is not None and text[edit.start : edit.end] != edit.expected for edit in fix.edits
        ):
            refused.append(diagnostic)
            continue
        if any(overlaps_accepted(edit, starts, accepted) for edit in fix.edits) or edits_overlap(fix.edits):
            continue
        for edit in fix.edits:
            index = bisect.bisect_right(starts, edit.start)
            while index > 0 and starts[index - 1] == edit.start and accepted[index - 1].end > edit.end:
                index -= 1
            starts.insert(index, edit.start)
            accepted.insert(index, edit)
        fixed.append(diagnostic)
    pieces = []
    position = 0
    for edit in accepted:
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return FixRound("".join(pieces), fixed, refused, OffsetMap(accepted))


def holds_expected(text: str, edit: Edit) -> bool:
    return edit.expected is None or text[edit.start : edit.end] == edit.expected


def overlaps_accepted(edit: Edit, starts: list[int], accepted: list[Edit]) -> bool:
    """Whether ``edit`` overlaps an accepted edit (neighbours found by bisection)."""
    index = bisect.bisect_left(starts, edit.start)
    for neighbour in (index - 1, index):
        if 0 <= neighbour < len(accepted) and overlaps(edit, accepted[neighbour]):
            return True
    # Edits starting at the same offset (inserts) sit on both sides of ``index``.
    probe = index
    while probe < len(accepted) and starts[probe] < edit.end:
        if overlaps(edit, accepted[probe]):
            return True
        probe += 1
    return False


def edits_overlap(edits: Sequence[Edit]) -> bool:
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    return any(overlaps(a, b) for a, b in zip(ordered, ordered[1:], strict=False))


def overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


class OffsetMap:
    """Where an offset of the text before a round of edits stands after it."""

    __slots__ = ("ends", "edits", "shifts")

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.edits = list(edits)
        self.ends = [edit.end for edit in self.edits]
        self.shifts = [0]
        for edit in self.edits:
            self.shifts.append(self.shifts[-1] + len(edit.content) - (edit.end - edit.start))

    def move(self, offset: int) -> int:
        """The new offset; one inside a replaced range goes to the range's start."""
        index = bisect.bisect_left(self.ends, offset)
        while index < len(self.edits) and self.edits[index].end <= offset:
            index += 1
        if index < len(self.edits) and self.edits[index].start < offset:
            return self.edits[index].start + self.shifts[index]
        return offset + self.shifts[index]

    def touches(self, start: int, end: int) -> bool:
        """Whether an edit replaced anything in ``[start, end)`` (or inserted inside it)."""
        index = bisect.bisect_left(self.ends, start)
        while index < len(self.edits) and self.edits[index].start <= end:
            edit = self.edits[index]
            if edit.start < end and start < edit.end or start < edit.start < end:
                return True
            index += 1
        return False


def unified_diff(source: Source, new_text: str) -> str:
    old = source.text.splitlines(keepends=True)
    new = new_text.splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{source.path}", f"b/{source.path}"))


def write_atomically(source: Source, new_text: str) -> None:
    """Write ``new_text`` to ``source.path``: temp file, fsync, rename.

    A symlink is followed, so the link stays a link and its target changes.
    The file keeps its permission bits; a read-only file is refused.  The
    rename gives the path a new inode: another hard link to the old file
    keeps the old text (documented in the README).  A crash at any point leaves either
    the old file or the new one, never a mix.
    """
    target = Path(os.path.realpath(source.path))
    data = source.encode(new_text)
    try:
        info = target.stat()
        mode = stat.S_IMODE(info.st_mode)
        refuse_read_only(source.path, target, mode)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".listlint-tmp", dir=target.parent
        )
    except OSError as exc:
        raise InputError(f"{source.path}: cannot write fix ({exc.strerror or exc})") from exc
    try:
        with terminated_as_exit():
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp_name, mode)
            if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.chown(temp_name, info.st_uid, info.st_gid)
            if target.read_bytes() != source.encode(source.text):
                # Someone (an editor, not another listlint: see locked_for_fixing)
                # wrote the file since it was read; replacing it would lose that.
                os.unlink(temp_name)
                raise InputError(
                    f"{source.path}: changed on disk while listlint was fixing it; "
                    "nothing written (run again)"
                )
            os.replace(temp_name, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise InputError(f"{source.path}: cannot write fix ({exc.strerror or exc})") from exc
    except BaseException:  # Ctrl-C or SIGTERM mid-write: the original stays, and no temp file
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    sync_directory(target.parent)


def refuse_read_only(name: str, target: Path, mode: int) -> None:
    """A file without write permission is left alone (the rename would replace it anyway)."""
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise InputError(f"{name}: read-only file; --fix does not change it (nothing written)")


@contextlib.contextmanager
def terminated_as_exit() -> Iterator[None]:
    """While a temp file exists, SIGTERM (a CI job cancelled, ``kill``) unwinds
    like Ctrl-C, so the temp file is removed; the exit code stays 143."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set signal handlers
        return

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def sync_directory(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked_for_fixing(paths: Iterable[str | Path], *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an advisory lock on the folders of ``paths`` while they are read, fixed and written.

    Two ``listlint check --fix`` runs on one file take turns, and the second
    reads the file only after the first has replaced it, so neither loses the
    other's fixes.  The lock is flock(2) on the folder: a folder survives the
    rename that replaces the file, and no lock file is left behind.
    """
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the temp-and-rename write is still atomic
        yield
        return
    paths = list(paths)
    folders = sorted({os.path.dirname(os.path.realpath(path)) for path in paths})
    with contextlib.ExitStack() as stack:
        locked = True
        for folder in folders:
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue  # a missing folder: reading the file reports it
            stack.callback(os.close, fd)
            locked = wait_for_lock(fcntl, fd, folder, timeout) and locked
        if locked:
            remove_stale_temp_files(paths)
        yield


def remove_stale_temp_files(paths: Iterable[str | Path]) -> None:
    """Delete what a killed ``--fix`` left: with the lock held, no writer is using them."""
    for path in paths:
        target = Path(os.path.realpath(path))
        with contextlib.suppress(OSError):
            for stale in target.parent.glob(f".{glob.escape(target.name)}.*.listlint-tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()


def wait_for_lock(fcntl: object, fd: int, folder: str, timeout: float) -> bool:
    """Take the lock (True), or find that this file system has none (False)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise InputError(
                    f"{folder}: another 'listlint check --fix' has held its lock "
                    f"for {timeout:.0f} s; nothing written"
                ) from None
            time.sleep(0.05)
        except OSError:
            return False  # no locks here (some network file systems): fix without one
