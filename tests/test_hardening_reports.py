"""Hardening, round two (issue 16.4): workflow commands through other channels.

- every line on stderr is safe against ``::`` and the legacy ``##[`` syntax in
  Actions (error messages quote file names), and shows controls always;
- JSON and XML reports in an Actions log carry no command either, and stay
  the same data;
- ``merge-reports`` refuses a shard report that does not conform to the
  shipped schema (exit 2, one line, the value never echoed);
- every field of every Markdown output is escaped, ``@mentions`` neutralised;
- C1 controls (U+0080..U+009F) are shown like C0 controls in text, and are
  JSON escapes in JSON and SARIF.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from test_hardening_github import INJECTIONS, runner_commands

from listlint.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"
C1 = [chr(code) for code in range(0x80, 0xA0)]
HOSTILE_NAMES = [
    "##[set-output name=x;]y.md",
    "##[add-mask]secret.md",
    "::error file=README.md,line=1::INJECTED.md",
    "x\x1b[31mred\u009b31m.md",
]


def run(*args: str, cwd: Path, actions: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LISTLINT_DEBUG", "GITHUB_ACTIONS", "CI")}
    env["PYTHONPATH"] = str(SRC)
    if actions:
        env.update(GITHUB_ACTIONS="true", CI="true", GITHUB_WORKSPACE=str(cwd))
    return subprocess.run(
        [sys.executable, "-m", "listlint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


# -- stderr ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("problem", ["missing", "binary", "folder"])
def test_error_messages_quoting_file_names_are_safe_in_actions(
    tmp_path: Path, name: str, problem: str
) -> None:
    target = tmp_path / name
    if problem == "binary":
        target.write_bytes(bytes(range(256)) * 40)
    elif problem == "folder":
        target.mkdir()
    result = run("check", name, cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stderr.startswith("listlint: error: ") and result.stderr.count("\n") == 1
    assert runner_commands(result.stderr)[0] == [], result.stderr
    assert "\x1b" not in result.stderr and "\u009b" not in result.stderr


def test_stderr_controls_are_shown_outside_actions_too(tmp_path: Path) -> None:
    result = run("check", "a\x1b]0;title\x07\u009bb.md", cwd=tmp_path, actions=False)
    assert result.returncode == 2
    assert result.stderr == "listlint: error: a␛]0;title␇\ufffdb.md: no such file\n"


@pytest.mark.parametrize("evil", INJECTIONS)
def test_every_stderr_line_is_neutralised_in_actions(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], evil: str
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (in_tmp / "list.md").write_text(f"# L\n\n- [x](https://x.example/): {evil}   \n")
    # --fix - sends the report (text: quoting the list) to stderr.
    monkeypatch.setattr(
        "sys.stdin",
        __import__("io").TextIOWrapper(__import__("io").BytesIO((in_tmp / "list.md").read_bytes())),
    )
    main(["check", "--fix", "--stdin-filename", evil, "-"])
    err = capsys.readouterr().err
    assert runner_commands(err)[0] == [], err


# -- JSON and XML in an Actions log --------------------------------------------------------


@pytest.mark.parametrize("format_name", ["json", "sarif", "rdjson", "gitlab", "junit"])
def test_structured_reports_carry_no_command_into_the_log(tmp_path: Path, format_name: str) -> None:
    evil = "##[add-mask]hunter2 ::set-output name=x::y"
    text = f"# L\n\n- ({evil})[https://x.example/]: t\n- [a](https://a.example/): {evil}\u009b\n"
    (tmp_path / "list.md").write_text(text, encoding="utf-8")
    result = run("check", "--output-format", format_name, "list.md", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    commands, _ = runner_commands(result.stdout)
    assert commands == [], commands
    assert all(not line.strip().startswith("::") for line in result.stdout.splitlines())
    # ... and the report still says exactly what the list says.
    if format_name == "junit":
        assert evil in ET.tostring(ET.fromstring(result.stdout), encoding="unicode")
    else:
        assert evil in json.dumps(json.loads(result.stdout), ensure_ascii=False)


# -- merge-reports trusts no input -------------------------------------------------------------


def diagnostic(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "code": "LL601",
        "name": "dead-link",
        "severity": "error",
        "message": "dead",
        "path": "README.md",
        "line": 1,
        "column": 1,
        "end_line": 1,
        "end_column": 2,
        "url": None,
        "fix": None,
        "help_url": "",
    }
    return {**base, **changes}


def json_report(*diagnostics: dict[str, object]) -> dict[str, object]:
    severities = [str(d["severity"]) for d in diagnostics]
    by_rule: dict[str, int] = {}
    for d in diagnostics:
        by_rule[str(d["code"])] = by_rule.get(str(d["code"]), 0) + 1
    return {
        "version": 1,
        "summary": {
            "files": 1,
            "total": len(diagnostics),
            "by_severity": {s: severities.count(s) for s in ("error", "warning", "info")},
            "by_rule": by_rule,
            "fixed": 0,
        },
        "diagnostics": list(diagnostics),
    }


def sarif_report(rule_id: str, name: str = "dead-link") -> dict[str, object]:
    return {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "listlint", "rules": [{"id": rule_id, "name": name}]}},
                "results": [
                    {
                        "ruleId": rule_id,
                        "level": "error",
                        "message": {"text": "dead"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "README.md"},
                                    "region": {"startLine": 1, "startColumn": 1},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    "document",
    [
        json_report(diagnostic(code="LL601|<img src=x onerror=alert(1)>")),
        json_report(diagnostic(name="<b>dead</b>")),
        json_report(diagnostic(severity="fatal")),
        json_report(diagnostic(line=0)),
        json_report(diagnostic(message="")),
        json_report(diagnostic(extra="field")),
        {**json_report(diagnostic()), "summary": {"files": 1}},
        sarif_report("LL601|<img onerror=x>"),
        sarif_report("LL601", name="Dead Link <script>"),
    ],
    ids=[
        "code-html",
        "name-html",
        "severity",
        "line-0",
        "empty-message",
        "extra-key",
        "summary",
        "sarif-code",
        "sarif-name",
    ],
)
def test_merge_refuses_a_report_that_breaks_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, object]
) -> None:
    (tmp_path / "good.json").write_text(json.dumps(json_report(diagnostic())))
    (tmp_path / "bad.json").write_text(json.dumps(document))
    assert main(["merge-reports", str(tmp_path / "good.json"), str(tmp_path / "bad.json")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"listlint: error: {tmp_path / 'bad.json'}: ")
    assert "schema" in captured.err and captured.err.count("\n") == 1
    assert "<" not in captured.err and "|" not in captured.err  # the value is never echoed


def test_merge_escapes_what_the_schema_allows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    evil_path = "docs/%0A::error::x`y`|z<img src=x>.md"
    evil_message = (
        "dead <img src=x onerror=alert(1)> | `code` [click](javascript:alert(1)) @octocat ##[add-mask]x"
    )
    (tmp_path / "a.json").write_text(
        json.dumps(json_report(diagnostic(path=evil_path, message=evil_message)))
    )
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["merge-reports", str(tmp_path / "a.json"), "--output-format", "github"]) == 1
    annotations = capsys.readouterr().out
    commands, _ = runner_commands(annotations)
    assert [name for name, _ in commands] == ["error"]
    assert main(["merge-reports", str(tmp_path / "a.json"), "--output-format", "markdown", "-o", "m.md"]) == 1
    for markdown in (summary.read_text(encoding="utf-8"), Path("m.md").read_text(encoding="utf-8")):
        assert_markdown_is_inert(markdown)


def assert_markdown_is_inert(markdown: str) -> None:
    assert "<img" not in markdown and "<b>" not in markdown
    assert any("octocat" in line for line in markdown.splitlines())
    assert "@octocat" not in markdown and "@\u200boctocat" in markdown
    assert "](javascript:" not in markdown.replace("\\]", "")  # \[x\](...) is no link
    for line in markdown.splitlines():
        if line.startswith("| ") and "octocat" in line:
            cells = line.replace("\\|", "").split("|")
            assert len(cells) == 6, line  # where, rule, severity, message: no extra column
            assert line.replace("\\`", "").count("`") == 2, line  # only the rule code is code


def test_markdown_format_escapes_every_field(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The reversed-link message quotes the entry's text; the pipe and backticks come from the path.
    evil = "<b>bold</b> @octocat"
    name = "a|b`c`.md"
    (in_tmp / name).write_text(f"# L\n\n- ({evil})[https://x.example/]: t\n")
    assert main(["check", "--output-format", "markdown", name]) == 1
    out = capsys.readouterr().out
    assert "a\\|b\\`c\\`.md:3" in out
    assert_markdown_is_inert(out)


# -- C1 controls -------------------------------------------------------------------------------


def test_c1_controls_are_shown_in_text_and_escaped_in_json_and_sarif(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Evil" + "".join(C1) + "end"
    (in_tmp / "list.md").write_text(f"# L\n\n- ({title})[https://x.example/]: t\n", encoding="utf-8")
    for format_name in ("text", "concise", "github", "markdown", "junit"):
        assert main(["check", "--output-format", format_name, "list.md"]) == 1
        out = capsys.readouterr().out
        assert not set(C1) & set(out), format_name
    assert main(["check", "list.md"]) == 1
    assert (
        "Evil" + "\ufffd" * len(C1) + "end" in capsys.readouterr().out
    )  # the quoted line: one stand-in each
    assert main(["check", "--output-format", "gitlab", "list.md"]) == 1
    assert not set(C1) & set(capsys.readouterr().out)
    for format_name in ("json", "sarif", "rdjson"):  # the fix's text holds the title as it is
        assert main(["check", "--output-format", format_name, "list.md"]) == 1
        out = capsys.readouterr().out
        assert not set(C1) & set(out), format_name
        assert "\\u009b" in out, format_name
        assert title in json.dumps(json.loads(out), ensure_ascii=False), format_name  # the same data
