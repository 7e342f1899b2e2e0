"""Hardening: ``--fix`` never loses data.

Atomic writes (temp file in the same folder, fsync, rename), permissions and
symlinks kept, a process killed mid-write leaves the original intact, two
concurrent ``--fix`` runs take turns (an advisory lock, then a re-read), and
encoding, BOM, line endings and final newline survive byte for byte.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_hardening_input import ENCODINGS, LIST, REVERSED

from listlint.cli import main
from listlint.config import Settings
from listlint.errors import InputError
from listlint.fixes import locked_for_fixing, write_atomically
from listlint.pipeline import RunOptions, lint_paths

FIXED_LINK = "[Helix](https://arxiv.org/abs/2406.01566)"
FIXED_LIST = LIST.replace(REVERSED, FIXED_LINK)
TRACKED = "https://github.com/vllm-project/vllm?utm_source=twitter"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LISTLINT_DEBUG", raising=False)
    (tmp_path / ".git").mkdir()
    return tmp_path


def fix(*paths: str, select: str = "LL101") -> int:
    return main(["check", "--fix", "--select", select, "--exit-zero", "--output-format", "concise", *paths])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in (".git", "README.md", "docs"))


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_fix_keeps_encoding_bom_and_line_endings(in_tmp: Path, encoding: str) -> None:
    readme = in_tmp / "README.md"
    readme.write_bytes(ENCODINGS[encoding](LIST))
    fix("README.md")
    assert readme.read_bytes() == ENCODINGS[encoding](FIXED_LIST)
    assert leftovers(in_tmp) == []


def test_write_is_temp_in_same_folder_fsynced_then_renamed(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    readme.chmod(0o640)
    calls: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").is_dir() else fd))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        calls.append(("replace", (Path(src).parent, Path(src).name, Path(dst))))
        assert readme.read_text() == LIST  # the original is untouched until the rename
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    fix("README.md")
    kinds = [kind for kind, _ in calls]
    assert kinds.index("fsync") < kinds.index("replace")
    folder, temp_name, target = next(value for kind, value in calls if kind == "replace")  # type: ignore[misc]
    assert folder == in_tmp and target == readme.resolve()
    assert temp_name.startswith(".README.md.") and not temp_name.endswith(".md")
    assert readme.read_text() == FIXED_LIST
    assert oct(readme.stat().st_mode & 0o777) == oct(0o640)


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o664, 0o755])
def test_permissions_are_preserved(in_tmp: Path, mode: int) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    readme.chmod(mode)
    fix("README.md")
    assert readme.read_text() == FIXED_LIST
    assert readme.stat().st_mode & 0o7777 == mode


def test_a_symlinked_readme_is_fixed_through_the_link(in_tmp: Path) -> None:
    (in_tmp / "docs").mkdir()
    target = in_tmp / "docs" / "LIST.md"
    target.write_text(LIST)
    target.chmod(0o640)
    (in_tmp / "README.md").symlink_to(Path("docs") / "LIST.md")
    fix("README.md")
    assert (in_tmp / "README.md").is_symlink()
    assert os.readlink(in_tmp / "README.md") == str(Path("docs") / "LIST.md")
    assert target.read_text() == FIXED_LIST
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in (in_tmp / "docs").iterdir()) == ["LIST.md"]


def test_unwritable_folder_is_one_line_and_leaves_the_file(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("listlint.fixes.tempfile.mkstemp", refuse)
    assert fix("README.md") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "README.md" in err and "Read-only" in err, err
    assert readme.read_text() == LIST


def test_disk_full_mid_write_removes_the_temp_file(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert fix("README.md") == 2
    assert "No space left" in capsys.readouterr().err
    assert readme.read_text() == LIST
    assert leftovers(in_tmp) == []


def test_a_file_changed_while_fixing_is_not_overwritten(in_tmp: Path) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    result = lint_paths(["README.md"], Settings().with_values(select=["LL101"]), RunOptions(fix=True))
    file = result.files[0]
    assert file.changed
    readme.write_text(LIST + "- an edit saved meanwhile\n")  # an editor saves in between
    with pytest.raises(InputError, match="changed on disk"):
        write_atomically(file.source, file.fixed_text or "")
    assert readme.read_text() == LIST + "- an edit saved meanwhile\n"
    assert leftovers(in_tmp) == []


# -- killed in the middle ----------------------------------------------------------

DRIVER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    stage, marker, path = sys.argv[1], Path(sys.argv[2]), sys.argv[3]

    def stall():
        marker.write_text(stage)
        time.sleep(60)

    if stage == "write":
        real_fdopen = os.fdopen

        class HalfThenStall:
            def __init__(self, stream):
                self.stream = stream
            def write(self, data):
                self.stream.write(data[: len(data) // 2])
                self.stream.flush()
                stall()
                return self.stream.write(data[len(data) // 2 :])
            def __getattr__(self, name):
                return getattr(self.stream, name)
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                return self.stream.__exit__(*exc)

        os.fdopen = lambda *a, **k: HalfThenStall(real_fdopen(*a, **k))
    elif stage == "fsync":
        real_fsync = os.fsync
        def fsync(fd):
            real_fsync(fd)
            stall()
        os.fsync = fsync
    elif stage == "rename":
        real_replace = os.replace
        def replace(src, dst):
            stall()
            real_replace(src, dst)
        os.replace = replace
    elif stage == "locked":
        import listlint.commands.check as check
        real_write = check.write_atomically
        def write(source, text):
            marker.write_text(stage)
            time.sleep(float(os.environ.get("LISTLINT_TEST_HOLD", "1")))
            real_write(source, text)
        check.write_atomically = write

    from listlint.cli import main
    select = os.environ.get("LISTLINT_TEST_SELECT", "LL101")
    sys.exit(main(["check", "--fix", "--exit-zero", "--select", select, "--output-format",
                   "concise", path]))
    """
)


def start_driver(folder: Path, stage: str, marker: Path, **env: str) -> subprocess.Popen[bytes]:
    script = folder.parent / "fix_driver.py"
    script.write_text(DRIVER)
    environment = {k: v for k, v in os.environ.items() if k != "LISTLINT_DEBUG"}
    environment.update(env)
    return subprocess.Popen(
        [sys.executable, str(script), stage, str(marker), "README.md"],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(marker: Path, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not marker.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"driver ended early ({process.returncode}): {out!r} {err!r}")
        if time.monotonic() > deadline:
            process.kill()
            process.communicate()
            pytest.fail("driver never reached its stage")
        time.sleep(0.02)


@pytest.mark.parametrize("stage", ["write", "fsync", "rename"])
def test_sigkill_mid_fix_leaves_the_original_intact(in_tmp: Path, stage: str) -> None:
    # A list of ~300 KB, so that the write is a real one (the stall makes the timing exact).
    filler = "".join(f"- [P{i}](https://arxiv.org/abs/2401.{i:05d}): Title {i}\n" for i in range(6_000))
    original = (LIST + filler).encode()
    readme = in_tmp / "README.md"
    readme.write_bytes(original)
    marker = in_tmp.parent / f"marker-{stage}"
    process = start_driver(in_tmp, stage, marker)
    try:
        wait_for(marker, process)
        if stage == "write":
            temps = [p for p in in_tmp.iterdir() if p.name.endswith(".listlint-tmp")]
            assert temps and 0 < temps[0].stat().st_size < len(original)  # really half-written
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert readme.read_bytes() == original
    # No garbage a Markdown tool would pick up: at most a hidden *.listlint-tmp.
    assert [name for name in leftovers(in_tmp) if not name.endswith(".listlint-tmp")] == []
    assert all(name.startswith(".README.md.") for name in leftovers(in_tmp))
    # The next run fixes the file normally, and removes what the killed one left.
    fix("README.md")
    assert readme.read_bytes() == (FIXED_LIST + filler).encode()
    assert leftovers(in_tmp) == []


@pytest.mark.parametrize("stage", ["write", "fsync", "rename"])
def test_sigterm_mid_fix_leaves_the_original_and_no_temp_file(in_tmp: Path, stage: str) -> None:
    readme = in_tmp / "README.md"
    filler = "".join(f"- [P{i}](https://arxiv.org/abs/2401.{i:05d}): Title {i}\n" for i in range(6_000))
    original = (LIST + filler).encode()
    readme.write_bytes(original)
    marker = in_tmp.parent / f"marker-term-{stage}"
    process = start_driver(in_tmp, stage, marker)
    try:
        wait_for(marker, process)
        os.kill(process.pid, signal.SIGTERM)  # what a cancelled CI job sends first
    finally:
        process.wait(timeout=30)
        out, err = process.communicate()
    assert process.returncode == 128 + signal.SIGTERM, (out, err)
    assert b"Traceback" not in err
    assert readme.read_bytes() == original
    assert leftovers(in_tmp) == []  # the temp file went with the run


def test_concurrent_fixes_take_turns_and_keep_both(in_tmp: Path) -> None:
    # Process A fixes the reversed link, process B the tracking parameter.
    # Without the lock, B would read the file before A wrote it and either
    # drop A's fix or (with the changed-on-disk guard) refuse to write.
    readme = in_tmp / "README.md"
    readme.write_text(LIST + f"- [vLLM]({TRACKED}): Serving engine\n")
    marker_a = in_tmp.parent / "marker-a"
    first = start_driver(in_tmp, "locked", marker_a, LISTLINT_TEST_SELECT="LL101", LISTLINT_TEST_HOLD="1.5")
    wait_for(marker_a, first)  # A has read the file and is about to write it
    second = start_driver(
        in_tmp,
        "locked",
        in_tmp.parent / "marker-b",
        LISTLINT_TEST_SELECT="tracking-parameter",
        LISTLINT_TEST_HOLD="0",
    )
    results = [(p.wait(timeout=60), *p.communicate()) for p in (first, second)]
    assert [code for code, _, _ in results] == [0, 0], results
    text = readme.read_text()
    assert FIXED_LINK in text and REVERSED not in text
    assert "utm_source" not in text and "https://github.com/vllm-project/vllm)" in text
    assert leftovers(in_tmp) == []


def test_lock_times_out_with_one_line(in_tmp: Path) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    with locked_for_fixing(["README.md"]):
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "from listlint.fixes import locked_for_fixing\n"
                "from listlint.errors import InputError\n"
                "try:\n"
                "    with locked_for_fixing(['README.md'], timeout=0.3):\n"
                "        print('entered')\n"
                "except InputError as exc:\n"
                "    print('refused:', exc)\n",
            ],
            cwd=in_tmp,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert probe.stdout.startswith("refused:") and "lock" in probe.stdout, probe
    with locked_for_fixing(["README.md"], timeout=0.3):
        pass  # released again


def test_ctrl_c_mid_write_leaves_no_temp_file(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    assert fix("README.md") == 130
    assert "interrupted" in capsys.readouterr().err
    assert readme.read_text() == LIST
    assert leftovers(in_tmp) == []


def test_ownership_is_preserved(in_tmp: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    os.chown(readme, 65534, 65534)
    fix("README.md")
    assert readme.read_text() == FIXED_LIST
    assert (readme.stat().st_uid, readme.stat().st_gid) == (65534, 65534)


def test_the_same_file_named_twice_or_through_a_link_is_fixed_once(in_tmp: Path) -> None:
    readme = in_tmp / "README.md"
    readme.write_text(LIST)
    (in_tmp / "LINK.md").symlink_to("README.md")
    assert fix("README.md", "README.md", "LINK.md") == 0
    assert readme.read_text() == FIXED_LIST
    assert (in_tmp / "LINK.md").is_symlink()
