"""rdjson (reviewdog), gitlab (Code Quality) and JUnit, each through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from listlint.cli import main

SCHEMA = Path(__file__).resolve().parent / "schemas" / "reviewdog-DiagnosticResult.jsonschema"
# An error with a safe fix after a non-ASCII title (columns in UTF-8 bytes differ), a
# duplicate (error + info note), a warning with a fix.
LIST = (
    "# Papers\n\n"
    "- Überblick | (GT)[https://gt.example/]\n"
    "- [A](https://a.example/x): one\n"
    "- [A](https://a.example/x): one\n"
    "- [B](https://b.example/?utm_source=x): two\n"
)


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", *args, "list.md"])
    return code, capsys.readouterr().out


def test_rdjson_validates_and_carries_fixes_as_suggestions(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    (in_tmp / "list.md").write_text(LIST, encoding="utf-8")
    code, out = report(capsys, "--output-format", "rdjson")
    assert code == 1
    result = json.loads(out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(result)
    assert result["source"]["name"] == "listlint"
    by_code = {d["code"]["value"]: d for d in result["diagnostics"]}
    assert {d["severity"] for d in result["diagnostics"]} == {"ERROR", "WARNING", "INFO"}
    malformed = by_code["LL101"]
    assert malformed["location"]["path"] == "list.md"
    # "- Überblick | " is 14 characters, 15 bytes: the span starts at byte column 16.
    assert malformed["location"]["range"]["start"] == {"line": 3, "column": 16}
    assert malformed["suggestions"] == [
        {
            "range": {"start": {"line": 3, "column": 16}, "end": {"line": 3, "column": 41}},
            "text": "[GT](https://gt.example/)",
        }
    ]
    line = LIST.splitlines()[2].encode()
    assert line[15:40].decode() == "(GT)[https://gt.example/]"  # the range, end exclusive
    assert malformed["code"]["url"].endswith("rules/malformed-link.md")
    assert "suggestions" in by_code["LL401"]


def test_rdjson_schema_rejects_what_reviewdog_would() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft4Validator(json.loads(SCHEMA.read_text()))
    assert not validator.is_valid({"diagnostics": [{"severity": "FATAL"}]})
    assert not validator.is_valid({"diagnostics": [{"location": {"range": {"start": {"line": "3"}}}}]})


def test_gitlab_code_quality(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "list.md").write_text(LIST, encoding="utf-8")
    code, out = report(capsys, "--output-format", "gitlab")
    assert code == 1
    issues = json.loads(out)
    assert len(issues) == 4
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= issue.keys()
        assert issue["location"]["path"] == "list.md" and isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {i["check_name"]: i["severity"] for i in issues if i["severity"] != "info"} == {
        "LL101": "major",
        "LL201": "major",
        "LL401": "minor",
    }
    # Lines added above move findings, not their fingerprints (GitLab matches on them).
    (in_tmp / "list.md").write_text(LIST.replace("# Papers\n", "# Papers\n\nIntro.\n"), encoding="utf-8")
    _, moved = report(capsys, "--output-format", "gitlab")
    assert {i["fingerprint"] for i in json.loads(moved)} == {i["fingerprint"] for i in issues}


@pytest.mark.parametrize(("fail_on", "failures"), [("error", 2), ("warning", 3), ("info", 4), ("never", 0)])
def test_junit_fails_only_what_fail_on_fails(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], fail_on: str, failures: int
) -> None:
    (in_tmp / "list.md").write_text(LIST, encoding="utf-8")
    _, out = report(capsys, "--output-format", "junit", "--fail-on", fail_on)
    root = ET.fromstring(out)
    assert root.get("failures") == str(failures)
    assert len(root.findall(".//failure")) == failures
    suite = root.find("testsuite")
    assert suite is not None
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"fail-on": fail_on, "errors": "2", "warnings": "1", "infos": "1"}
    if failures < 4:
        assert "[info]" in (suite.findtext("system-out") or "")
    assert int(root.get("tests") or 0) >= failures


def test_markdown_format_sorts_by_severity_and_links_lines(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/list")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(in_tmp))
    (in_tmp / "list.md").write_text(LIST, encoding="utf-8")
    assert main(["check", "--output-format", "markdown", "list.md"]) == 1
    out = capsys.readouterr().out
    assert "Checked 1 file. Found 2 errors, 1 warning, 1 info." in out
    rows = [line for line in out.splitlines() if line.startswith("| [list.md:")]
    severities = [row.split(" | ")[2] for row in rows]
    assert severities == ["🔴 error", "🔴 error", "🟡 warning", "🔵 info"]
    assert rows[0].startswith("| [list.md:3](https://github.com/owner/list/blob/abc123/list.md#L3) |")


def test_rich_bar_shows_dead_hosts_elapsed_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from listlint.net.progress import RichProgress, make_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    screen = Terminal()
    bar = make_progress(screen)
    assert isinstance(bar, RichProgress)
    bar.add(3)
    bar.advance("a.example", dead=True)
    bar.advance("b.example")
    bar._bar.refresh()
    shown = screen.getvalue()
    bar.close()
    assert "2/3" in shown and "1 dead" in shown and "on 2 hosts" in shown
    assert "ETA" in shown and "0:00:0" in shown  # elapsed and remaining time columns
