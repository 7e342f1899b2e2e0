"""`--fix` changes only the bytes it reports, and a second run changes nothing.

Unit tests pin the byte-for-byte promise (CRLF, BOM, no trailing newline,
Latin-1, HTML blocks); the real-world test runs `--fix` on a copy of every
list in ../shared/corpora (skipped when the folder is absent).
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from listlint.cli import main
from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.pipeline import RunOptions, lint_paths

MESSY = "https://www.arxiv.org/pdf/2312.06902v1.pdf?utm_source=feed"
CLEAN = "https://arxiv.org/abs/2312.06902"
ENTRIES = [
    "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving Throughput",
    "- [Helix](https://arxiv.org/abs/2406.01566): Max-Flow on Heterogeneous GPUs",
    f"- [Perseus]({MESSY}): Removing Energy Bloat",
]


def fix(path: Path, *extra: str) -> int:
    return main(
        [
            "check",
            "--select",
            "LL4",
            "--fix",
            "--exit-zero",
            "--output-format",
            "concise",
            *extra,
            str(path),
        ]
    )


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("crlf", lambda lines: "\r\n".join(lines).encode() + b"\r\n"),
        ("bom", lambda lines: b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n"),
        ("no-final-newline", lambda lines: "\n".join(lines).encode()),
        (
            "latin-1",
            lambda lines: "\n".join(["Caf\xe9 na\xefve list", *lines]).encode("latin-1") + b"\n",
        ),
        (
            "mixed-endings",
            lambda lines: (lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r").encode(),
        ),
    ],
)
def test_fix_keeps_every_other_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, encode: object
) -> None:
    path = tmp_path / "README.md"
    original = encode(ENTRIES)  # type: ignore[operator]
    path.write_bytes(original)
    fix(path)
    capsys.readouterr()
    expected = original.replace(MESSY.encode(), CLEAN.encode())
    assert path.read_bytes() == expected
    fix(path)
    assert path.read_bytes() == expected


def test_html_blocks_survive_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = (
        '<details>\n<summary>2024</summary>\n\n<p align="center">\n'
        '  <img src="https://img.shields.io/badge/x-y-z.svg?utm_source=badge"  alt="b">\n'
        "</p>\n\n"
    )
    text = html + "\n".join(ENTRIES) + "\n\n</details>\n<!-- a comment  -->\n"
    path = tmp_path / "README.md"
    path.write_bytes(text.encode())
    fix(path)
    capsys.readouterr()
    # Images are not links: the badge keeps its parameter, the HTML keeps its bytes.
    assert path.read_bytes() == text.replace(MESSY, CLEAN).encode()


def test_diff_prints_a_unified_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "README.md"
    original = ("\n".join(ENTRIES) + "\n").encode()
    path.write_bytes(original)
    code = main(["check", "--select", "LL4", "--diff", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert path.read_bytes() == original
    assert f"-{ENTRIES[2]}\n" in out and f"+{ENTRIES[2].replace(MESSY, CLEAN)}\n" in out
    assert out.startswith("--- a/")


def test_unsafe_fixes_remove_an_exact_duplicate_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "README.md"
    text = "## Serving\n\n" + "\n".join([ENTRIES[0], ENTRIES[1], ENTRIES[0]]) + "\n\nEnd.\n"
    path.write_bytes(text.encode())
    main(["check", "--select", "LL201", "--fix", "--exit-zero", str(path)])
    assert path.read_bytes() == text.encode(), "a safe --fix never removes an entry"
    main(["check", "--select", "LL201", "--fix", "--unsafe-fixes", "--exit-zero", str(path)])
    capsys.readouterr()
    assert path.read_text() == "## Serving\n\n" + ENTRIES[0] + "\n" + ENTRIES[1] + "\n\nEnd.\n"


# -- real lists ---------------------------------------------------------------------


def covered_lines(fixed: list[Diagnostic]) -> set[int]:
    return {line for d in fixed if d.fix for e in d.fix.edits for line in range(e.line, e.end_line + 1)}


def changed_lines(before: str, after: str) -> set[int]:
    old, new = before.splitlines(), after.splitlines()
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            changed.update(range(i1 + 1, max(i2, i1 + 1) + 1))
    return changed


LISTS = ["seed.md", "llmsys-paperlist.md", "awesome-llm.md", "awesome-go.md"]


@pytest.mark.realworld
@pytest.mark.parametrize("name", LISTS)
def test_fix_on_a_corpus_list_is_reported_and_idempotent(
    corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / name
    shutil.copyfile(corpora / name, path)
    before = path.read_bytes()
    result = lint_paths([str(path)], Settings(), RunOptions(fix=True)).files[0]
    assert result.fixed, f"{name}: expected something to fix"
    assert main(["check", "--fix", "--exit-zero", "--output-format", "concise", str(path)]) == 0
    after = path.read_bytes()
    assert after != before
    assert after == result.source.encode(result.fixed_text or "")
    # Every changed line lies inside the edits of a fix that was reported.
    stray = changed_lines(result.source.text, result.fixed_text or "") - covered_lines(result.fixed)
    assert not stray, f"{name}: lines changed without a reported fix: {sorted(stray)[:10]}"
    # The second run changes nothing.
    assert main(["check", "--fix", "--exit-zero", "--output-format", "concise", str(path)]) == 0
    assert path.read_bytes() == after, f"{name}: the second --fix changed the file"
    capsys.readouterr()
