"""Markdown reports: the ``markdown`` output format and the GitHub job summary.

One renderer, one set of words (those of the text report), findings sorted
by severity, each linked to its line when a base URL is known (the run's
``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``/``GITHUB_SHA``).  For an audit
(not changed-lines mode) with the parsed documents at hand, a health table
per section follows.  The output fits ``budget`` bytes (GitHub rejects a step
summary over 1 MiB): the findings table is cut, with a note saying how many
rows are missing.

Every field is escaped (``|``, HTML, backticks, link syntax, emphasis) and
``@mentions`` are neutralised: the text comes from a list, a pull request,
or a shard report that a fork's pull request could shape.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from listlint.diagnostics import Diagnostic
from listlint.document.model import Document
from listlint.reporters.base import (
    Reporter,
    Summary,
    files_words,
    found_line,
    rule_counts,
    show_controls,
    summarize,
)

__all__ = [
    "MAX_SUMMARY_BYTES",
    "MarkdownReporter",
    "cell",
    "render_summary",
    "line_link",
    "section_health",
]

MAX_SUMMARY_BYTES = 1024 * 1024
# Left free under the limit for GitHub's own framing and other writers.
MARGIN_BYTES = 16 * 1024
ICONS = {"error": "🔴 error", "warning": "🟡 warning", "info": "🔵 info"}
ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
        "`": "\\`",
        "[": "\\[",
        "]": "\\]",
        "*": "\\*",
        "_": "\\_",
        "~": "\\~",
        "!": "\\!",
    }
)
MENTION_RE = re.compile(r"@(?=[A-Za-z0-9])")


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell: one line, no pipes, HTML, code, links or mentions.

    Every field of every Markdown output goes through here: the list's text,
    and whatever a (possibly hostile) shard report put in a path or a code.
    """
    text = " ".join(show_controls(text).split()).translate(ESCAPES)
    # "@octocat" would notify that user from a PR comment; a zero-width space keeps it plain text.
    return MENTION_RE.sub("@\u200b", text)


def cell_code(code: str) -> str:
    """A rule code inside backticks: no backtick may end the code span early."""
    return cell(code).replace("\\`", "'")


@dataclass(frozen=True, slots=True)
class SectionHealth:
    path: str
    entries: int
    links: int
    findings: int


def section_health(document: Document, diagnostics: Sequence[Diagnostic]) -> list[SectionHealth]:
    """Entries, web links and findings per section, in document order."""
    names = ["(before the first heading)"] + [s.path_text for s in document.sections]
    index = {section.line: i + 1 for i, section in enumerate(document.sections)}
    entries, links, findings = Counter[int](), Counter[int](), Counter[int]()
    for entry in document.entries:
        where = index.get(entry.section.line, 0) if entry.section else 0
        entries[where] += 1
        links[where] += sum(1 for link in entry.links if link.is_web)
    for d in diagnostics:
        if d.path != document.path:
            continue
        section = document.section_at(document.source.line_offset(d.line))
        findings[index.get(section.line, 0) if section else 0] += 1
    return [
        SectionHealth(name, entries[i], links[i], findings[i])
        for i, name in enumerate(names)
        if entries[i] or findings[i]
    ]


def repository_path(path: str, env: Mapping[str, str]) -> str | None:
    """``path`` relative to the workspace (the repository), or None when outside it."""
    workspace = Path(env.get("GITHUB_WORKSPACE") or Path.cwd())
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(workspace)).as_posix()
    except ValueError:
        return None


def line_link(d: Diagnostic, env: Mapping[str, str]) -> str | None:
    """``https://github.com/OWNER/REPO/blob/SHA/path#L12`` for the run's commit."""
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository, sha = env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA")
    relative = repository_path(d.path, env)
    if not repository or not sha or relative is None:
        return None
    lines = f"L{d.line}" if d.end_line == d.line else f"L{d.line}-L{d.end_line}"
    return f"{server}/{repository}/blob/{sha}/{quote(relative)}#{lines}"


def render_summary(
    diagnostics: Sequence[Diagnostic],
    *,
    files: int,
    documents: Sequence[Document] = (),
    env: Mapping[str, str] | None = None,
    budget: int = MAX_SUMMARY_BYTES - MARGIN_BYTES,
    title: str = "listlint",
    changed_only: bool = False,
    fixed: int = 0,
    notes: Sequence[str] = (),
) -> str:
    """The Markdown summary, at most ``budget`` bytes of UTF-8."""
    env = os.environ if env is None else env
    head = headline(
        diagnostics, files=files, title=title, changed_only=changed_only, fixed=fixed, notes=notes
    )
    health = health_table(documents, diagnostics, env) if documents and not changed_only else ""
    if len(head.encode()) + len(health.encode()) > budget // 2:
        health = "The per-section table is left out: it would not fit GitHub's 1 MiB limit.\n\n"
    fixed_size = len(head.encode()) + len(health.encode())
    findings = findings_table(diagnostics, env, budget - fixed_size)
    return head + findings + health


def headline(
    diagnostics: Sequence[Diagnostic],
    *,
    files: int,
    title: str,
    changed_only: bool,
    fixed: int = 0,
    notes: Sequence[str] = (),
) -> str:
    summary = summarize([""] * files, diagnostics, fixed=fixed)
    scope = " (what this pull request introduces)" if changed_only else ""
    words = found_line(summary, hints=False)
    if scope:
        words = words.replace(f"Checked {files_words(files)}", f"Checked {files_words(files)}{scope}", 1)
    lines = [f"## {cell(title)}", "", words, ""]
    if notes:
        lines += [*(f"- {cell(note)}" for note in notes), ""]
    if diagnostics:
        lines += ["| rule | severity | findings |", "| --- | --- | ---: |"]
        for code, name, severity, count in rule_counts(diagnostics):
            lines.append(f"| `{cell_code(code)}` {cell(name)} | {ICONS[severity.value]} | {count} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def findings_table(diagnostics: Sequence[Diagnostic], env: Mapping[str, str], budget: int) -> str:
    if not diagnostics:
        return ""
    ordered = sorted(diagnostics, key=lambda d: (d.severity.rank, d.sort_key()))
    header = "### Findings\n\n| where | rule | severity | message |\n| --- | --- | --- | --- |\n"
    reserve = 200  # room for the truncation note
    rows: list[str] = []
    used = len(header.encode()) + reserve
    for d in ordered:
        row = finding_row(d, env)
        size = len(row.encode())
        if used + size > budget:
            break
        rows.append(row)
        used += size
    text = header + "".join(rows)
    missing = len(ordered) - len(rows)
    if missing:
        text += (
            f"\n… {missing} more finding{'s' if missing != 1 else ''} not listed: "
            "GitHub limits a job summary to 1 MiB. The log of this step, or a JSON or "
            "SARIF report, has all of them.\n"
        )
    return text + "\n"


def finding_row(d: Diagnostic, env: Mapping[str, str]) -> str:
    where = cell(f"{repository_path(d.path, env) or d.path}:{d.line}")
    link = line_link(d, env)
    place = f"[{where}]({link})" if link else where
    severity = ICONS[d.severity.value]
    return f"| {place} | `{cell_code(d.code)}` {cell(d.name)} | {severity} | {cell(d.message)} |\n"


def health_table(
    documents: Sequence[Document], diagnostics: Sequence[Diagnostic], env: Mapping[str, str]
) -> str:
    lines = [
        "### Sections",
        "",
        "| file | section | entries | links | findings |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for document in documents:
        for row in section_health(document, diagnostics):
            name = repository_path(document.path, env) or document.path
            lines.append(
                f"| {cell(name)} | {cell(row.path)} | {row.entries} | {row.links} | {row.findings} |"
            )
    return "\n".join(lines) + "\n\n"


class MarkdownReporter(Reporter):
    """The job summary's Markdown, for a PR comment or a file."""

    def finish(self, summary: Summary) -> None:
        self.write(
            render_summary(
                self.diagnostics,
                files=len(summary.files),
                fixed=summary.fixed,
                notes=summary.note_lines,
            )
        )
