"""The README's examples are real: its config blocks load, its JSON matches the contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from listlint.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", README, re.S)
RULE_FILE = '''
from listlint import Rule, Severity
RULE = Rule(code="X1", name="x-rule", summary="x", severity=Severity.INFO, check=lambda d, c: [])
'''


@pytest.mark.parametrize("block", TOML_BLOCKS)
def test_config_examples_load(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
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
    keys = {"code", "name", "severity", "message", "path", "line", "column", "end_line",
            "end_column", "url", "fix", "help_url"}
    assert all(set(d) == keys for d in example["diagnostics"])
