"""``--changed-since``: git diff -> changed lines, paths, shallow clones, network plumbing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ci_support import commit_file, git, init_repo

from listlint.changes import changed_lines, parse_hunks
from listlint.cli import main

BASE = """# Papers

## Serving
- [Orca](https://www.usenix.org/conference/osdi22/presentation/yu): A Serving System | OSDI' 22
- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24
- [MegaScale](https://arxiv.org/abs/2402.15627): Scaling Training | NSDI' 24
"""
ADDED = "- [NanoFlow v2](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24\n"


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A repo with a base commit and a PR commit that appends a duplicate (line 7)."""
    root = init_repo(tmp_path / "repo")
    base = commit_file(root, "docs/list.md", BASE, "base")
    commit_file(root, "docs/list.md", BASE + ADDED, "pr")
    return root, base


def test_parse_hunks() -> None:
    diff = "@@ -3,0 +4,2 @@\n+a\n+b\n@@ -9 +11 @@\n-x\n+y\n@@ -20,3 +21,0 @@\n-gone\n@@ -30 +30,0 @@\n"
    assert parse_hunks(diff) == frozenset({4, 5, 11})


@pytest.mark.parametrize("spelling", ["docs/list.md", "./docs/list.md", "docs/../docs/list.md", "ABSOLUTE"])
def test_path_spellings(repo: tuple[Path, str], spelling: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, base = repo
    monkeypatch.chdir(root)
    path = str(root / "docs" / "list.md") if spelling == "ABSOLUTE" else spelling
    assert changed_lines([path], base) == {path: frozenset({7})}


def test_from_a_subdirectory(repo: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, base = repo
    monkeypatch.chdir(root / "docs")
    assert changed_lines(["list.md"], base) == {"list.md": frozenset({7})}
    (root / "other").mkdir()
    monkeypatch.chdir(root / "other")
    assert changed_lines(["../docs/list.md"], base) == {"../docs/list.md": frozenset({7})}


def test_uncommitted_and_untracked(repo: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, base = repo
    monkeypatch.chdir(root)
    text = (root / "docs/list.md").read_text(encoding="utf-8")
    (root / "docs/list.md").write_text(text.replace("Orca]", "Orca 2]"), encoding="utf-8")
    (root / "new.md").write_text("# New\n\n- a\n", encoding="utf-8")
    (root / "*.md").write_text("x\n", encoding="utf-8")  # a glob character is only a name
    found = changed_lines(["docs/list.md", "new.md", "*.md"], base)
    assert found == {
        "docs/list.md": frozenset({4, 7}),
        "new.md": frozenset({1, 2, 3, 4}),
        "*.md": frozenset({1, 2}),
    }


def test_merge_base_ignores_later_base_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = init_repo(tmp_path / "r")
    commit_file(root, "list.md", BASE, "base")
    git(root, "checkout", "-q", "-b", "feature")
    commit_file(root, "list.md", BASE + ADDED, "pr")
    git(root, "checkout", "-q", "main")
    commit_file(root, "list.md", "# Intro line\n" + BASE, "main moves on")
    git(root, "checkout", "-q", "feature")
    monkeypatch.chdir(root)
    # Against main's tip the PR would seem to delete line 1; the merge base knows better.
    assert changed_lines(["list.md"], "main") == {"list.md": frozenset({7})}


def test_cli_reports_only_changed_lines(
    repo: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, base = repo
    monkeypatch.chdir(root)
    assert main(["check", "docs/list.md", "--output-format", "json"]) == 1
    everything = json.loads(capsys.readouterr().out)["diagnostics"]
    assert {d["line"] for d in everything} >= {5, 7}
    assert main(["check", "docs/list.md", "--changed-since", base, "--output-format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    # What the change introduces: the duplicate on line 7, and the note it
    # puts on the untouched original (line 5).
    assert [(d["line"], d["code"], d["severity"]) for d in found] == [
        (5, "LL201", "info"),
        (7, "LL201", "error"),
    ]
    args = [
        "check",
        "docs/list.md",
        "--changed-since",
        base,
        "--changed-lines-only",
        "--output-format",
        "json",
    ]
    assert main(args) == 1
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert found and {d["line"] for d in found} == {7}
    assert any(d["code"] == "LL201" for d in found)  # found against an old entry
    assert main(["check", "docs/list.md", "--changed-since", "HEAD", "--output-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["diagnostics"] == []


@pytest.mark.parametrize("ref", ["no-such-ref", "-rf", "--output=/tmp/x", "0" * 40])
def test_unknown_ref_is_exit_2(
    repo: tuple[Path, str], ref: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo[0])
    assert main(["check", "docs/list.md", f"--changed-since={ref}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--changed-since" in err


def test_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "list.md").write_text(BASE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["check", "list.md", "--changed-since", "HEAD"]) == 2
    assert "needs a git repository" in capsys.readouterr().err


def test_path_outside_the_repository(
    repo: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, base = repo
    outside = tmp_path / "elsewhere.md"
    outside.write_text(BASE, encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["check", str(outside), "--changed-since", base]) == 2
    assert "outside the git repository" in capsys.readouterr().err


def test_shallow_clone(
    repo: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, base = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    monkeypatch.chdir(clone)
    assert main(["check", "docs/list.md", "--changed-since", base]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "shallow" in err and "fetch-depth: 0" in err
    assert f"git fetch --depth=1 origin {base}" in err
    git(clone, "fetch", "-q", "--depth=1", "origin", base)
    assert main(["check", "docs/list.md", "--changed-since", base, "--output-format", "json"]) == 1
    captured = capsys.readouterr()
    assert {d["line"] for d in json.loads(captured.out)["diagnostics"]} == {
        5,
        7,
    }  # 5: the note on the original
    assert "no merge base" in captured.err  # said, not silent


FAKE_NETWORK_RULE = """
from listlint import Rule, Severity

async def check(document, context):
    return [context.diagnostic(link.url_span, f"fetched {link.url}", url=link.url)
            for link in document.links if link.is_web and context.is_changed(link.span)]

RULE = Rule(code="LL699", name="fake-fetch", summary="Records the links it would fetch.",
            severity=Severity.INFO, check=check, needs_network=True)
"""


def test_network_rules_see_only_changed_links(
    repo: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, base = repo
    (root / "fake_net.py").write_text(FAKE_NETWORK_RULE, encoding="utf-8")
    (root / ".listlint.toml").write_text('plugins = ["fake_net.py"]\n', encoding="utf-8")
    monkeypatch.chdir(root)
    args = ["check", "docs/list.md", "--online", "--select", "LL699", "--output-format", "json"]
    assert main(args) == 0
    assert len(json.loads(capsys.readouterr().out)["diagnostics"]) == 4
    assert main([*args, "--changed-since", base]) == 0
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(d["line"], d["message"]) for d in found] == [(7, "fetched https://arxiv.org/abs/2408.12757")]


def test_no_git_process_without_the_option(repo: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = repo
    monkeypatch.chdir(root)
    monkeypatch.setenv("PATH", os.devnull)  # git unreachable: must not matter
    assert main(["check", "docs/list.md", "--select", "LL101"]) == 0
