"""The README's examples are real: its config blocks load, its JSON matches the contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from listlint.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", README, re.S)
RULE_FILE = """
from listlint import Rule, Severity
RULE = Rule(code="X1", name="x-rule", summary="x", severity=Severity.INFO, check=lambda d, c: [])
"""


@pytest.mark.parametrize("block", TOML_BLOCKS)
def test_config_examples_load(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "listlint_rules.py").write_text(RULE_FILE)
    (tmp_path / "pyproject.toml").write_text(block)
    (tmp_path / "README.md").write_text("# Clean\n\n- [A](https://a.example/a): A\n")
    assert main(["check"]) == 0, capsys.readouterr().err


def test_there_are_config_examples() -> None:
    assert len(TOML_BLOCKS) >= 2


def test_json_example_has_the_documented_keys() -> None:
    block = re.search(r"```json\n(.*?)```", README, re.S)
    assert block is not None
    example = json.loads(block.group(1))
    assert set(example) == {"version", "summary", "diagnostics"}
    keys = {
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "url",
        "fix",
        "help_url",
    }
    assert all(set(d) == keys for d in example["diagnostics"])


SCHEMA_PATH = Path(__file__).resolve().parent.parent / "src" / "listlint" / "data" / "report-v1.schema.json"


def report_validator():  # type: ignore[no-untyped-def]
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_readme_json_example_follows_the_shipped_schema() -> None:
    block = re.search(r"```json\n(.*?)```", README, re.S)
    assert block is not None
    report_validator().validate(json.loads(block.group(1)))
    assert "report-v1.schema.json" in README


def test_the_schema_rejects_a_report_that_breaks_the_contract() -> None:
    validator = report_validator()
    block = re.search(r"```json\n(.*?)```", README, re.S)
    assert block is not None
    good = json.loads(block.group(1))
    missing = json.loads(block.group(1))
    del missing["diagnostics"][0]["url"]
    extra = json.loads(block.group(1))
    extra["diagnostics"][0]["colour"] = "red"
    zero_line = json.loads(block.group(1))
    zero_line["diagnostics"][0]["line"] = 0
    assert validator.is_valid(good)
    for broken in (missing, extra, zero_line):
        assert not validator.is_valid(broken)


def lists_to_report() -> list[Path]:
    project = Path(__file__).resolve().parent.parent
    corpora = project.parent / "shared" / "corpora"
    lists = sorted(path for path in corpora.glob("*.md") if path.name != "README.md")
    return [*sorted((project / "examples").glob("*.md")), *lists]


@pytest.mark.parametrize("path", lists_to_report(), ids=lambda path: path.name)
def test_real_reports_follow_the_shipped_schema(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--exit-zero", "--output-format", "json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    report_validator().validate(report)
    assert report["summary"]["total"] == len(report["diagnostics"])
    # A clean list validates too, but the planted example must exercise the schema's diagnostics.
    if path.parent.name == "examples":
        assert report["diagnostics"]


@pytest.mark.parametrize("block", re.findall(r"```yaml\n(.*?)```", README, re.S))
def test_yaml_examples_parse(block: str) -> None:
    import yaml

    assert yaml.safe_load(block)
