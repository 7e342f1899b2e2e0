"""The GitHub job summary: Markdown appended to ``$GITHUB_STEP_SUMMARY``.

Counts by rule and severity, a table of findings that link to their exact
lines, and, for an audit (not changed-lines mode), a health table per
section.  GitHub rejects a step summary over 1 MiB, so the findings table is
cut to fit what is left of that budget, with a note saying how many rows are
missing.  List text is escaped so that it cannot break the table or inject
HTML.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document

__all__ = ["MAX_SUMMARY_BYTES", "cell", "render_summary", "line_link", "append_job_summary", "section_health"]

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
    }
)


def cell(text: str) -> str:
    """List text made safe for a Markdown table cell: one line, no pipes or HTML."""
    return " ".join(text.split()).translate(ESCAPES)


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
) -> str:
    """The Markdown summary, at most ``budget`` bytes of UTF-8."""
    env = os.environ if env is None else env
    head = headline(diagnostics, files=files, title=title, changed_only=changed_only)
    health = health_table(documents, diagnostics, env) if documents and not changed_only else ""
    if len(head.encode()) + len(health.encode()) > budget // 2:
        health = "The per-section table is left out: it would not fit GitHub's 1 MiB limit.\n\n"
    fixed_size = len(head.encode()) + len(health.encode())
    findings = findings_table(diagnostics, env, budget - fixed_size)
    return head + findings + health


def headline(diagnostics: Sequence[Diagnostic], *, files: int, title: str, changed_only: bool) -> str:
    severities = Counter(d.severity.value for d in diagnostics)
    counts = ", ".join(
        f"{severities[s.value]} {s.value}{'s' if severities[s.value] != 1 else ''}"
        for s in Severity
        if severities[s.value]
    )
    scope = " (what this pull request introduces)" if changed_only else ""
    lines = [
        f"## {cell(title)}",
        "",
        f"Checked {files} file{'s' if files != 1 else ''}{scope}: {counts or 'no problems found'}.",
        "",
    ]
    if diagnostics:
        by_rule = Counter((d.code, d.name, d.severity.value) for d in diagnostics)
        lines += ["| rule | severity | findings |", "| --- | --- | ---: |"]
        for (code, name, severity), count in sorted(
            by_rule.items(), key=lambda item: (Severity(item[0][2]).rank, item[0][0])
        ):
            lines.append(f"| `{code}` {cell(name)} | {ICONS[severity]} | {count} |")
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
    return f"| {place} | `{d.code}` {cell(d.name)} | {severity} | {cell(d.message)} |\n"


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


def append_job_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    """Append ``markdown`` to ``$GITHUB_STEP_SUMMARY``; False when it is not set."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as stream:
        stream.write(markdown)
    return True


def summary_budget(env: Mapping[str, str] | None = None) -> int:
    """Bytes left for this step's summary (others may have written to it already)."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    used = 0
    if target:
        try:
            used = os.path.getsize(target)
        except OSError:
            used = 0
    return max(MAX_SUMMARY_BYTES - MARGIN_BYTES - used, 4096)


def write_job_summary(
    diagnostics: Sequence[Diagnostic],
    *,
    files: int,
    documents: Sequence[Document] = (),
    changed_only: bool = False,
    title: str = "listlint",
    env: Mapping[str, str] | None = None,
) -> bool:
    """Render and append the summary when ``$GITHUB_STEP_SUMMARY`` is set.

    A summary that cannot be written (the path is a folder, read-only, the
    disk is full) or would take the step's summary over GitHub's 1 MiB is one
    warning on stderr, as a workflow command; the findings, annotations and
    exit code are the same as without it.
    """
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    text = render_summary(
        diagnostics,
        files=files,
        documents=documents,
        env=env,
        budget=summary_budget(env),
        title=title,
        changed_only=changed_only,
    )
    used = existing_size(target)
    if used + len(text.encode()) > MAX_SUMMARY_BYTES:
        warn_summary(f"the job summary was not written: {target} would exceed GitHub's 1 MiB limit")
        return False
    try:
        return append_job_summary(text, env)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        warn_summary(f"the job summary was not written: cannot write {target} ({reason})")
        return False


def existing_size(target: str) -> int:
    try:
        return os.path.getsize(target) if os.path.isfile(target) else 0
    except OSError:
        return 0


def warn_summary(message: str) -> None:
    import sys

    from listlint.reporters.github import workflow_command

    sys.stderr.write(workflow_command("warning", [("title", "listlint")], message))
