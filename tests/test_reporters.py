"""Each output format, from one set of diagnostics."""

from __future__ import annotations

import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from listlint.config import Settings
from listlint.document import parse_document
from listlint.pipeline import RunOptions, lint_paths
from listlint.reporters import FORMATS, reporter_class, summarize
from listlint.source import Source

TEXT = (
    "# L\n\n- [Helix](https://arxiv.org/abs/2406.01566): Serving | 50% | a,b: c\n"
    "- [Helix](https://arxiv.org/abs/2406.01566): Serving | 50% | a,b: c\n"
    "- Course | (GT)[https://gt.example/]\n"
)


def render(tmp_path: Path, format_name: str, *, color: bool = False) -> str:
    path = tmp_path / "README.md"
    path.write_text(TEXT)
    result = lint_paths([str(path)], Settings(root=tmp_path), RunOptions())
    stream = io.StringIO()
    reporter = reporter_class(format_name)(
        stream=stream,
        sources={f.source.path: f.source for f in result.files},
        rules=[e.rule for e in result.rules],
        root=tmp_path,
        color=color,
    )
    reporter.start()
    for diagnostic in result.diagnostics:
        reporter.handle(diagnostic)
    reporter.finish(summarize([str(path)], result.diagnostics))
    return stream.getvalue()


def test_text_shows_source_line_and_caret(tmp_path: Path) -> None:
    out = render(tmp_path, "text")
    assert "README.md:5:12: LL101 [error] malformed-link" in out
    assert "5 | - Course | (GT)[https://gt.example/]\n  |            ^^^^^^^^^^^^^^^^^^^^^^^^^\n" in out
    assert "\x1b[" not in out
    assert out.rstrip().endswith(
        "Checked 1 file. Found 2 errors, 1 info. [*] 1 fixable with --fix (1 more with --unsafe-fixes)"
    )


def test_text_in_colour(tmp_path: Path) -> None:
    assert "\x1b[" in render(tmp_path, "text", color=True)


def test_concise_is_one_line_each(tmp_path: Path) -> None:
    lines = render(tmp_path, "concise").splitlines()
    assert len(lines) == 3 and all(line.startswith(str(tmp_path / "README.md")) for line in lines)


def test_github_commands_are_escaped(tmp_path: Path) -> None:
    lines = render(tmp_path, "github").splitlines()
    assert lines[0].startswith(
        "::error file=README.md,line=4,col=11,endLine=4,endColumn=42,title=LL201 duplicate-link::"
    )
    assert all(line.startswith("::") for line in lines)
    assert any(line.startswith("::notice ") for line in lines)


def test_sarif_validates_against_the_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_file.is_file():
        pytest.skip("../shared/schemas is absent")
    log = json.loads(render(tmp_path, "sarif"))
    jsonschema.validate(log, json.loads(schema_file.read_text()))
    run = log["runs"][0]
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {"LL101", "LL201"}
    locations = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    assert {loc["artifactLocation"]["uri"] for loc in locations} == {"README.md"}
    fixed = next(r for r in run["results"] if r["ruleId"] == "LL101")
    assert (
        fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
        == "[GT](https://gt.example/)"
    )


def test_junit_is_valid_xml(tmp_path: Path) -> None:
    root = ET.fromstring(render(tmp_path, "junit"))
    # Only what --fail-on fails (errors by default) is a failure; the info is system-out.
    assert root.tag == "testsuites" and root.get("failures") == "2"
    assert len(root.findall("./testsuite/testcase/failure")) == 2
    assert "LL201 [info]" in (root.findtext("./testsuite/system-out") or "")


def test_markdown_escapes_table_cells(tmp_path: Path) -> None:
    out = render(tmp_path, "markdown")
    assert "| `LL201` duplicate-link | 🔴 error | 1 |" in out
    assert "| `LL201` duplicate-link | 🔵 info | 1 |" in out  # its companion note, not an error
    table_rows = [line for line in out.splitlines() if line.startswith("| ") and "README.md:" in line]
    assert len(table_rows) == 3
    assert all(line.count(" | ") == 3 for line in table_rows)  # where, rule, severity, message


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_every_format_handles_no_findings(tmp_path: Path, format_name: str) -> None:
    source = Source(path=str(tmp_path / "ok.md"), text="# ok\n")
    parse_document(source)
    stream = io.StringIO()
    reporter = reporter_class(format_name)(stream=stream, sources={}, rules=[], root=tmp_path)
    reporter.start()
    reporter.finish(summarize([source.path], []))
    assert stream.getvalue().strip() or format_name in ("github", "concise")
