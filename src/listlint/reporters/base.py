"""The reporter contract: start, handle each diagnostic, finish with a summary.

Each concrete reporter is a few lines; all output goes through ``write``.
"""

from __future__ import annotations

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

__all__ = ["Reporter", "Summary", "summarize"]


# C0 controls except tab and newline, and DEL -> U+2400..U+2421 ("␛" for ESC): one
# character each, so carets under a source line stay aligned.
CONTROL_PICTURES = {code: 0x2400 + code for code in range(32) if code not in (9, 10)} | {127: 0x2421}


@dataclass(frozen=True, slots=True)
class Summary:
    files: tuple[str, ...]
    by_severity: Mapping[str, int]
    by_rule: Mapping[str, int]
    fixed: int = 0
    # The run's notes (sources, the link engine, the cache); ``str(note)`` is its line.
    notes: tuple[SourceNote, ...] = ()

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
    )


@dataclass(slots=True)
class Reporter:
    stream: TextIO
    sources: Mapping[str, Source] = field(default_factory=dict)
    rules: Sequence[Rule] = ()
    root: Path = field(default_factory=Path.cwd)
    color: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def start(self) -> None:
        """Called once before the first diagnostic."""

    def handle(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def finish(self, summary: Summary) -> None:
        """Called once at the end; most reporters write here."""

    def write(self, text: str) -> None:
        # Control characters from the list (ESC sequences, CR, BEL) would act on
        # the reader's terminal or CI log; they are shown as their symbols.
        self.stream.write(text.translate(CONTROL_PICTURES))

    def relative_path(self, path: str) -> str:
        """``path`` relative to the root, with forward slashes (for URIs and CI)."""
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()
