"""Local links (LL503 missing-local-file, LL504 broken-file-anchor) in real repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ci_support import commit_file, git, init_repo

from listlint.cli import main

GUIDE = '# Guide\n\n## How to add\n\nSteps.\n\n## How to add\n\nAgain.\n<a name="custom"></a>\n'

LIST = """# Awesome

- [Guide](docs/guide.md): ok
- [Guide section](docs/guide.md#how-to-add): ok
- [Second one](docs/guide.md#how-to-add-1): ok, GitHub's suffix
- [Custom](docs/guide.md#custom): ok, an HTML anchor
- [Case](docs/guide.md#HOW-TO-ADD): ok, case-insensitive
- [Encoded](docs/my%20notes.md): ok
- [Query](docs/guide.md?plain=1): ok
- [Absolute](/docs/guide.md): ok, from the root
- [Folder](docs): ok, a folder
- [Folder slash](docs/): ok
- [Blob](../blob/main/docs/guide.md): ok, GitHub's view form
- [Tree](../../tree/main/docs): ok
- [Top](docs/guide.md#top): ok
- [Outside](../../outside.md): not ours
- [Mail](mailto:someone@example.org): not local
- [Web](https://example.org/x.md): not local
- [Proto](//example.org/x): not local
- [Self](#awesome): in-file
![logo](images/logo.png)
<img src="images/logo.png" alt="logo">

## Broken

- [Missing](docs/missing.md): error
- [Wrong case](Docs/guide.md): error
- [Missing folder](nowhere/): error
- [Bad fragment](docs/guide.md#how-to-ad): error with a suggestion
- [Bad fragment 2](docs/guide.md#nothing-like-it): error
- [Missing absolute](/no/such/file.md): error
![missing logo](images/missing.png)
<img src="images/gone.png">
- [Missing with fragment](docs/missing.md#x): one error (the file)
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:
    code = main(["check", *args, "--select", "LL503,LL504", "--output-format", "json"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return code, json.loads(out.out)["diagnostics"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text(GUIDE, encoding="utf-8")
    (root / "docs" / "my notes.md").write_text("# Notes\n", encoding="utf-8")
    (root / "images").mkdir()
    (root / "images" / "logo.png").write_bytes(b"\x89PNG\r\n")
    (root / "README.md").write_text(LIST, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "seed")
    return root


def test_local_links(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    code, found = run(capsys, "README.md")
    assert code == 1
    broken_from = LIST.splitlines().index("## Broken") + 1
    assert all(d["line"] > broken_from for d in found), [(d["line"], d["message"]) for d in found]
    got = [(d["code"], d["message"]) for d in found]
    assert got == [
        ("LL503", "no file or folder 'docs/missing.md' in this repository"),
        ("LL503", "no file or folder 'Docs/guide.md' in this repository"),
        ("LL503", "no file or folder 'nowhere' in this repository"),
        ("LL504", "no heading or anchor '#how-to-ad' in docs/guide.md; did you mean '#how-to-add'?"),
        ("LL504", "no heading or anchor '#nothing-like-it' in docs/guide.md"),
        ("LL503", "no file or folder 'no/such/file.md' in this repository"),
        ("LL503", "no image 'images/missing.png' in this repository"),
        ("LL503", "no image 'images/gone.png' in this repository"),
        ("LL503", "no file or folder 'docs/missing.md' in this repository"),
    ]
    suggestion = next(d for d in found if d["code"] == "LL504" and d["fix"])
    assert suggestion["fix"]["applicability"] == "unsafe"
    assert suggestion["fix"]["edits"][0]["content"] == "docs/guide.md#how-to-add"


def test_from_a_subfolder_and_another_working_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "docs" / "list.md").write_text(
        "# L\n\n- [Up](../README.md)\n- [Here](guide.md#how-to-add)\n"
        "- [Root](/images/logo.png)\n- [No](guide.md#no)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(repo.parent)
    code, found = run(capsys, "repo/docs/list.md")
    assert [(d["code"], d["line"]) for d in found] == [("LL504", 6)]


def test_no_repository_and_no_config_checks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A README copied out of its repository: nothing to resolve against."""
    (tmp_path / "list.md").write_text("# L\n\n- [Contributing](CONTRIBUTING.md)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert run(capsys, "list.md") == (0, [])
    # With a config file, its folder is the root.
    (tmp_path / ".listlint.toml").write_text("", encoding="utf-8")
    code, found = run(capsys, "list.md")
    assert code == 1 and [d["code"] for d in found] == ["LL503"]


def test_deleted_and_renamed_files_in_a_pull_request(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PR that touches only other files still breaks the list's unchanged lines."""
    monkeypatch.chdir(repo)
    base = git(repo, "rev-parse", "HEAD")
    _, before = run(capsys, "README.md", "--changed-since", base)
    assert before == []  # nothing changed: the old broken links stay quiet
    git(repo, "mv", "docs/my notes.md", "docs/notes.md")
    git(repo, "rm", "-q", "images/logo.png")
    (repo / "docs" / "guide.md").write_text(
        GUIDE.replace("## How to add\n\nSteps", "## Adding\n\nSteps"), encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", "rename, delete, retitle")
    code, found = run(capsys, "README.md", "--changed-since", base)
    lines = LIST.splitlines()
    encoded = lines.index("- [Encoded](docs/my%20notes.md): ok") + 1
    logo = lines.index("![logo](images/logo.png)") + 1
    section = lines.index("- [Guide section](docs/guide.md#how-to-add): ok") + 1
    assert code == 1
    introduced = sorted((d["code"], d["line"]) for d in found)
    # The repeated heading is now the only "how-to-add": '#how-to-add-1' breaks, '#how-to-add' holds.
    second = lines.index("- [Second one](docs/guide.md#how-to-add-1): ok, GitHub's suffix") + 1
    assert introduced == sorted(
        [("LL503", encoded), ("LL503", logo), ("LL503", logo + 1), ("LL504", second)]
    ), found
    assert section not in {line for _, line in introduced}
    # --changed-lines-only: README.md did not change, so nothing.
    assert run(capsys, "README.md", "--changed-since", base, "--changed-lines-only") == (0, [])


def test_renamed_heading_in_the_linked_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "repo")
    commit_file(repo, "CONTRIBUTING.md", "# Contributing\n\n## How to add\n", "guide")
    base = commit_file(repo, "README.md", "# L\n\nSee [adding](CONTRIBUTING.md#how-to-add).\n", "list")
    commit_file(repo, "CONTRIBUTING.md", "# Contributing\n\n## Adding entries\n", "retitle")
    monkeypatch.chdir(repo)
    code, found = run(capsys, "README.md", "--changed-since", base)
    assert code == 1 and [(d["code"], d["line"]) for d in found] == [("LL504", 3)]


def test_a_file_added_between_runs_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing about the disk outlives a run (an editor or a server lints the same process twice)."""
    root = init_repo(tmp_path / "repo")
    (root / "README.md").write_text("# L\n\n- [Guide](docs/guide.md)\n", encoding="utf-8")
    (root / "docs").mkdir()
    monkeypatch.chdir(root)
    assert run(capsys, "README.md")[0] == 1
    (root / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    assert run(capsys, "README.md") == (0, [])
