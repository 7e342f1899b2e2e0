"""docs/plugins.md: the example plugin loads, runs, and its help_url is its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from listlint.cli import main

PAGE = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def block(kind: str) -> str:
    match = re.search(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert match is not None, f"docs/plugins.md has no ```{kind} block"
    return match.group(1)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("# Papers\n\n" + block("markdown example"), encoding="utf-8")
    (tmp_path / ".listlint.toml").write_text('plugins = ["paper_rules.py"]\n', encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["check", "--select", "X101", "--output-format", "json", "--exit-zero"]) == 0
    report = json.loads(capsys.readouterr().out)
    return (
        [d for f in report["files"] for d in f["diagnostics"]] if "files" in report else report["diagnostics"]
    )


def test_the_example_plugin_reports_the_entry_with_code_only(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "paper_rules.py").write_text(block("python plugin"), encoding="utf-8")
    found = run(capsys)
    assert [(d["code"], d["line"]) for d in found] == [("X101", 3)]
    assert "links code but no paper" in str(found[0]["message"])
    assert found[0]["help_url"] == "https://example.org/listlint-rules/paper-needs-code"


def test_a_plugin_without_docs_url_has_no_help_url(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = block("python plugin").replace(
        '    docs_url="https://example.org/listlint-rules/paper-needs-code",\n', ""
    )
    assert "docs_url" not in source
    (project / "paper_rules.py").write_text(source, encoding="utf-8")
    found = run(capsys)
    assert len(found) == 1 and found[0]["help_url"] in ("", None)


def test_the_page_documents_every_entry_field() -> None:
    from dataclasses import fields

    from listlint.document.model import Entry

    text = PAGE.read_text(encoding="utf-8")
    missing = [f.name for f in fields(Entry) if f"`{f.name}`" not in text]
    assert missing == []
