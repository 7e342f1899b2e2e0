"""ruff's command-line manners, each through the CLI: fix hints, stdin, paths,
suppressions that speak about themselves, a closed pipe, the order of a report."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from listlint.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"
ENTRY = "- [FlexGen](https://arxiv.org/abs/2303.06865): High-throughput inference\n"
# 2 errors (duplicate-link: unsafe fix; malformed-link: safe fix), 1 warning (safe fix),
# 2 infos (the duplicate's note; trailing whitespace: safe fix).
SEED = (
    "# Papers\n\n"
    "- [A](https://a.example/x): one\n"
    "- [A](https://a.example/x): one\n"
    "- [B](https://b.example/?utm_source=x): two   \n"
    "- Course | (GT)[https://gt.example/]\n"
)


def run(*args: str, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m listlint`` on this checkout's code (not the installed one)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LISTLINT_DEBUG", "GITHUB_ACTIONS", "CI")}
    env["PYTHONPATH"] = str(SRC)
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    if "stdout" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-m", "listlint", *args], cwd=cwd, env=env, text=True, timeout=60, **kwargs
    )


# -- fix hints -----------------------------------------------------------------------


def test_summary_counts_fixable_and_unsafe_fixable(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "seed.md").write_text(SEED)
    assert main(["check", "seed.md"]) == 1
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last == (
        "Checked 1 file. Found 2 errors, 1 warning, 2 infos. "
        "[*] 3 fixable with --fix (1 more with --unsafe-fixes)"
    )


def test_after_fix_the_summary_says_fixed_and_remaining(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "seed.md").write_text(SEED)
    assert main(["check", "--fix", "seed.md"]) == 1
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith(
        "Checked 1 file. Found 5 problems (3 fixed, 2 remaining). Remaining: 1 error, 1 info."
    )
    assert last.endswith("[*] 1 fixable with --fix --unsafe-fixes")


def test_concise_marks_what_fix_fixes(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "seed.md").write_text(SEED)
    main(["check", "--output-format", "concise", "seed.md"])
    lines = capsys.readouterr().out.splitlines()
    marked = {line.split(": ")[1].split()[0] for line in lines if "] [*] " in line}
    unmarked = {line.split(": ")[1].split()[0] for line in lines if "] [*] " not in line}
    assert marked == {"LL101", "LL401", "LL103"}
    assert unmarked == {"LL201"}  # its fix is unsafe: --fix alone does not apply it


def test_rules_table_tells_safe_unsafe_and_no_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    rows = {line.split()[0]: line.split()[3] for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["LL201"] == "unsafe" and rows["LL501"] == "unsafe"
    assert rows["LL101"] == "safe" and rows["LL901"] == "safe"
    assert rows["LL202"] == "no" and rows["LL902"] == "no"
    assert main(["rules", "--output-format", "json"]) == 0
    fix = {row["code"]: row["fix"] for row in json.loads(capsys.readouterr().out)}
    assert (fix["LL201"], fix["LL501"], fix["LL101"]) == ("unsafe", "unsafe", "safe")


# -- standard input ------------------------------------------------------------------


def test_fix_of_standard_input_goes_to_stdout_and_the_report_to_stderr(tmp_path: Path) -> None:
    result = run("check", "--fix", "-", cwd=tmp_path, input=SEED)
    assert result.returncode == 1, result
    assert result.stdout == SEED.replace("?utm_source=x", "").replace("two   ", "two").replace(
        "(GT)[https://gt.example/]", "[GT](https://gt.example/)"
    )
    assert "duplicate-link" in result.stderr and "(3 fixed, 2 remaining)" in result.stderr
    clean = run("check", "--fix", "--output-format", "json", "-", cwd=tmp_path, input="# L\n\n" + ENTRY)
    assert (clean.returncode, clean.stdout) == (0, "# L\n\n" + ENTRY)
    assert json.loads(clean.stderr)["summary"]["total"] == 0


# -- paths ---------------------------------------------------------------------------


def make_tree(root: Path) -> None:
    for relative in ("README.md", "docs/a.md", "docs/b.markdown", "build/out.md", "node_modules/x/c.md"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("# L\n\n" + ENTRY + ENTRY)
    (root / "docs" / "notes.txt").write_text("not a list")
    (root / ".gitignore").write_text("build/\n")


def linted(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {d["path"] for d in json.loads(result.stdout)["diagnostics"]}


def test_check_dot_finds_markdown_and_skips_gitignored_without_git(tmp_path: Path) -> None:
    make_tree(tmp_path)
    result = run("check", "--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1, result
    assert linted(result) == {"README.md", "docs/a.md", "docs/b.markdown"}


@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_check_dot_in_a_git_work_tree_uses_git(tmp_path: Path) -> None:
    make_tree(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "docs" / ".gitignore").write_text("b.markdown\n")
    result = run("check", "--output-format", "json", ".", cwd=tmp_path)
    assert linted(result) == {"README.md", "docs/a.md"}
    # A file named explicitly is linted even when ignored.
    explicit = run("check", "--output-format", "json", "build/out.md", cwd=tmp_path)
    assert linted(explicit) == {"build/out.md"}


def test_globs_and_the_exclude_files_setting(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".listlint.toml").write_text('exclude-files = ["docs/a.md"]\n')
    result = run("check", "--output-format", "json", "**/*.md", "docs", cwd=tmp_path)
    assert linted(result) == {"README.md", "docs/b.markdown"}
    missing = run("check", "nothing/*.md", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (
        2,
        "listlint: error: nothing/*.md: no file matches this pattern\n",
    )
    (tmp_path / ".listlint.toml").write_text('exclude-files = ["[z-a]"]\n')
    bad = run("check", ".", cwd=tmp_path)
    assert bad.returncode == 2 and "exclude-files" in bad.stderr and bad.stderr.count("\n") == 1


def test_one_file_named_several_ways_is_linted_once(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "list.md").write_text("# L\n\n" + ENTRY + ENTRY)
    (in_tmp / "link.md").symlink_to(in_tmp / "list.md")
    assert (
        main(["check", "--output-format", "json", "list.md", "./list.md", "link.md", str(in_tmp / "list.md")])
        == 1
    )
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["files"] == 1
    assert [d["path"] for d in report["diagnostics"]] == ["list.md", "list.md"]


# -- suppressions --------------------------------------------------------------------


def codes(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    report = json.loads(capsys.readouterr().out)
    return [(d["code"], d["line"], d["severity"]) for d in report["diagnostics"]]


def test_unknown_rule_in_a_suppression_is_a_warning(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "list.md").write_text(
        f"# L\n\n{ENTRY}<!-- listlint-disable-next-line LL2, duplicate-links -->\n{ENTRY}"
    )
    assert main(["check", "--output-format", "json", "list.md"]) == 0
    assert codes(capsys) == [("LL902", 4, "warning")]


def test_unused_suppression_is_an_info_and_fix_removes_it(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "# L\n\n<!-- listlint-disable-next-line trailing-whitespace -->\n"
        f"{ENTRY}<!-- listlint-disable-next-line LL201 LL103 -->\n{ENTRY}"
    )
    (in_tmp / "list.md").write_text(text)
    assert main(["check", "--output-format", "json", "list.md"]) == 0
    assert codes(capsys) == [("LL901", 3, "info"), ("LL901", 5, "info")]
    assert main(["check", "--fix", "list.md"]) == 0
    assert (in_tmp / "list.md").read_text() == (
        f"# L\n\n{ENTRY}<!-- listlint-disable-next-line LL201 -->\n{ENTRY}"
    )
    capsys.readouterr()
    # A rule that did not run (network rules offline) makes no suppression "unused".
    (in_tmp / "list.md").write_text(f"# L\n\n<!-- listlint-disable-next-line dead-link -->\n{ENTRY}")
    assert main(["check", "--output-format", "json", "list.md"]) == 0
    assert codes(capsys) == []


def test_suppressing_a_duplicate_also_silences_its_note(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "list.md").write_text(f"# L\n\n{ENTRY}<!-- listlint-disable-next-line LL201 -->\n{ENTRY}")
    assert main(["check", "--output-format", "json", "list.md"]) == 0
    assert codes(capsys) == []
    # With two repeats, silencing one keeps the note for the other.
    (in_tmp / "list.md").write_text(
        f"# L\n\n{ENTRY}<!-- listlint-disable-next-line LL201 -->\n{ENTRY}{ENTRY}"
    )
    assert main(["check", "--output-format", "json", "list.md"]) == 1
    assert codes(capsys) == [("LL201", 3, "info"), ("LL201", 6, "error")]


def test_per_section_ignores_heading_that_matches_nothing_is_named(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "list.md").write_text(f"# L\n\n## Lectures\n\n{ENTRY}{ENTRY}")
    (in_tmp / ".listlint.toml").write_text(
        '[per-section-ignores]\n"Courses" = ["LL201"]\n"Lectures" = ["LL201"]\n'
    )
    assert main(["check", "--output-format", "json", "list.md"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(d["code"], d["severity"]) for d in report["diagnostics"]] == [("LL903", "warning")]
    assert "'Courses'" in report["diagnostics"][0]["message"]


# -- a closed pipe ---------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "json", "concise", "diff"])
def test_a_closed_stdout_keeps_the_exit_code_and_stays_quiet(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "seed.md").write_text(SEED * 200)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte: every write is EPIPE
    how = ["--diff"] if output_format == "diff" else ["--output-format", output_format]
    try:
        result = run("check", *how, "seed.md", cwd=tmp_path, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr == ("Would fix 600 findings.\n" if output_format == "diff" else "")


@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("head") is None, reason="no sh/head")
def test_the_issue_pipeline_does_not_print_zero(tmp_path: Path) -> None:
    (tmp_path / "seed.md").write_text(SEED * 500)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    script = f'({sys.executable} -m listlint check seed.md; echo "status=$?" >&2) | head -1'
    result = subprocess.run(
        ["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert (
        "status=1" in result.stderr
        and "Broken pipe" not in result.stderr
        and "Traceback" not in result.stderr
    )


# -- order -------------------------------------------------------------------------------


def test_text_ends_with_per_rule_counts_and_statistics_sort_by_severity(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "seed.md").write_text(
        SEED + "- [C](https://c.example/): x   \n- [D](https://d.example/): y   \n"
    )
    main(["check", "seed.md"])
    out = capsys.readouterr().out.splitlines()
    table = out[out.index("Findings by rule:") + 1 : -1]
    # A row per rule and severity: the duplicate's companion note is not an error.
    rows = [(row.split()[1], row.split()[-1]) for row in table]
    assert rows == [
        ("LL101", "[error]"),
        ("LL201", "[error]"),
        ("LL401", "[warning]"),
        ("LL103", "[info]"),
        ("LL201", "[info]"),
    ]
    main(["check", "--statistics", "seed.md"])
    stats = capsys.readouterr().out.splitlines()
    assert [row.split()[1] for row in stats[:-1]] == ["LL101", "LL201", "LL401", "LL103", "LL201"]
    assert [row.split()[0] for row in stats] == ["1", "1", "1", "3", "1", "7"]


def test_a_rule_reporting_at_two_severities_gets_a_row_for_each() -> None:
    from listlint.diagnostics import Diagnostic, Severity
    from listlint.reporters.base import rule_counts

    def finding(code: str, severity: Severity, line: int) -> Diagnostic:
        return Diagnostic(code, f"rule-{code}", severity, "m", "README.md", line, 1, line, 2)

    found = [
        finding("LL201", Severity.ERROR, 1),
        finding("LL201", Severity.INFO, 2),
        finding("LL201", Severity.INFO, 3),
        finding("LL103", Severity.INFO, 4),
    ]
    assert rule_counts(found) == [
        ("LL201", "rule-LL201", Severity.ERROR, 1),
        ("LL201", "rule-LL201", Severity.INFO, 2),
        ("LL103", "rule-LL103", Severity.INFO, 1),
    ]


# -- progress in CI logs -------------------------------------------------------------------


def test_progress_lines_in_a_log_at_most_every_interval() -> None:
    import io

    from listlint.net.progress import LineProgress

    now = [100.0]
    log = io.StringIO()
    progress = LineProgress(log, interval=10.0, clock=lambda: now[0])
    progress.add(2000)
    for index in range(1200):
        now[0] += 0.01 if index < 1199 else 10.0  # 12 s of checking, then a last slow link
        progress.advance(f"host{index % 7}", dead=index in (5, 50, 500))
    lines = log.getvalue().splitlines()
    assert lines == ["links: 1000/2000 checked, 3 dead, 10 s", "links: 1200/2000 checked, 3 dead, 22 s"]
    now[0] += 0.5
    progress.close()  # the last count, once a line was shown
    assert log.getvalue().splitlines()[-1] == "links: 1200/2000 checked, 3 dead, 22 s"
    assert len(log.getvalue().splitlines()) == 3
    quiet = io.StringIO()
    short = LineProgress(quiet, interval=10.0, clock=lambda: 0.0)
    short.add(1)
    short.advance("h")
    short.close()
    assert quiet.getvalue() == ""  # a run shorter than the interval prints nothing


def test_an_online_run_off_a_terminal_prints_progress_lines(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, httpserver: Any
) -> None:
    from listlint.net import progress

    monkeypatch.setattr(progress, "LINE_INTERVAL", 0.0)  # every link: the format, not the wait
    monkeypatch.setenv("CI", "true")
    httpserver.expect_request("/ok").respond_with_data("fine")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    (in_tmp / "list.md").write_text(
        f"# L\n\n- [a]({httpserver.url_for('/ok')}): a\n- [b]({httpserver.url_for('/gone')}): b\n"
    )
    args = ["check", "--online", "--allow-private-hosts", "--no-cache", "--select", "LL6", "list.md"]
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3, err  # one line per link, and the last count at the end
    assert all(re.fullmatch(r"links: [12]/2 checked, [01] dead, \d+ s", line) for line in err), err
    assert err[-1].startswith("links: 2/2 checked, 1 dead, ")


def test_a_section_ignore_used_by_one_file_of_the_run_is_not_unmatched(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "a.md").write_text(f"# A\n\n## Lectures\n\n{ENTRY}")
    (in_tmp / "b.md").write_text(f"# B\n\n## Courses\n\n{ENTRY}")
    (in_tmp / ".listlint.toml").write_text(
        '[per-section-ignores]\n"Lectures" = ["LL201"]\n"Gone" = ["LL201"]\n'
    )
    assert main(["check", "--output-format", "json", "a.md", "b.md"]) == 0
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(d["code"], d["path"], d["line"]) for d in found] == [("LL903", "a.md", 1)]
    assert "'Gone'" in found[0]["message"]
    # --fix keeps the warning (the re-lint after fixing sees the same sections).
    (in_tmp / "a.md").write_text(f"# A\n\n## Lectures\n\n{ENTRY.rstrip()}   \n")
    assert main(["check", "--fix", "--output-format", "json", "a.md", "b.md"]) == 0
    assert [d["code"] for d in json.loads(capsys.readouterr().out)["diagnostics"]] == ["LL903"]
