"""Inline suppressions in HTML comments (invisible on GitHub).

``<!-- listlint-disable-next-line LL201 -->``, ``<!-- listlint-disable LL2 -->``
... ``<!-- listlint-enable LL2 -->``, ``<!-- listlint-disable-file -->``,
``<!-- listlint-disable-line -->`` (a comment on the same line).  Without
selectors a comment applies to every rule.  Selectors are codes, prefixes or
names, separated by spaces or commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from listlint.diagnostics import Diagnostic
from listlint.document.model import Document

__all__ = ["Suppressions", "read_suppressions"]

DIRECTIVE_RE = re.compile(
    r"^listlint-(disable-next-line|disable-line|disable-file|disable|enable)\b\s*(.*)$", re.DOTALL
)
ALL = "ALL"


@dataclass(slots=True)
class Suppressions:
    file: set[str] = field(default_factory=set)
    lines: dict[int, set[str]] = field(default_factory=dict)
    # (selector, first line, last line or None while open)
    ranges: list[tuple[str, int, int | None]] = field(default_factory=list)

    def hides(self, diagnostic: Diagnostic) -> bool:
        if covers(self.file, diagnostic):
            return True
        if covers(self.lines.get(diagnostic.line, ()), diagnostic):
            return True
        return any(
            first <= diagnostic.line
            and (last is None or diagnostic.line <= last)
            and covers((selector,), diagnostic)
            for selector, first, last in self.ranges
        )

    def filter(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        return [d for d in diagnostics if not self.hides(d)]


def covers(selectors: Iterable[str], diagnostic: Diagnostic) -> bool:
    return any(
        selector == ALL or selector == diagnostic.name or diagnostic.code.startswith(selector)
        for selector in selectors
    )


def read_suppressions(document: Document) -> Suppressions:
    found = Suppressions()
    for comment in document.comments:
        match = DIRECTIVE_RE.match(comment.text)
        if not match:
            continue
        directive, rest = match.groups()
        selectors = set(re.split(r"[\s,]+", rest.strip())) - {""} or {ALL}
        if directive == "disable-file":
            found.file |= selectors
        elif directive == "disable-next-line":
            found.lines.setdefault(comment.end_line + 1, set()).update(selectors)
        elif directive == "disable-line":
            found.lines.setdefault(comment.line, set()).update(selectors)
        elif directive == "disable":
            found.ranges.extend((selector, comment.line, None) for selector in selectors)
        else:
            close_ranges(found, selectors, comment.line)
    return found


def close_ranges(found: Suppressions, selectors: set[str], line: int) -> None:
    for index, (selector, first, last) in enumerate(found.ranges):
        if last is None and (ALL in selectors or selector in selectors):
            found.ranges[index] = (selector, first, line)
