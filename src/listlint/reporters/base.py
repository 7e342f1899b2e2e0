"""The reporter contract: start, handle each diagnostic, finish with a summary.

Each concrete reporter is a few lines; all output goes through ``write``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from listlint.diagnostics import Diagnostic, Severity
from listlint.rules.base import Rule
from listlint.source import Source

if TYPE_CHECKING:
    from listlint.gather.sources import SourceNote

__all__ = [
    "Reporter",
    "Summary",
    "summarize",
    "count_words",
    "found_line",
    "rule_counts",
    "CONTROL_PICTURES",
    "show_controls",
    "json_text",
]


# C0 controls except tab and newline, and DEL -> U+2400..U+2421 ("␛" for ESC): one
# character each, so carets under a source line stay aligned.  C1 controls
# (U+0080..U+009F: U+009B is an 8-bit CSI, U+0085 a line break) have no
# pictures of their own; they become U+FFFD, also one character.
CONTROL_PICTURES = (
    {code: 0x2400 + code for code in range(32) if code not in (9, 10)}
    | {127: 0x2421}
    | {code: 0xFFFD for code in range(0x80, 0xA0)}
)
# Other characters that end a line for some readers (LS, PS): shown, never obeyed.
CONTROL_PICTURES |= {0x2028: 0x21B5, 0x2029: 0x21B5}


# Raw in JSON they would reach a terminal or log that shows the report: escaped
# as \u0085 etc. they stay exactly the same strings for any JSON reader.
JSON_CONTROL_RE = re.compile("[\u007f-\u009f\u2028\u2029]")


def json_text(value: object) -> str:
    """``value`` as indented JSON, Unicode kept, controls (C0, DEL, C1, LS/PS) escaped."""
    from listlint.reporters.logsafe import json_commands_escaped

    text = json.dumps(value, indent=2, ensure_ascii=False)
    text = JSON_CONTROL_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return json_commands_escaped(text) + "\n"


def show_controls(text: str) -> str:
    """``text`` with control characters replaced by visible, one-character stand-ins."""
    return text.translate(CONTROL_PICTURES)


FAIL_RANKS = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Summary:
    files: tuple[str, ...]
    by_severity: Mapping[str, int]
    by_rule: Mapping[str, int]
    fixed: int = 0
    # The run's notes (sources, the link engine, the cache); ``str(note)`` is its line.
    notes: tuple[SourceNote, ...] = ()
    # Findings with a safe fix (applied by --fix), and with an unsafe one only.
    fixable: int = 0
    unsafe_fixable: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    @property
    def note_lines(self) -> list[str]:
        return [str(note) for note in self.notes]

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "files": len(self.files),
            "total": self.total,
            "by_severity": dict(self.by_severity),
            "by_rule": dict(self.by_rule),
            "fixed": self.fixed,
        }
        if self.notes:  # optional, so version 1 readers that do not know it are unaffected
            found["notes"] = [note.to_dict() for note in self.notes]
        return found


def summarize(
    files: Iterable[str],
    diagnostics: Sequence[Diagnostic],
    *,
    fixed: int = 0,
    notes: Iterable[SourceNote] = (),
) -> Summary:
    severities = Counter(d.severity.value for d in diagnostics)
    return Summary(
        files=tuple(files),
        by_severity={s.value: severities.get(s.value, 0) for s in Severity},
        by_rule=dict(sorted(Counter(d.code for d in diagnostics).items())),
        fixed=fixed,
        notes=tuple(notes),
        fixable=sum(1 for d in diagnostics if d.fix and d.fix.applicability == "safe"),
        unsafe_fixable=sum(1 for d in diagnostics if d.fix and d.fix.applicability == "unsafe"),
    )


def count_words(by_severity: Mapping[str, int]) -> str:
    """``2 errors, 1 warning, 3 infos`` (most severe first), or ``no problems found``.

    The one wording of counts that every human-readable format uses.
    """
    parts = [
        f"{by_severity.get(s.value, 0)} {s.value}{'s' if by_severity.get(s.value, 0) != 1 else ''}"
        for s in Severity
        if by_severity.get(s.value, 0)
    ]
    return ", ".join(parts) or "no problems found"


def files_words(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def found_line(summary: Summary, *, hints: bool = True) -> str:
    """The last line of a report, in ruff's words.

    ``Checked 2 files. Found 12 errors, 3 warnings. [*] 9 fixable with --fix
    (2 more with --unsafe-fixes)``; after ``--fix`` the counts include what
    was fixed: ``Found 15 problems (9 fixed, 6 remaining).``
    """
    head = f"Checked {files_words(len(summary.files))}"
    if not summary.total and not summary.fixed:
        return f"{head}: no problems found."
    if summary.fixed:
        all_found = summary.total + summary.fixed
        found = f"Found {all_found} problem{'s' if all_found != 1 else ''}"
        line = f"{head}. {found} ({summary.fixed} fixed, {summary.total} remaining)."
        if summary.total:
            line += f" Remaining: {count_words(summary.by_severity)}."
    else:
        line = f"{head}. Found {count_words(summary.by_severity)}."
    if hints:
        line += fix_hint(summary)
    return line


def fix_hint(summary: Summary) -> str:
    if summary.fixable:
        more = f" ({summary.unsafe_fixable} more with --unsafe-fixes)" if summary.unsafe_fixable else ""
        return f" [*] {summary.fixable} fixable with --fix{more}"
    if summary.unsafe_fixable:
        return f" [*] {summary.unsafe_fixable} fixable with --fix --unsafe-fixes"
    return ""


def rule_counts(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, Severity, int]]:
    """(code, name, severity, count) per rule and severity: most severe first, then most frequent.

    A rule that reports at two severities (an error and its companion notes)
    gets a row for each, so no note is counted as an error.
    """
    counts = Counter((d.code, d.severity) for d in diagnostics)
    names: dict[str, str] = {}
    for d in diagnostics:
        names.setdefault(d.code, d.name)
    rows = [(code, names[code], severity, count) for (code, severity), count in counts.items()]
    return sorted(rows, key=lambda row: (row[2].rank, -row[3], row[0]))


def by_severity(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Most severe first; within a severity, by place."""
    return sorted(diagnostics, key=lambda d: (d.severity.rank, d.sort_key()))


@dataclass(slots=True)
class Reporter:
    stream: TextIO
    sources: Mapping[str, Source] = field(default_factory=dict)
    rules: Sequence[Rule] = ()
    root: Path = field(default_factory=Path.cwd)
    color: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The lowest severity that fails the run (--fail-on): error, warning, info or never.
    fail_on: str = "error"

    def fails(self, diagnostic: Diagnostic) -> bool:
        """Whether ``diagnostic`` fails the run under ``--fail-on``."""
        limit = FAIL_RANKS.get(self.fail_on, -1)
        return diagnostic.severity.rank <= limit

    def start(self) -> None:
        """Called once before the first diagnostic."""

    def handle(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def finish(self, summary: Summary) -> None:
        """Called once at the end; most reporters write here."""

    def write(self, text: str) -> None:
        # Control characters from the list (ESC sequences, CR, BEL) would act on
        # the reader's terminal or CI log; they are shown as their symbols.
        self.stream.write(show_controls(text))

    def relative_path(self, path: str) -> str:
        """``path`` relative to the root, with forward slashes (for URIs and CI)."""
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()
