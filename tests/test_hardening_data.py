"""Data safety around the list file: the report never overwrites an input, a
report that cannot be written is one line, --fix leaves read-only files alone,
a symlinked cache is never followed, one file named several ways is linted
once, and inputs that are not files (a pipe with no writer, a device) are
errors, not empty lists."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import one_line_error

from listlint.cli import main
from listlint.net.cache import CACHE_FILE, Cache

SRC = Path(__file__).resolve().parent.parent / "src"
LIST = "# L\n\n- [A](https://a.example/x?utm_source=feed)\n- [A](https://a.example/x?utm_source=feed)\n"


def run_cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("LISTLINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "listlint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    "report", ["README.md", "./README.md", "sub/../README.md", "{abs}", "link.md", "hard.md"]
)
def test_a_report_path_that_is_an_input_is_refused(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], report: str
) -> None:
    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / "sub").mkdir()
    (in_tmp / "link.md").symlink_to("README.md")
    os.link(in_tmp / "README.md", in_tmp / "hard.md")
    target = report.format(abs=in_tmp / "README.md")
    assert main(["check", "-o", target, "--output-format", "json", "README.md"]) == 2
    one_line_error(capsys, "refusing to overwrite")
    assert (in_tmp / "README.md").read_text() == LIST


def test_a_report_next_to_the_input_is_written(in_tmp: Path) -> None:
    (in_tmp / "README.md").write_text(LIST)
    assert main(["check", "-o", "report.json", "--output-format", "json", "README.md"]) == 1
    assert json.loads((in_tmp / "report.json").read_text())["diagnostics"]


@pytest.mark.parametrize("report", ["/dev/full", "missing/dir/report.json", "."])
@pytest.mark.parametrize("format_name", ["json", "text", "sarif"])
def test_an_unwritable_report_is_one_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], report: str, format_name: str
) -> None:
    if report == "/dev/full" and not os.path.exists(report):
        pytest.skip("no /dev/full")
    (in_tmp / "README.md").write_text(LIST)
    assert main(["check", "-o", report, "--output-format", format_name, "README.md"]) == 2
    one_line_error(capsys, "cannot write report")


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_fix_refuses_a_read_only_list(in_tmp: Path, capsys: pytest.CaptureFixture[str], mode: int) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    readme.chmod(mode)
    try:
        assert main(["check", "--fix", "README.md"]) == 2
        one_line_error(capsys, "README.md", "read-only")
        assert readme.read_text() == LIST
        assert readme.stat().st_mode & 0o777 == mode
        assert sorted(p.name for p in in_tmp.iterdir()) == [".git", "README.md"]  # no temp file left
    finally:
        readme.chmod(0o644)


def test_fix_on_a_hard_link_fixes_the_named_path_and_leaves_the_other_link(in_tmp: Path) -> None:
    """Documented (README, "--fix"): the write replaces the file by rename, so
    another hard link keeps the old text; the named path is fixed whole."""
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    os.link(readme, in_tmp / "other.md")
    assert main(["check", "--fix", "--select", "LL401", "README.md"]) == 0
    assert "utm_source" not in readme.read_text()
    assert (in_tmp / "other.md").read_text() == LIST


def test_the_readme_documents_hard_links() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "hard link" in readme


@pytest.mark.parametrize(
    "names",
    [
        ["README.md", "./README.md"],
        ["README.md", "./README.md", "{abs}"],
        ["README.md", "link.md"],
        ["README.md", "hard.md", "x/../README.md"],
    ],
)
def test_one_file_named_several_ways_is_linted_once(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], names: list[str]
) -> None:
    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / "x").mkdir()
    (in_tmp / "link.md").symlink_to("README.md")
    os.link(in_tmp / "README.md", in_tmp / "hard.md")
    paths = [name.format(abs=in_tmp / "README.md") for name in names]
    assert main(["check", "--output-format", "json", *paths]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["files"] == 1
    assert {d["path"] for d in report["diagnostics"]} == {paths[0]}
    codes = [d["code"] for d in report["diagnostics"]]
    assert codes.count("LL401") == 2  # once per link, not once per name


def test_two_different_files_are_both_linted(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "a.md").write_text(LIST)
    (in_tmp / "b.md").write_text(LIST)
    assert main(["check", "--output-format", "json", "a.md", "b.md"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["files"] == 2


def test_a_symlinked_cache_is_never_followed(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE mine (x)")
    connection.close()
    before = other.read_bytes()
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / CACHE_FILE).symlink_to(other)
    notes: list[str] = []
    cache = Cache.open(folder, notes=notes)
    try:
        assert cache.path is None  # in memory only
        cache.put("ns", "k", {"v": 1}, 60)
        assert cache.get("ns", "k") == {"v": 1}
    finally:
        cache.close()
    assert other.read_bytes() == before
    with sqlite3.connect(other) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert tables == {"mine"}
    assert len(notes) == 1 and "symbolic link" in notes[0] and "not followed" in notes[0]


@pytest.mark.parametrize("suffix", ["-wal", "-journal"])
def test_a_symlinked_cache_journal_is_not_followed(tmp_path: Path, suffix: str) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / (CACHE_FILE + suffix)).symlink_to(victim)
    notes: list[str] = []
    cache = Cache.open(folder, notes=notes)
    cache.close()
    assert cache.path is None and notes
    assert victim.read_text() == "keep"


def test_a_regular_cache_still_persists(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path, notes=[])
    cache.put("ns", "k", {"v": 2}, 60)
    cache.close()
    again = Cache.open(tmp_path, notes=[])
    try:
        assert again.get("ns", "k") == {"v": 2}
    finally:
        again.close()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_list_fifo_without_a_writer_is_an_error(in_tmp: Path) -> None:
    os.mkfifo(in_tmp / "list.md")
    result = run_cli("check", "list.md", cwd=in_tmp)
    assert result.returncode == 2
    assert result.stderr == "listlint: error: list.md: a named pipe with no writer (nothing to read)\n"


def test_a_process_substitution_pipe_is_read(in_tmp: Path) -> None:
    (in_tmp / "README.md").write_text(LIST)
    result = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m listlint check --output-format concise <(cat README.md)"],
        cwd=in_tmp,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result
    assert "LL401" in result.stdout


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_list_device_is_refused(in_tmp: Path, capsys: pytest.CaptureFixture[str], device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    (in_tmp / ".listlint.toml").write_text("max-file-size = 0\n")  # no size limit to save us
    assert main(["check", device]) == 2
    one_line_error(capsys, device, "not a regular file or a pipe")
