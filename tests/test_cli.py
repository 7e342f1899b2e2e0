"""The command line as a user meets it: exit codes, one-line errors, options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import one_line_error

from listlint import __version__
from listlint.cli import main

DUPLICATE = (
    "# L\n\n- [Helix](https://arxiv.org/abs/2406.01566): Serving\n"
    "- [Helix](https://arxiv.org/abs/2406.01566): Serving\n"
)
CLEAN = "# L\n\n- [Helix](https://arxiv.org/abs/2406.01566): Serving\n"


def test_exit_codes(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").write_text(CLEAN)
    assert main(["check"]) == 0
    (in_tmp / "README.md").write_text(DUPLICATE)
    assert main(["check"]) == 1
    assert main(["check", "--exit-zero"]) == 0
    assert main(["check", "--fail-on", "never"]) == 0
    assert main(["check", "--ignore", "LL201"]) == 0
    out = capsys.readouterr().out
    assert "README.md:4:11: LL201 [error] duplicate-link" in out
    assert "4 | - [Helix](https://arxiv.org/abs/2406.01566): Serving" in out


def test_warnings_and_infos_alone_exit_zero(in_tmp: Path) -> None:
    (in_tmp / "README.md").write_text(DUPLICATE)
    (in_tmp / ".listlint.toml").write_text('[rules.duplicate-link]\nseverity = "warning"\n')
    assert main(["check"]) == 0
    assert main(["check", "--fail-on", "warning"]) == 1


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: None, "missing.md: no such file"),
        (lambda p: (p / "missing.md").mkdir(), "a folder with no Markdown files"),
        (lambda p: (p / "missing.md").write_bytes(bytes(range(256)) * 40), "binary file"),
    ],
)
def test_bad_paths_exit_2_with_one_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], make, needle: str
) -> None:  # type: ignore[no-untyped-def]
    make(in_tmp)
    assert main(["check", "missing.md"]) == 2
    one_line_error(capsys, needle)


@pytest.mark.parametrize(
    ("config", "needles"),
    [
        ("select = [", (".listlint.toml", "invalid TOML")),
        ("colour = true", (".listlint.toml", "unknown key 'colour'")),
        ("online = 'yes'", (".listlint.toml", "key 'online'", "true or false")),
        ("select = ['LL999']", ("unknown rule selector 'LL999'",)),
        ("[rules.no-such-rule]\nseverity = 'error'", ("key 'rules.no-such-rule'", "unknown rule")),
        ("[rules.duplicate-link]\nseverity = 'fatal'", ("rules.duplicate-link.severity",)),
        ("[rules.duplicate-link]\nwindow = 3", ("rules.duplicate-link.window", "unknown option")),
        ("plugins = ['nope.py']", ("nope.py does not exist",)),
    ],
)
def test_bad_config_exits_2_naming_file_and_key(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], config: str, needles: tuple[str, ...]
) -> None:
    (in_tmp / "README.md").write_text(CLEAN)
    (in_tmp / ".listlint.toml").write_text(config + "\n")
    assert main(["check"]) == 2
    one_line_error(capsys, *needles)


def test_pyproject_config_names_the_tool_table(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").write_text(CLEAN)
    (in_tmp / "pyproject.toml").write_text("[tool.listlint]\nignore = 'LL201'\n")
    assert main(["check"]) == 2
    one_line_error(capsys, "pyproject.toml", "'tool.listlint.ignore'", "list of strings")


def test_a_bad_flag_is_named_not_the_config_file(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").write_text("# L\n")
    (in_tmp / ".listlint.toml").write_text("select = ['LL2']\n")
    assert main(["check", "--ignore", "LL2,nope"]) == 2
    err = one_line_error(capsys, "--ignore: unknown rule selector 'nope'")
    assert ".listlint.toml" not in err
    assert main(["check", "--ignore", "LL201"]) == 0


def test_usage_errors(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--output-format", "xml"]) == 2
    one_line_error(capsys, "unknown output format 'xml'")
    assert main(["check", "--no-such-flag"]) == 2
    one_line_error(capsys, "--no-such-flag")
    assert main(["check", "--select", "nonsense"]) == 2
    one_line_error(capsys, "--select: unknown rule selector 'nonsense'")
    assert main(["check", "--unsafe-fixes"]) == 2
    one_line_error(capsys, "--unsafe-fixes needs --fix or --diff")


def test_selectors_by_prefix_name_and_specificity(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").write_text(DUPLICATE + "- x | (S)[https://s.example/]\n")
    assert main(["check", "--select", "LL1", "--output-format", "concise"]) == 1
    assert {line.split()[1] for line in capsys.readouterr().out.splitlines()} == {"LL101"}
    assert main(["check", "--select", "duplicate-link", "--output-format", "concise"]) == 1
    assert {line.split()[1] for line in capsys.readouterr().out.splitlines()} == {"LL201"}
    main(["check", "--ignore", "LL", "--extend-select", "LL101", "--output-format", "concise"])
    assert {line.split()[1] for line in capsys.readouterr().out.splitlines()} == {"LL101"}


def test_json_output_is_the_documented_contract(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").write_text(DUPLICATE)
    assert main(["check", "--output-format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"version", "summary", "diagnostics"} and report["version"] == 1
    assert report["summary"] == {
        "files": 1,
        "total": 2,
        "by_severity": {"error": 1, "warning": 0, "info": 1},
        "by_rule": {"LL201": 2},
        "fixed": 0,
    }
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
    for diagnostic in report["diagnostics"]:
        assert set(diagnostic) == keys
    error = next(d for d in report["diagnostics"] if d["severity"] == "error")
    assert (error["line"], error["column"], error["end_line"], error["end_column"]) == (4, 11, 4, 43)
    assert error["help_url"].endswith("rules/duplicate-link.md")


def test_output_file_statistics_and_version(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").write_text(DUPLICATE)
    assert main(["check", "-o", "report.json", "--output-format", "json"]) == 1
    assert json.loads((in_tmp / "report.json").read_text())["summary"]["total"] == 2
    assert main(["check", "--statistics"]) == 1
    out = capsys.readouterr().out
    assert "     1  LL201   duplicate-link [error] [*] (unsafe fix)\n" in out
    assert "     1  LL201   duplicate-link [info]\n" in out  # the companion note: no fix of its own
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.strip() == f"listlint {__version__}"


def test_rules_table_and_rule_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:5] == ["code", "name", "severity", "fix", "network"]
    assert any(line.startswith("LL201") and "duplicate-link" in line for line in out.splitlines())
    assert main(["rules", "--output-format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"code": "LL101", "name": "malformed-link"}.items() <= rows[0].items()
    assert main(["rule", "LL201"]) == 0
    assert capsys.readouterr().out.startswith("# duplicate-link (LL201)")
    assert main(["rule", "nope"]) == 2
    one_line_error(capsys, "unknown rule 'nope'")


def test_no_traceback_from_a_subprocess(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "listlint", "check", str(tmp_path / "x.md")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == f"listlint: error: {tmp_path / 'x.md'}: no such file\n"


def test_offline_run_does_not_import_the_network_stack(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(DUPLICATE)
    code = (
        "import sys\nfrom listlint.cli import main\n"
        f"main(['check', '--exit-zero', {str(tmp_path / 'README.md')!r}])\n"
        "heavy = [m for m in ('httpx', 'arxiv', 'rich', 'requests', 'asyncio', 'tenacity', 'sqlite3',"
        " 'importlib.metadata', 'listlint.rules.arxiv_review', 'listlint.net.sources.arxiv', 'secrets',"
        " 'listlint.gather.stage', 'listlint.gather.registry', 'defusedxml')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stdout, result.stdout
