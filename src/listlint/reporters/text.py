from __future__ import annotations

from typing import Any

from listlint.diagnostics import Diagnostic
from listlint.reporters.base import CONTROL_PICTURES, Reporter, Summary, found_line, rule_counts

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class TextReporter(Reporter):
    """Location, code, message, then the source line with a caret under the span.

    Coloured with rich on a terminal; plain (and rich is never imported) otherwise.
    """

    def finish(self, summary: Summary) -> None:
        console = self.make_console()
        for d in self.diagnostics:
            self.show(console, d)
        self.show_totals(console, summary)

    def make_console(self) -> Any:
        if not self.color:
            return None
        from rich.console import Console

        return Console(file=self.stream, force_terminal=True, highlight=False, soft_wrap=True)

    def show(self, console: Any, d: Diagnostic) -> None:
        head = f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.name}"
        body = f"  {d.message}"
        if d.fix:
            body += f"\n  fix: {d.fix.message}" + (" (unsafe)" if d.fix.applicability == "unsafe" else "")
        snippet = self.snippet(d)
        if console is None:
            self.write(f"{head}\n{body}\n{snippet}\n")
            return
        from rich.text import Text

        # rich writes to the stream itself: ESC sequences from the list are
        # neutralised here as Reporter.write does for plain output.
        head, body, snippet = (part.translate(CONTROL_PICTURES) for part in (head, body, snippet))
        console.print(Text(head, style=STYLES[d.severity.value]))
        console.print(Text(body))
        console.print(Text(snippet, style="dim"))
        console.print()

    def snippet(self, d: Diagnostic) -> str:
        source = self.sources.get(d.path)
        if source is None:
            return ""
        from listlint.redact import mask_credentials

        line = mask_credentials(source.line_text(d.line).replace("\t", " "))  # no URL password shown
        if len(line) > 200:
            start = max(d.column - 60, 0)
            line = ("…" if start else "") + line[start : start + 160] + "…"
            offset = d.column - start + (1 if start else 0)
        else:
            offset = d.column
        width = (d.end_column - d.column) if d.end_line == d.line else len(line) - offset + 1
        gutter = str(d.line)
        caret = " " * (offset - 1) + "^" * max(1, min(width, 160))
        return f"{gutter} | {line}\n{' ' * len(gutter)} | {caret}\n"

    def show_totals(self, console: Any, summary: Summary) -> None:
        # The per-rule counts come last, most severe first, so that dead links
        # are not lost among a full audit's style notes.
        lines = [
            f"{count:6d}  {code:<7} {name} [{severity.value}]"
            for code, name, severity, count in rule_counts(self.diagnostics)
        ]
        if lines:
            lines.insert(0, "Findings by rule:")
        lines += [found_line(summary), *summary.note_lines]
        if console is None:
            self.write("\n".join(lines) + "\n")
        else:
            from rich.text import Text

            for text in lines:
                console.print(Text(text.translate(CONTROL_PICTURES), style="bold"))
