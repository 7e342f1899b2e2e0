"""Replay planted pull requests on the real lists: heading renames, anchor breaks, duplicates.

Each real list (``../shared/corpora``, skipped when absent) is committed to a
fresh repository; then each planted change is committed and checked the way
a pull request is (``--changed-since PARENT``), and compared with what the
change caused, computed independently from a full lint of both versions and
difflib (``caused`` in test_ci_replay.py).  Lists over 150 KB run only with
``LISTLINT_REPLAY_ALL=1`` (they take seconds each).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from ci_support import git, init_repo
from test_ci_replay import caused, full_lint, line_map

from listlint.cli import main

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
LISTS = sorted(p for p in CORPORA.glob("*.md") if p.name != "README.md") if CORPORA.is_dir() else []
BIG = 150_000
ANCHOR_LINK_RE = re.compile(r"\]\(#([^)\s]+)\)")


def linked_heading(text: str) -> tuple[str, str] | None:
    """A heading line that some ``(#anchor)`` link points at, and its renamed form."""
    from listlint.document import parse_document
    from listlint.source import Source

    document = parse_document(Source(path="x.md", text=text))
    wanted = {m.group(1).lower() for m in ANCHOR_LINK_RE.finditer(text)}
    lines = text.split("\n")
    for section in document.sections[1:]:
        if section.anchor.lower() in wanted:
            line = lines[section.line - 1]
            if line.lstrip().startswith("#") and lines.count(line) == 1:
                return line, line.rstrip() + " Renamed"
    return None


def planted(text: str) -> list[tuple[str, Callable[[str], str]]]:
    edits: list[tuple[str, Callable[[str], str]]] = []
    heading = linked_heading(text)
    if heading is not None:
        old, new = heading
        edits.append(("rename a linked heading", lambda t: t.replace(old + "\n", new + "\n", 1)))
    anchor = ANCHOR_LINK_RE.search(text)
    if anchor is not None:
        start, end = anchor.span(1)
        edits.append(("break an anchor", lambda t, s=start, e=end: t[:s] + t[s:e] + "-typo" + t[e:]))
    entry = next(
        (line for line in text.split("\n") if re.match(r"\s*(?:[-*+]|\d+\.) .*\]\(https?://", line)), None
    )
    if entry is not None:
        edits.append(
            ("add a duplicate at the end", lambda t, line=entry: t.rstrip("\n") + "\n" + line + "\n")
        )
    return edits


@pytest.mark.skipif(not LISTS, reason="the real lists are not here")
@pytest.mark.parametrize("corpus", LISTS, ids=lambda p: p.stem)
def test_planted_changes_on_real_lists(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = corpus.read_text(encoding="utf-8")
    if len(text) > BIG and not os.environ.get("LISTLINT_REPLAY_ALL"):
        pytest.skip("a big list; set LISTLINT_REPLAY_ALL=1")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    repo = init_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    (repo / "list.md").write_text(text, encoding="utf-8")
    git(repo, "add", "list.md")
    git(repo, "commit", "-q", "-m", "seed")
    before = full_lint(capsys)
    figures = {"commits": 0, "reported": 0, "elsewhere": 0, "outside": 0, "missed": 0}
    for message, edit in planted(text):
        parent = git(repo, "rev-parse", "HEAD")
        new_text = edit(text)
        assert new_text != text, message
        (repo / "list.md").write_text(new_text, encoding="utf-8")
        git(repo, "commit", "-q", "-am", message)
        after = full_lint(capsys)
        want = caused(before, after, text, new_text)
        assert main(["check", "list.md", "--changed-since", parent, "--output-format", "json"]) in (0, 1)
        found = json.loads(capsys.readouterr().out)["diagnostics"]
        got = sorted(
            (d["code"], d["severity"], d["line"], d["column"] if d["line"] == d["end_line"] else 0)
            for d in found
        )
        added, _ = line_map(text, new_text)
        strip = (lambda rows: sorted((c, *r) for c, _, *r in rows)) if "duplicate" in message else sorted
        figures["commits"] += 1
        figures["reported"] += len(got)
        figures["elsewhere"] += sum(1 for _, _, line, _ in got if line not in added)
        figures["outside"] += len(set(strip(got)) - set(strip(want)))
        figures["missed"] += len(set(strip(want)) - set(strip(got)))
        if message == "rename a linked heading":
            assert any(code == "LL501" and line not in added for code, _, line, _ in got), got
        if message == "break an anchor":
            assert any(code == "LL501" for code, *_ in got), got
        text, before = new_text, after
    with capsys.disabled():
        print(f"\n{corpus.stem}: {figures}")
    assert figures["outside"] == 0 and figures["missed"] == 0, figures
