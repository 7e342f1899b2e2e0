"""Plugins that misbehave: return things that are not diagnostics, never
return, or raise SystemExit.  Each is named (rule and plugin file) on stderr,
the other rules' findings are still reported, and the exit code is 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from listlint.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"
LIST = "# L\n\n- [A](https://a.example/x?utm_source=feed)\n"

PLUGIN = """
import time
from listlint import Rule, Severity

def check(document, context):
{body}

RULE = Rule(code="X200", name="bad-plugin", summary="Misbehaves.", severity=Severity.WARNING, check=check)
"""

RETURNS = {
    "strings": "    return ['a finding', 'another']",
    "dicts": "    return [{'code': 'X200', 'message': 'hi'}]",
    "a string": "    return 'not a list'",
    "none": "    return None",
    "an int": "    return 42",
    "mixed": "    yield context.diagnostic(document.entries[0].span, 'ok')\n    yield 'oops'",
    "a generator of dicts": "    yield {'line': 1}",
    "bytes": "    return [b'x']",
}


def write_plugin(folder: Path, body: str, *, config: str = "") -> None:
    (folder / "README.md").write_text(LIST)
    (folder / "bad.py").write_text(PLUGIN.format(body=body))
    (folder / ".listlint.toml").write_text(f'plugins = ["bad.py"]\n{config}')


def run_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object], str]:
    code = main(["check", "--output-format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


@pytest.mark.parametrize("shape", sorted(RETURNS))
def test_a_plugin_returning_non_diagnostics_is_named_and_the_rest_kept(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    write_plugin(in_tmp, RETURNS[shape])
    code, report, err = run_json(capsys)
    assert code == 2
    codes = {d["code"] for d in report["diagnostics"]}  # type: ignore[attr-defined]
    assert "LL401" in codes  # the built-in rule's finding is kept
    assert "X200" not in codes  # nothing of the misbehaving rule
    assert err.count("\n") == 1 and err.startswith("listlint: error: rule X200 (bad-plugin)"), err
    assert "bad.py" in err and "Traceback" not in err and "internal error" not in err


def test_a_plugin_returning_strings_says_what_it_returned(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_plugin(in_tmp, RETURNS["strings"])
    _, _, err = run_json(capsys)
    assert "returned str 'a finding'" in err and "not a Diagnostic" in err


@pytest.mark.parametrize("body", ["    while True:\n        pass", "    time.sleep(3600)\n    return []"])
def test_a_plugin_that_never_returns_times_out(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    write_plugin(in_tmp, body, config="rule-timeout = 1\n")
    started = time.monotonic()
    code, report, err = run_json(capsys)
    assert time.monotonic() - started < 30
    assert code == 2
    assert "LL401" in {d["code"] for d in report["diagnostics"]}  # type: ignore[attr-defined]
    assert "rule X200 (bad-plugin) timed out on README.md after 1 s (rule-timeout)" in err, err
    assert err.count("\n") == 1


def test_a_hanging_plugin_does_not_hold_the_process(in_tmp: Path) -> None:
    write_plugin(in_tmp, "    while True:\n        pass", config="rule-timeout = 1\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "listlint", "check", "--output-format", "concise"],
        cwd=in_tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - started < 45
    assert result.returncode == 2, result
    assert "LL401" in result.stdout
    assert "timed out" in result.stderr


@pytest.mark.parametrize("status", ["0", "1", "None", "'bye'"])
def test_a_plugin_raising_system_exit_never_ends_the_run(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    write_plugin(in_tmp, f"    raise SystemExit({status})")
    code, report, err = run_json(capsys)
    assert code == 2
    assert "LL401" in {d["code"] for d in report["diagnostics"]}  # type: ignore[attr-defined]
    assert "rule X200 (bad-plugin) crashed" in err and "SystemExit" in err


def test_a_plugin_raising_system_exit_zero_in_a_subprocess_exits_2(in_tmp: Path) -> None:
    write_plugin(in_tmp, "    raise SystemExit(0)")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-m", "listlint", "check"],
        cwd=in_tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result
    assert "LL401" in result.stdout and "SystemExit" in result.stderr


@pytest.mark.parametrize("limit", ["0", "60"])
def test_a_well_behaved_plugin_runs_with_or_without_a_limit(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    write_plugin(
        in_tmp,
        "    yield context.diagnostic(document.entries[0].span, 'fine')",
        config=f"rule-timeout = {limit}\n",
    )
    code, report, err = run_json(capsys)
    assert code == 0 and err == ""  # warnings only
    assert {"LL401", "X200"} <= {d["code"] for d in report["diagnostics"]}  # type: ignore[attr-defined]


def test_the_first_failure_of_lint_text_is_raised() -> None:
    import listlint.pipeline as pipeline
    from listlint.config import Settings
    from listlint.diagnostics import Severity
    from listlint.errors import RuleCrashed
    from listlint.pipeline import RunOptions, lint_text
    from listlint.rules.base import Rule
    from listlint.selection import ActiveRule

    rule = Rule(code="X201", name="strings", summary="s", severity=Severity.INFO, check=lambda d, c: ["x"])
    original = pipeline.load_active_rules
    try:
        pipeline.load_active_rules = lambda settings, *, online: [ActiveRule(rule, Severity.INFO, {})]  # type: ignore[assignment]
        with pytest.raises(RuleCrashed, match="X201"):
            lint_text(LIST, Settings(), options=RunOptions())
    finally:
        pipeline.load_active_rules = original
