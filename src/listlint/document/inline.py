"""Source positions for inline markup.

markdown-it-py gives block tokens line maps but inline tokens no columns.
Two small pieces close that gap: position-recording wrappers around the
``link``, ``image`` and ``autolink`` inline rules (they store where each
match started and ended in the inline content), and :class:`InlineMap`, which
maps an offset in an inline token's content back to an offset in the file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline, autolink, emphasis, image, link

from listlint.source import Source

RECORDED_RULES: tuple[tuple[str, Callable[[StateInline, bool], bool]], ...] = (
    ("link", link),
    ("image", image),
    ("autolink", autolink),
)


def record_positions(md: MarkdownIt) -> None:
    """Make every link, image and autolink token carry ``meta["start"/"end"]``,
    and every emphasis delimiter (``em_open``, ``em_close`` once paired) ``meta["start"]``."""
    for name, original in RECORDED_RULES:
        md.inline.ruler.at(name, wrap_rule(original))
    md.inline.ruler.at("emphasis", record_delimiters)


def record_delimiters(state: StateInline, silent: bool) -> bool:
    """The emphasis rule pushes one token per ``*``/``_`` of a run; the pairing
    step later turns the matched ones into em/strong tokens in place."""
    start = state.pos
    # The text before the run is pushed first (as its own token), when there is some.
    first = len(state.tokens) + (1 if state.pending else 0)
    matched = emphasis.tokenize(state, silent)
    if matched and not silent:
        for offset, token in enumerate(state.tokens[first:]):
            token.meta = {**(token.meta or {}), "start": start + offset}
    return matched


def wrap_rule(original: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        first = len(state.tokens)
        matched = original(state, silent)
        if matched and not silent:
            for token in state.tokens[first:]:
                if token.type in ("link_open", "image"):
                    token.meta = {**(token.meta or {}), "start": start, "end": state.pos}
                    break
        return matched

    return rule


class InlineMap:
    """Maps offsets in an inline token's ``content`` to offsets in the file.

    markdown-it-py builds inline content from whole source lines, removing
    indentation, list markers and blockquote markers in front and trailing
    whitespace at the end, and joining the lines with ``\\n``.  Each content
    line is therefore found inside its source line; we remember where.

    Where a content line differs from its source line beyond that (a tab in
    the indentation expanded to spaces, ``\\|`` in a table cell read as ``|``,
    NUL read as U+FFFD), the line is aligned character by character.  A line
    that cannot be aligned exactly is recorded in ``Source.inexact_lines``:
    spans there are approximate, and no fix is applied to them.
    """

    __slots__ = ("bases", "content_starts", "single_base", "columns")

    def __init__(self, content: str, source: Source, first_line: int, *, hint: int = 0) -> None:
        self.bases: list[int] = []
        self.content_starts: list[int] = []
        # Per content line, None (a constant shift) or the source column of each character.
        self.columns: list[list[int] | None] = []
        if "\n" not in content:  # the common case: a one-line entry
            placed = place(source, first_line, content, hint)
            if isinstance(placed, int):
                self.single_base: int | None = source.line_offset(first_line) + placed
                self.bases.append(self.single_base)
                self.content_starts.append(0)
                self.columns.append(None)
                return
        self.single_base = None
        position = 0
        for index, piece in enumerate(content.split("\n")):
            line_number = first_line + index
            placed = place(source, line_number, piece, hint if index == 0 else 0)
            line_start = source.line_offset(line_number)
            if isinstance(placed, int):
                self.bases.append(line_start + placed)
                self.columns.append(None)
            else:
                self.bases.append(line_start)
                self.columns.append(placed)
            self.content_starts.append(position)
            position += len(piece) + 1

    def to_source(self, offset: int) -> int:
        if self.single_base is not None:
            return self.single_base + offset
        index = bisect.bisect_right(self.content_starts, offset) - 1
        index = max(index, 0)
        columns = self.columns[index]
        within = offset - self.content_starts[index]
        if columns is None:
            return self.bases[index] + within
        if within < len(columns):
            return self.bases[index] + columns[within]
        # The end of the line (or the line break after it).
        return self.bases[index] + (columns[-1] + 1 if columns else 0) + within - len(columns)


def place(source: Source, line_number: int, piece: str, hint: int) -> int | list[int]:
    """Where ``piece`` stands in source line ``line_number``: a column, or a column per character."""
    line = source.line_text(line_number)
    column = locate(line, piece, hint)
    if column is not None:
        return column
    aligned = align(line, piece, hint)
    if aligned is not None:
        return aligned
    source.inexact_lines.add(line_number)
    return len(line) - len(line.lstrip())  # approximate: the first non-blank column


def locate(line: str, piece: str, hint: int) -> int | None:
    """Column where ``piece`` stands in ``line`` (searching from ``hint``), or None."""
    if not piece:
        return len(line.rstrip())
    suffix_column = len(line) - len(piece)
    if suffix_column >= hint and line.endswith(piece):
        return suffix_column
    found = line.find(piece, hint)
    if found >= 0:
        return found
    # A tab in the indentation becomes spaces in the content (the part of it
    # the container did not take); the rest of the piece stands as written.
    stripped = piece.lstrip(" ")
    lead = len(piece) - len(stripped)
    if lead and stripped:
        found = line.find(stripped, hint)
        if found >= 0:
            return found - lead
    return None


def align(line: str, piece: str, hint: int) -> list[int] | None:
    """The column of each character of ``piece`` in ``line``, allowing what
    markdown-it changes: spaces from a tab, ``\\|`` read as ``|``, NUL as U+FFFD."""
    stripped = piece.lstrip(" ")
    lead = len(piece) - len(stripped)
    normal = line.replace("\0", "\ufffd")
    pattern = "".join(r"\\?\|" if char == "|" else re.escape(char) for char in stripped)
    match = re.compile(pattern).search(normal, hint)
    if match is None or not stripped:
        return None
    columns = []
    at = match.start()
    for char in stripped:
        if char == "|" and normal[at] == "\\":
            at += 1
        columns.append(at)
        at += 1
    first = columns[0]
    return [first - lead + i for i in range(lead)] + columns


# What can change the bracket depth of a link label: brackets, escapes, code spans.
LABEL_MARK_RE = re.compile(r"[\[\]\\`]")


def match_bracket(src: str, start: int) -> int:
    """Index of the ``]`` closing the ``[`` at ``start``, honouring escapes and code
    spans; -1 if none."""
    depth = 0
    index = start
    search = LABEL_MARK_RE.search
    while (mark := search(src, index)) is not None:
        index = mark.start()
        char = src[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            # Code spans hide brackets.
            run_end = index
            while run_end < len(src) and src[run_end] == "`":
                run_end += 1
            run_length = run_end - index
            closing_at = src.find("`" * run_length, run_end)
            if closing_at >= 0:
                index = closing_at + run_length
                continue
        elif char == "[":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


PLAIN_DESTINATION_RE = re.compile(r"[^\s()\\<]*")


def destination_bounds(src: str, open_paren: int, end: int) -> tuple[int, int]:
    """Start and end of a link destination after ``(`` at ``open_paren``."""
    index = open_paren + 1
    while index < end and src[index] in " \t\n":
        index += 1
    if index < end and src[index] == "<":
        close = src.find(">", index)
        if 0 <= close < end:
            return index + 1, close
    start = index
    plain = PLAIN_DESTINATION_RE.match(src, index, end)
    if plain and (plain.end() == end or src[plain.end()] in " \t\n)"):
        return start, plain.end()  # no parentheses or escapes: the common case
    depth = 0
    while index < end:
        char = src[index]
        if char == "\\":
            index += 2
            continue
        if char in " \t\n":
            break
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        index += 1
    return start, min(index, end)


def plain_text(tokens: list[Any] | None) -> str:
    """The text a reader sees for a list of inline child tokens."""
    if not tokens:
        return ""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "image":
            parts.append(plain_text(token.children))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
