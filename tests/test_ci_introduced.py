"""PR mode reports what a change introduces; the network never fails a PR; advice that works.

Real git repositories in temporary folders; no network (an offline runner is
a ``getaddrinfo`` that resolves nothing, as on a runner without DNS).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest
from ci_support import GIT_ENV, annotations_of, commit_file, git, init_repo

from listlint.changes import FileChange, Hunk, fetch_advice, introduced, normalized_message, read_hunks
from listlint.cli import main
from listlint.diagnostics import Diagnostic, Severity

COURSES = """# Awesome Learning

## Contents
- [Courses](#courses)
- [Books](#books)

## Courses
- [CS229](https://cs229.stanford.edu/): Machine Learning

## Books
- [PRML](https://www.microsoft.com/en-us/research/publication/pattern-recognition-machine-learning/): Bishop
"""


def json_findings(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main([*args, "--output-format", "json"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return code, json.loads(out.out)["diagnostics"]


def test_renamed_heading_breaks_the_untouched_table_of_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "repo")
    base = commit_file(repo, "README.md", COURSES, "seed")
    (repo / "README.md").write_text(COURSES.replace("## Courses\n", "## Lectures\n"), encoding="utf-8")
    monkeypatch.chdir(repo)
    code, found = json_findings(["check", "README.md", "--changed-since", base], capsys)
    assert code == 1
    broken = [(d["code"], d["line"], d["message"]) for d in found if d["code"] == "LL501"]
    assert broken == [("LL501", 4, "no heading or anchor '#courses' in this file")]  # line 4: untouched
    # The old mode sees only the changed heading line.
    _, narrow = json_findings(["check", "README.md", "--changed-since", base, "--changed-lines-only"], capsys)
    assert all(d["line"] == 7 for d in narrow) and not any(d["code"] == "LL501" for d in narrow)
    # Nothing changed: nothing introduced, although the file has old findings.
    git(repo, "commit", "-q", "-am", "rename")
    code, found = json_findings(["check", "README.md", "--changed-since", "HEAD"], capsys)
    assert (code, found) == (0, [])
    code, found = json_findings(["check", "README.md"], capsys)
    assert code == 1 and any(d["code"] == "LL501" for d in found)


def test_old_findings_stay_quiet_when_lines_move(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An old broken anchor below an insertion moves to another line: still not introduced."""
    text = COURSES.replace("(#books)", "(#bookz)")
    repo = init_repo(tmp_path / "repo")
    base = commit_file(repo, "README.md", text, "seed")
    (repo / "README.md").write_text(
        text.replace("## Contents\n", "## Contents\n- [Intro](#awesome-learning)\n"), encoding="utf-8"
    )
    monkeypatch.chdir(repo)
    _, everything = json_findings(["check", "README.md"], capsys)
    assert [(d["code"], d["line"]) for d in everything if d["code"] == "LL501"] == [("LL501", 6)]
    _, found = json_findings(["check", "README.md", "--changed-since", base], capsys)
    assert not any(d["code"] == "LL501" for d in found), found


SHAPES = """# L

## Serving
- [A](https://a.example.org/): A paper
- [B](https://b.example.org/): B paper
- [C](https://c.example.org/) - C paper
- [D](https://d.example.org/): D paper
- [F](https://f.example.org/): F paper
- [G](https://g.example.org/): G paper
"""


def test_counts_in_old_messages_do_not_make_them_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry added to a section changes the counts in an old finding's message, not the finding."""
    repo = init_repo(tmp_path / "repo")
    base = commit_file(repo, "README.md", SHAPES, "seed")
    (repo / "README.md").write_text(SHAPES + "- [E](https://e.example.org/): E paper\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    # entry-shape (off by default) states counts in its message.
    _, everything = json_findings(["check", "README.md", "--extend-select", "entry-shape"], capsys)
    old = [d for d in everything if d["line"] == 6]
    assert old and any("(6 of 7 entries)" in d["message"] for d in old), everything
    _, found = json_findings(
        ["check", "README.md", "--extend-select", "entry-shape", "--changed-since", base], capsys
    )
    assert found == [], found


def test_changed_lines_only_needs_changed_since(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "README.md", "--changed-lines-only"]) == 2
    assert "--changed-lines-only needs --changed-since" in capsys.readouterr().err


def finding(line: int, message: str, code: str = "LL201") -> Diagnostic:
    return Diagnostic(code, "x", Severity.ERROR, message, "a.md", line, 1, line, 2)


def test_introduced_matches_through_the_diff() -> None:
    # Base: 10 lines.  Head: 2 lines inserted after line 3, line 8 replaced.
    hunks = read_hunks("@@ -3,0 +4,2 @@\n+a\n+b\n@@ -8 +10 @@\n-x\n+y\n")
    assert hunks == (Hunk(3, 0, 4, 2), Hunk(8, 1, 10, 1))
    change = FileChange("a.md", "a.md", Path("."), "c" * 40, frozenset({4, 5, 10}), "base", hunks)
    assert [change.base_line(n) for n in (1, 3, 4, 6, 9, 11, 12)] == [1, 3, None, 4, 7, 9, 10]
    base = [finding(4, "listed again at line 9"), finding(9, "old"), finding(7, "old", "LL101")]
    head = [
        finding(6, "listed again at line 11"),  # base line 4, same message up to line numbers: old
        finding(11, "old"),  # base line 9: old
        finding(9, "old", "LL101"),  # base line 7: old
        finding(12, "old"),  # base line 10 had none: new
        finding(10, "anything"),  # a changed line: reported
        finding(1, "new message"),  # new
    ]
    kept = introduced(head, base, change)
    assert [(d.line, d.message) for d in kept] == [(12, "old"), (10, "anything"), (1, "new message")]
    # Reworded by a change elsewhere (a section renamed): the same finding, quiet.
    # Two findings where the base had one: one of them is new.
    reworded = [finding(1, "also listed under 'Lectures'", "LL203")] * 2
    kept = introduced(reworded, [finding(1, "also listed under 'Courses'", "LL203")], change)
    assert len(kept) == 1
    assert normalized_message("listed again at lines 3, 5 and 9") == "listed again at lines N, N and N"
    assert normalized_message("usual shape (8 of 9 entries)") == normalized_message(
        "usual shape (9 of 10 entries)"
    )


# -- the network never fails a pull request --------------------------------------------

LINKS = """# L

- [Paper 1](https://paper1.example.org/p): Title 1
"""
NEW_LINKS = (
    "- [Paper 2](https://paper2.example.org/p): Title 2\n- [Arxiv](https://arxiv.org/abs/2408.12757): T\n"
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> NoReturn:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("select", ["LL6,LL70", "LL70"])
def test_offline_runner_in_a_pull_request(
    select: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / ".listlint.toml").write_text(f'cache-dir = "{tmp_path / "cache"}"\n', encoding="utf-8")
    base = commit_file(repo, "README.md", LINKS, "seed")
    (repo / "README.md").write_text(LINKS + NEW_LINKS, encoding="utf-8")
    monkeypatch.chdir(repo)
    args = ["check", "README.md", "--online", "--select", select]
    # A pull request: one warning on the file (line 1, not the contributor's
    # lines 4-5), and the run passes even with --fail-on warning.
    code = main([*args, "--changed-since", base, "--output-format", "github", "--fail-on", "warning"])
    out = capsys.readouterr().out
    found = [(c.name, c.properties["title"].split()[0], c.properties["line"]) for c in annotations_of(out)]
    code_name = "LL606" if select.startswith("LL6") else "LL707"
    assert found == [("warning", code_name, "1")], out
    assert code == 0
    # A full audit: the same outage is an error (LL606) and fails the run.
    code, audit = json_findings(args, capsys)
    if code_name == "LL606":
        assert code == 1 and [(d["code"], d["severity"], d["line"]) for d in audit] == [("LL606", "error", 3)]
    else:
        assert [(d["code"], d["severity"]) for d in audit] == [("LL707", "warning")]


# -- advice for a missing base that works -------------------------------------------------


@pytest.fixture
def shallow_clone(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A bare 'origin' with main (2 commits) and feature (1 more); a depth-1 clone of feature."""
    work = init_repo(tmp_path / "work")
    first = commit_file(work, "list.md", LINKS, "seed")
    second = commit_file(work, "list.md", LINKS + "- [x](https://x.example.org/): X\n", "main")
    git(work, "checkout", "-q", "-b", "feature")
    commit_file(work, "list.md", LINKS + NEW_LINKS, "feature")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth=1",
        "--single-branch",
        "--branch",
        "feature",
        f"file://{bare}",
        str(clone),
    )
    return clone, {"first": first, "second": second}


@pytest.mark.parametrize("ref", ["main", "origin/main", "refs/remotes/origin/main", "refs/heads/main", "SHA"])
def test_fetch_advice_resolves_the_ref(
    ref: str,
    shallow_clone: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clone, shas = shallow_clone
    ref = shas["first"] if ref == "SHA" else ref
    monkeypatch.chdir(clone)
    assert main(["check", "list.md", "--changed-since", ref]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fetch-depth: 0" in err
    command = re.search(r"`(git fetch [^`]*)`", err)
    assert command, err
    use = re.search(r"then use --changed-since (\S+?)\)", err)
    resolved = use.group(1) if use else ref
    subprocess.run(
        shlex.split(command.group(1)),
        cwd=clone,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
    )
    code, found = json_findings(["check", "list.md", "--changed-since", resolved], capsys)
    assert code == 0
    assert all(d["line"] >= 4 for d in found)


def test_fetch_advice_forms() -> None:
    assert fetch_advice("main", ["origin"], shallow=True) == (
        "git fetch --depth=1 origin main:refs/remotes/origin/main",
        "origin/main",
    )
    assert fetch_advice("upstream/dev", ["origin", "upstream"], shallow=False) == (
        "git fetch upstream dev:refs/remotes/upstream/dev",
        "upstream/dev",
    )
    sha = "a" * 40
    assert fetch_advice(sha, ["origin"], shallow=True) == (f"git fetch --depth=1 origin {sha}", sha)
    assert "full 40-character SHA" in fetch_advice("abc1234", ["origin"], shallow=True)[0]


def test_first_commit_has_everything_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """pre-commit's first commit: HEAD does not exist yet; every staged line is new."""
    repo = init_repo(tmp_path / "repo")
    (repo / "README.md").write_text(COURSES.replace("(#books)", "(#bookz)"), encoding="utf-8")
    git(repo, "add", "README.md")
    monkeypatch.chdir(repo)
    code, found = json_findings(["check", "README.md", "--changed-since", "HEAD"], capsys)
    assert code == 1 and [d["code"] for d in found if d["code"] == "LL501"] == ["LL501"]


# -- pre-commit ------------------------------------------------------------------------------

PROJECT = Path(__file__).resolve().parent.parent
OLD_FINDINGS = """# L

- [A](https://arxiv.org/abs/2408.12757): T
- [A again](https://arxiv.org/abs/2408.12757): T
- [C](https://example.org/c?utm_source=x): C
"""
NEW_LINE = "- [B](https://example.org/b?utm_campaign=y): B\n"


def adopted_repo(root: Path) -> Path:
    repo = init_repo(root)
    commit_file(repo, "README.md", OLD_FINDINGS, "a list with old findings")
    (repo / "README.md").write_text(OLD_FINDINGS + NEW_LINE, encoding="utf-8")
    git(repo, "add", "README.md")
    return repo


def test_default_hook_reports_what_the_commit_introduces(tmp_path: Path) -> None:
    """The hooks' entries, run as pre-commit runs them: ``entry FILE...`` in the repository."""
    import yaml

    hooks = {
        h["id"]: h for h in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    repo = adopted_repo(tmp_path / "repo")
    (repo / "README.md").write_text(
        OLD_FINDINGS + NEW_LINE + "unstaged, stashed by pre-commit\n", encoding="utf-8"
    )
    git(repo, "stash", "push", "-q", "--keep-index")  # what pre-commit does with unstaged changes

    def run(hook: str) -> subprocess.CompletedProcess[str]:
        entry = shlex.split(hooks[hook]["entry"])
        assert entry[0] == "listlint"
        return subprocess.run(
            [sys.executable, "-m", "listlint", *entry[1:], "--output-format", "concise", "README.md"],
            cwd=repo,
            capture_output=True,
            text=True,
            env={**os.environ, **GIT_ENV, "PYTHONPATH": str(PROJECT / "src"), "NO_COLOR": "1"},
            timeout=60,
        )

    introduced_only = run("listlint")
    assert introduced_only.returncode == 0, introduced_only.stdout + introduced_only.stderr
    lines = [line for line in introduced_only.stdout.splitlines() if line.startswith("README.md:")]
    assert lines and all(line.startswith("README.md:6:") for line in lines), introduced_only.stdout
    full = run("listlint-full")
    assert full.returncode == 1  # the old duplicate is an error
    assert {line.split(":")[1] for line in full.stdout.splitlines() if line.startswith("README.md:")} >= {
        "4",
        "5",
        "6",
    }


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """``pre-commit try-repo`` against this checkout (it installs the project into a venv)."""
    import shutil

    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed")
    repo = adopted_repo(tmp_path / "repo")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    done = subprocess.run(
        ["pre-commit", "try-repo", str(PROJECT), "listlint", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "README.md:6:" in done.stdout and "README.md:4:" not in done.stdout, done.stdout
