"""The job summary: counts, line links, section health, escaping, the 1 MiB limit."""

from __future__ import annotations

from pathlib import Path

from listlint.ci.summary import (
    MAX_SUMMARY_BYTES,
    cell,
    line_link,
    render_summary,
    section_health,
    write_job_summary,
)
from listlint.diagnostics import Diagnostic, Severity
from listlint.document import parse_document
from listlint.source import Source

LIST = """# Papers

## Serving
- [Orca](https://www.usenix.org/conference/osdi22/presentation/yu): A Serving System | OSDI' 22
- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24

## Training
- [MegaScale](https://arxiv.org/abs/2402.15627): Scaling Training | NSDI' 24
"""


def diag(
    line: int,
    message: str = "m",
    *,
    severity: Severity = Severity.ERROR,
    end_line: int | None = None,
    path: str = "README.md",
) -> Diagnostic:
    return Diagnostic(
        code="LL201",
        name="duplicate-link",
        severity=severity,
        message=message,
        path=path,
        line=line,
        column=3,
        end_line=end_line or line,
        end_column=9,
    )


ENV = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "owner/repo", "GITHUB_SHA": "0123abc"}


def test_line_links(tmp_path: Path) -> None:
    env = {**ENV, "GITHUB_WORKSPACE": str(tmp_path)}
    assert line_link(diag(12, path=str(tmp_path / "docs" / "my list.md")), env) == (
        "https://github.com/owner/repo/blob/0123abc/docs/my%20list.md#L12"
    )
    assert line_link(diag(3, end_line=5, path=str(tmp_path / "a.md")), env).endswith("#L3-L5")
    assert line_link(diag(3, path="/elsewhere/a.md"), env) is None
    assert line_link(diag(3), {"GITHUB_WORKSPACE": str(tmp_path)}) is None


def test_cell_escapes_table_breakers() -> None:
    text = cell("a | b\n<script>alert(1)</script> [x](javascript:y) `code` *bold* & \\")
    assert "\n" not in text
    assert "|" not in text.replace("\\|", "")
    assert "<" not in text and ">" not in text
    assert "\\[x\\]" in text and "\\`code\\`" in text and "&amp;" in text


def test_summary_tables(tmp_path: Path) -> None:
    document = parse_document(Source(path=str(tmp_path / "README.md"), text=LIST))
    found = [
        diag(5, "dup | <b>x</b>", path=document.path),
        diag(8, "later", severity=Severity.WARNING, path=document.path),
    ]
    env = {**ENV, "GITHUB_WORKSPACE": str(tmp_path)}
    text = render_summary(found, files=1, documents=[document], env=env)
    assert "Checked 1 file. Found 1 error, 1 warning." in text
    assert "Checked 3 files. Found 2 errors." in render_summary(found[:1] * 2, files=3, env=env)
    assert "| `LL201` duplicate-link | 🔴 error | 1 |" in text  # a row per rule and severity
    assert "| `LL201` duplicate-link | 🟡 warning | 1 |" in text
    assert "[README.md:5](https://github.com/owner/repo/blob/0123abc/README.md#L5)" in text
    assert "dup \\| &lt;b&gt;x&lt;/b&gt;" in text
    assert "| Papers &gt; Serving | 2 | 2 | 1 |" in text
    assert "| Papers &gt; Training | 1 | 1 | 1 |" in text
    changed = render_summary(found, files=1, documents=[document], env=env, changed_only=True)
    assert "### Sections" not in changed and "what this pull request introduces" in changed


def test_section_health_counts() -> None:
    document = parse_document(Source(path="README.md", text=LIST))
    rows = section_health(document, [diag(4), diag(5), diag(1)])
    assert [(r.path, r.entries, r.links, r.findings) for r in rows] == [
        ("Papers", 0, 0, 1),
        ("Papers > Serving", 2, 2, 2),
        ("Papers > Training", 1, 1, 0),
    ]


def test_truncated_under_the_limit() -> None:
    found = [diag(i + 1, "x" * 2000) for i in range(1000)]  # ~2 MB of rows
    text = render_summary(found, files=1, env=ENV)
    size = len(text.encode())
    assert size < MAX_SUMMARY_BYTES
    assert size > MAX_SUMMARY_BYTES // 2
    assert "more findings not listed" in text


def test_appends_and_respects_what_is_already_there(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("x" * (MAX_SUMMARY_BYTES - 200_000), encoding="utf-8")
    env = {**ENV, "GITHUB_STEP_SUMMARY": str(target)}
    found = [diag(i + 1, "y" * 1000) for i in range(1000)]
    assert write_job_summary(found, files=1, env=env)
    assert target.stat().st_size < MAX_SUMMARY_BYTES
    assert target.read_text(encoding="utf-8").startswith("x" * 100)
    assert not write_job_summary(found, files=1, env=ENV)


def test_title_is_escaped() -> None:
    assert "## a\\|b" in render_summary([], files=0, env=ENV, title="a|b")
    assert "<img" not in render_summary([], files=0, env=ENV, title="<img src=x onerror=y>")
