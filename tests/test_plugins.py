"""Third-party rules: local files named in config and the listlint.rules entry point."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from listlint.cli import main

LOCAL_RULE = """
from listlint import Rule, Severity

def check(document, context):
    for entry in document.entries:
        if "TODO" in entry.raw:
            yield context.diagnostic(entry.span, "entry still says TODO")

RULE = Rule(code="X100", name="no-todo", summary="No TODO entries.", severity=Severity.WARNING,
            check=check)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("# L\n\n- [A](https://a.example/): TODO\n")
    return tmp_path


def test_local_rule_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "tools").mkdir()
    (project / "tools" / "rules.py").write_text(LOCAL_RULE)
    (project / ".listlint.toml").write_text('plugins = ["tools/rules.py"]\n')
    assert main(["check", "--output-format", "concise", "--fail-on", "warning"]) == 1
    assert "README.md:3:1: X100 [warning] entry still says TODO" in capsys.readouterr().out
    assert main(["rules"]) == 0
    assert "no-todo" in capsys.readouterr().out


def test_entry_point_rule(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = project / "site"
    (site / "listlint_extra").mkdir(parents=True)
    (site / "listlint_extra" / "__init__.py").write_text(LOCAL_RULE)
    dist = site / "listlint_extra-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: listlint-extra\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[listlint.rules]\nno-todo = listlint_extra\n")
    monkeypatch.syspath_prepend(str(site))
    assert main(["check", "--output-format", "concise"]) == 0
    assert "X100 [warning]" in capsys.readouterr().out
    sys.modules.pop("listlint_extra", None)


def test_code_clash_is_a_loud_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "clash.py").write_text(LOCAL_RULE.replace('"X100"', '"LL201"'))
    (project / ".listlint.toml").write_text('plugins = ["clash.py"]\n')
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "rule 'LL201' is defined twice" in err and "clash.py" in err


def test_a_crashing_rule_is_named(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crashing = LOCAL_RULE.replace('yield context.diagnostic(entry.span, "entry still says TODO")', "1 / 0")
    (project / "crash.py").write_text(crashing)
    (project / ".listlint.toml").write_text('plugins = ["crash.py"]\n')
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "rule X100 (no-todo) crashed" in err and "ZeroDivisionError" in err
    assert err.count("\n") == 1


def test_a_plugin_that_is_not_a_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bad.py").write_text("RULE = 42\n")
    (project / ".listlint.toml").write_text('plugins = ["bad.py"]\n')
    assert main(["check"]) == 2
    assert "not a listlint Rule" in capsys.readouterr().err


def dist_info(folder: Path, name: str, entry_points: str | None) -> None:
    dist = folder / f"{name}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (dist / "entry_points.txt").write_text(entry_points)


def test_the_entry_point_look_ahead_says_no_only_when_sure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib.metadata import entry_points

    from listlint.rules.registry import ENTRY_POINT_GROUP, may_have_entry_points

    site = tmp_path / "site"
    dist_info(site, "other_tool", "[console_scripts]\nother = other:main\n")
    dist_info(site, "no_entry_points", None)
    (site / "legacy-1.0.egg-info").write_text("Metadata-Version: 1.1\nName: legacy\n")  # a file
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    assert may_have_entry_points() is False
    assert not entry_points(group=ENTRY_POINT_GROUP)  # the look-ahead agrees with importlib.metadata

    dist_info(site, "listlint_extra", "[listlint.rules]\nextra = listlint_extra\n")
    assert may_have_entry_points() is True
    assert entry_points(group=ENTRY_POINT_GROUP)


@pytest.mark.parametrize("odd", ["plugins.zip", "old_style-1.0.egg"])
def test_what_the_look_ahead_cannot_read_counts_as_maybe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str
) -> None:
    from listlint.rules.registry import may_have_entry_points

    if odd.endswith(".zip"):
        (tmp_path / odd).write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive
        monkeypatch.setattr(sys, "path", [str(tmp_path / odd)])
    else:
        (tmp_path / odd).mkdir()
        monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert may_have_entry_points() is True
