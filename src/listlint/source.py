"""Reading a list file: bytes -> text, keeping what is needed to write it back.

A ``Source`` remembers the encoding and BOM so that ``--fix`` can write the
file back byte for byte except for the edits it reports.  Offsets everywhere
in listlint are indexes into ``Source.text`` (code points, BOM excluded);
lines and columns are 1-based, columns counted in code points.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from listlint.errors import InputError

__all__ = [
    "Source",
    "read_source",
    "decode_source",
    "STDIN",
    "unique_paths",
    "names_same_file",
    "check_parse_cost",
]

# The same line breaks markdown-it-py normalises, so its line maps and ours agree.
LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class Source:
    """The decoded text of one file and a line index over it."""

    path: str
    text: str
    encoding: str = "utf-8"
    bom: bytes = b""
    line_starts: list[int] = field(default_factory=list)
    line_ends: list[int] = field(default_factory=list)
    # 1-based lines where the parser could not map inline positions exactly
    # (spans there are approximate: no fix touches them).
    inexact_lines: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.line_starts:
            self.line_starts, self.line_ends = index_lines(self.text)

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line break."""
        if not 1 <= line <= len(self.line_starts):
            return ""
        return self.text[self.line_starts[line - 1] : self.line_ends[line - 1]]

    def line_offset(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        line = min(max(line, 1), len(self.line_starts))
        return self.line_starts[line - 1]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        offset = min(max(offset, 0), len(self.text))
        index = bisect.bisect_right(self.line_starts, offset) - 1
        index = max(index, 0)
        # An offset inside a CRLF pair belongs to the end of that line.
        column = min(offset, self.line_ends[index]) - self.line_starts[index] + 1
        return index + 1, column

    def encode(self, text: str) -> bytes:
        """Encode ``text`` the way this file was encoded, BOM included."""
        return self.bom + text.encode(self.encoding)


def index_lines(text: str) -> tuple[list[int], list[int]]:
    starts = [0]
    ends: list[int] = []
    for match in LINE_BREAK_RE.finditer(text):
        ends.append(match.start())
        starts.append(match.end())
    ends.append(len(text))
    return starts, ends


def decode_source(data: bytes, path: str) -> Source:
    """Decode ``data``; raise ``InputError`` for binary or undecodable input."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                decoded = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: not valid {encoding} despite its BOM ({exc.reason})") from exc
            check_parse_cost(decoded, path)
            return Source(path=path, text=decoded, encoding=encoding, bom=bom)
    text: str | None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if looks_binary(data, valid_utf8=text is not None):
        raise InputError(f"{path}: binary file, not a Markdown list")
    if text is not None:
        check_parse_cost(text, path)
        return Source(path=path, text=text)
    # Not UTF-8: Latin-1 decodes any byte and encodes back to the same bytes,
    # so a fix can never lose data.  cp1252 lists are read (almost) right too.
    latin = data.decode("latin-1")
    check_parse_cost(latin, path)
    return Source(path=path, text=latin, encoding="latin-1")


def looks_binary(data: bytes, *, valid_utf8: bool) -> bool:
    """Heuristic in the spirit of git and grep: NUL bytes or mostly control bytes.

    A few stray NUL bytes in otherwise valid UTF-8 are text (markdown-it
    replaces them); NUL bytes in something that is not UTF-8 are binary.
    """
    head = data[:8192]
    if not head:
        return False
    nuls = head.count(0)
    if nuls > len(head) // 20 or (nuls and not valid_utf8):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(head) // 10


STDIN = "-"


def read_source(path: str | Path, *, max_bytes: int | None = None, stdin_name: str = STDIN) -> Source:
    """Read and decode the file at ``path`` (``-``: standard input, reported as
    ``stdin_name``); every failure is an ``InputError``.

    With ``max_bytes``, a larger file is refused before it is read: parsing
    costs about 50 bytes of memory per byte of Markdown (markdown-it-py
    tokens), so a 50 MB file would need gigabytes.
    """
    name = str(path)
    if name == STDIN:
        return decode_source(read_stdin(max_bytes), stdin_name)
    file = Path(path)
    try:
        if file.is_dir():
            raise InputError(f"{name}: is a directory, not a Markdown file")
        with open_without_waiting(file) as stream:
            head = first_bytes_of(stream, name)
            if max_bytes is None or max_bytes <= 0:
                data = head + stream.read()
            else:
                data = head + read_up_to(stream, max_bytes + 1 - len(head))
                if len(data) > max_bytes:
                    raise_too_large(name, max_bytes)
    except InputError:
        raise
    except FileNotFoundError as exc:
        raise InputError(f"{name}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    return decode_source(data, name)


def open_without_waiting(file: Path) -> BinaryIO:
    """Open ``file`` for reading; a named pipe with no writer does not block the open.

    Only regular files and pipes are read: a device (``/dev/zero``,
    ``/dev/urandom``, a terminal) or a socket is refused.  The stream stays
    non-blocking until :func:`first_bytes_of` has looked for a writer.
    """
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise InputError(f"{file}: not a regular file or a pipe, not a Markdown list")
        return os.fdopen(descriptor, "rb", buffering=0)
    except BaseException:
        os.close(descriptor)
        raise


def first_bytes_of(stream: BinaryIO, name: str) -> bytes:
    """Make ``stream`` blocking; for a pipe, first check that someone writes to it.

    A named pipe that nobody has opened for writing reads as empty at once;
    that is an error, not an empty list.  (``listlint check <(command)`` has a
    writer, and reads then block until the command is done.)
    """
    descriptor = stream.fileno()
    head = b""
    if stat.S_ISFIFO(os.fstat(descriptor).st_mode):
        try:
            head = os.read(descriptor, 65536)
        except BlockingIOError:
            head = None  # type: ignore[assignment]  # a writer, nothing written yet
        if head == b"":
            raise InputError(f"{name}: a named pipe with no writer (nothing to read)")
        head = head or b""
    os.set_blocking(descriptor, True)
    return head


def read_stdin(max_bytes: int | None) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("-: no standard input to read the list from")
    try:
        return read_bounded(stream, max_bytes, "-")
    except OSError as exc:
        raise InputError(f"-: cannot read standard input ({exc.strerror or exc})") from exc


def read_bounded(stream: BinaryIO, max_bytes: int | None, name: str) -> bytes:
    if max_bytes is None or max_bytes <= 0:
        return stream.read()
    # Bounded read: also safe for /dev/zero or a file still growing.
    data = read_up_to(stream, max_bytes + 1)
    if len(data) > max_bytes:
        raise_too_large(name, max_bytes)
    return data


def read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes (fewer only at the end of the stream)."""
    chunks = []
    while size > 0:
        chunk = stream.read(min(size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def raise_too_large(name: str, max_bytes: int) -> None:
    raise InputError(
        f"{name}: larger than max-file-size ({max_bytes:,} bytes); "
        "no Markdown list is that big (raise max-file-size in the config "
        "to lint it anyway)"
    )


# What parsing costs, measured with /usr/bin/time -v on the worst shapes
# (benchmarks/pathological_inputs.py --files): a line that is a list item
# about 3,000 bytes (block tokens, an entry), each inline markup character
# (a delimiter, bracket, tag or escape) about 800 bytes (an inline token),
# plus the interpreter and the libraries.  A file whose estimate exceeds the
# budget is refused before it is parsed, so a run stays under 400 MB.
BYTES_PER_LINE = 3_000
BYTES_PER_MARK = 800
BASE_BYTES = 40_000_000
MEMORY_BUDGET = 400_000_000
MARK_CHARACTERS = "[]<>*_~`!\\&|"


def parse_cost(text: str) -> int:
    """Estimated peak memory (bytes) of parsing and checking ``text``."""
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    marks = sum(text.count(char) for char in MARK_CHARACTERS)
    return BASE_BYTES + BYTES_PER_LINE * lines + BYTES_PER_MARK * marks


# --fix holds the file's model twice (before and after a round of fixes).
FIX_FACTOR = 1.4


def check_parse_cost(source: Source | str, path: str = "", *, factor: float = 1.0) -> None:
    """``InputError`` if parsing the text (times ``factor``) would take more memory than the budget."""
    text = source.text if isinstance(source, Source) else source
    path = source.path if isinstance(source, Source) else path
    if (len(text) * BYTES_PER_MARK + BASE_BYTES) * factor <= MEMORY_BUDGET:
        return  # small enough whatever it holds
    cost = int(parse_cost(text) * factor)
    if cost > MEMORY_BUDGET:
        lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
        raise InputError(
            f"{path}: too much Markdown structure to {'fix' if factor > 1 else 'check'} in "
            f"{MEMORY_BUDGET // 1_000_000} MB "
            f"of memory ({lines:,} line{'s' if lines != 1 else ''}; about {cost // 1_000_000:,} MB "
            "estimated); split the file"
        )


def file_identity(path: str) -> tuple[int, int] | str:
    """What names one file: device and inode, else the resolved path."""
    if path == STDIN:
        return path
    try:
        info = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (info.st_dev, info.st_ino)


def unique_paths(paths: Sequence[str]) -> list[str]:
    """``paths`` without a second name for a file already named (``list.md
    ./list.md``, a symlink, a hard link): each file is linted once."""
    seen: set[tuple[int, int] | str] = set()
    kept = []
    for path in paths:
        identity = file_identity(str(path))
        if identity in seen:
            continue
        seen.add(identity)
        kept.append(path)
    return kept


def names_same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` name one existing file."""
    if str(a) == STDIN or str(b) == STDIN:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
