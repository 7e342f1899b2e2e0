"""Hardening: bad input through the real command line.

Every malformed file, path or config either gives a useful result (exit 0 or
1, findings at the right place) or exactly one line on stderr and exit 2.
Never a traceback.  A few cases run in a subprocess (``python -m listlint``)
to prove that nothing reaches stderr there either.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import one_line_error

from listlint.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"

REVERSED = "(Helix)[https://arxiv.org/abs/2406.01566]"
# Line 3, column 3: the reversed link that LL101 reports (and fixes).
LIST = f"# Papers\n\n- {REVERSED}: Serving\n- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards\n"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--output-format", "json", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code in (0, 1), captured.err
    return code, json.loads(captured.out)["diagnostics"]


def assert_inside(diagnostics: list[dict[str, object]], text: str) -> None:
    lines = text.splitlines() or [""]
    for d in diagnostics:
        line, column = int(d["line"]), int(d["column"])  # type: ignore[call-overload]
        end_line, end_column = int(d["end_line"]), int(d["end_column"])  # type: ignore[call-overload]
        assert 1 <= line <= end_line <= len(lines), d
        assert 1 <= column <= len(lines[line - 1]) + 1, d
        assert 1 <= end_column <= len(lines[end_line - 1]) + 1, d
        assert (end_line, end_column) >= (line, column), d


# -- encodings ----------------------------------------------------------------

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16-le-bom": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "latin-1": lambda text: text.replace("Serving", "Café naïve").encode("latin-1"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "mixed-endings": lambda text: (
        text.replace("\n", "\r\n", 1).replace("Serving\n", "Serving\r").encode("utf-8")
    ),
    "no-final-newline": lambda text: text.rstrip("\n").encode("utf-8"),
    "utf-16-crlf": lambda text: b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_every_encoding_is_read_and_positions_are_right(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    (in_tmp / "list.md").write_bytes(ENCODINGS[encoding](LIST))
    code, diagnostics = run_json(capsys, "list.md")
    malformed = [d for d in diagnostics if d["code"] == "LL101"]
    assert code == 1
    assert [(d["line"], d["column"], d["end_column"]) for d in malformed] == [(3, 3, 3 + len(REVERSED))], (
        malformed
    )


def test_invalid_utf16_despite_bom_is_one_line(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "odd.md").write_bytes(b"\xff\xfe" + "- [a](https://e.com)\n".encode("utf-16-le") + b"\x00")
    assert main(["check", "odd.md"]) == 2
    one_line_error(capsys, "odd.md", "utf-16")


# -- content --------------------------------------------------------------------


def deep(unit: str, depth: int = 10_000) -> str:
    return unit * depth + "[x](https://arxiv.org/abs/2406.01566)\n"


CONTENT: dict[str, str] = {
    "empty": "",
    "only-newlines": "\n\n\r\n\r",
    "whitespace": " \t \n\t\n",
    "one-stray-nul": "# L\n\n- [a](https://arxiv.org/abs/2406.01566)\x00 x\n" + "- filler line\n" * 3,
    "unclosed-html": "<div>\n<details>\n<summary>2024\n\n- [a](https://arxiv.org/abs/2406.01566)\n<a href='x",
    "unclosed-comment": "# L\n<!-- listlint-disable\n- [a](https://arxiv.org/abs/2406.01566)\n",
    "unclosed-fence": "```\n- [a](https://arxiv.org/abs/2406.01566)\n",
    "link-with-spaces": "- [a b](https://arxiv.org/abs/2406.01566 x y)\n- [c](https://e.com/a b)\n",
    "angle-brackets": "- [a](<https://e.com/a b>)\n- <https://e.com/x>\n- [b](<>)\n- <not a link>\n",
    "idna": "- [a](https://bücher.de/ä)\n- [b](https://xn--bcher-kva.de/)\n- [c](https://例え.テスト)\n",
    "percent": "- [a](https://e.com/%zz%C3%28)\n- [b](https://e.com/%E2%82%AC%)\n- [c](https://e.com/%)\n",
    "bad-urls": "- [a](https://[::1)\n- [b](http://e.com:99999/)\n- [c](https://)\n- [d](//x)\n"
    "- [e](javascript:alert(1))\n- [f](https://a@b@c/)\n",
    "bidi-and-zero-width": "- [a\u202e](https://e.com/\u200b)\u2066 | OSDI'\u200d24\n",
    "fullwidth": (
        "- [a](https://arxiv.org/abs/2406.01566)：b ｜ OSDI' 24\n| a ｜ b |\n|---|---|\n| [x](y) | z |\n"
    ),
    "surrogate-free-astral": "- [𝔘𝔫𝔦](https://e.com/🎉) 🎉 | NeurIPS' 24\n",
    "table-garbage": "| a | b\n|---|\n| [x](https://e.com) | | | | |\n|\n",
    "ref-defs": "[a]: https://e.com/1\n[a]: https://e.com/2\n- [x][a]\n- [y][]\n- [z][missing]\n",
    "deep-list": deep("- "),
    "deep-ordered": deep("1. "),
    "deep-quote": deep(">"),
    "deep-mixed": deep("> - ", 5000),
    # markdown-it-py's link-label scan is quadratic in bracket depth (7 s at
    # 10,000 under load); 3,000 keeps the suite fast and still proves no RecursionError.
    "deep-brackets": "[" * 3_000 + "x" + "](https://e.com)" * 3_000 + "\n",
    "deep-images": "![" * 3_000 + "x" + "](https://e.com)" * 3_000 + "\n",
    "deep-emphasis": "*" * 10_000 + "x" + "*" * 10_000 + "\n",
    "deep-html": "<div>" * 10_000 + "\n\n- [a](https://e.com)\n",
    "many-unclosed-tags": "<a href='x'" * 10_000 + "\n",
    "many-unclosed-comments": "<!--" * 10_000 + "\n",
    "many-reversed": "(a)[https://e.com]" * 5_000 + "\n",
    "many-unclosed-parens": "- [a](https://e.com " * 5_000 + "\n",
}


@pytest.mark.parametrize("name", sorted(CONTENT))
def test_hostile_content_gives_a_result_or_one_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    text = CONTENT[name]
    (in_tmp / "list.md").write_text(text, encoding="utf-8", newline="")
    started = time.monotonic()
    code = main(["check", "--output-format", "json", "list.md"])
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if code == 2:
        # Refusing is allowed, but only as one clear line naming the file;
        # a crashing rule or an internal error is a bug, not a refusal.
        assert captured.err.count("\n") == 1 and "list.md" in captured.err, captured.err
        assert "crashed" not in captured.err and "internal error" not in captured.err, captured.err
    else:
        assert code in (0, 1), captured.err
        assert_inside(json.loads(captured.out)["diagnostics"], text)
    assert elapsed < 20, f"{name} took {elapsed:.1f} s"


def test_deep_nesting_is_refused_not_half_checked(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # markdown-it-py drops everything after its nesting limit; checking the
    # first half of a file and passing it would hide the second half.
    (in_tmp / "list.md").write_text(deep("- ") + "\n- [a](https://e.com/1)\n- [a](https://e.com/1)\n")
    assert main(["check", "list.md"]) == 2
    one_line_error(capsys, "list.md:1", "nested too deep")


def test_moderate_nesting_is_checked_to_the_end(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 30 levels of indentation: CommonMark's default limit (20) would lose the tail.
    nested = "".join("  " * i + f"- [x{i}](https://e.com/{i})\n" for i in range(30))
    tail = "\n# After\n\n- [z](https://e.com/z)\n- [z](https://e.com/z)\n"
    (in_tmp / "list.md").write_text(nested + tail)
    _, diagnostics = run_json(capsys, "list.md", "--select", "LL201")
    assert {d["line"] for d in diagnostics} == {34, 35}


def test_binary_file_is_one_line(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "logo.md").write_bytes(bytes(range(256)) * 40)
    assert main(["check", "logo.md"]) == 2
    one_line_error(capsys, "logo.md", "binary")


def test_many_nul_bytes_are_binary(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "nul.md").write_bytes(b"- [a](https://e.com)\x00\x00\n" * 50)
    assert main(["check", "nul.md"]) == 2
    one_line_error(capsys, "nul.md", "binary")


def test_a_one_megabyte_line_is_linted(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = "".join(f"[p{i}](https://arxiv.org/abs/2406.{i:05d}) " for i in range(30_000))
    text = "- " + links[:1_000_000] + "\n"
    (in_tmp / "long.md").write_text(text)
    started = time.monotonic()
    code, diagnostics = run_json(capsys, "long.md", "--select", "LL1,LL2")
    assert time.monotonic() - started < 20
    assert_inside(diagnostics, text)


def test_a_fifty_megabyte_list_is_refused_quickly(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Parsing costs ~50 bytes of memory per byte (a 50 MB list took 2.4 GB and
    # two minutes; 10 MB took 60 s and 570 MB), so files over max-file-size (5 MB)
    # are refused up front.
    line = b"- [Paper](https://arxiv.org/abs/2406.01566): Towards optimal serving | OSDI' 24\n"
    (in_tmp / "huge.md").write_bytes(line * (50_000_000 // len(line) + 1))
    started = time.monotonic()
    assert main(["check", "huge.md"]) == 2
    assert time.monotonic() - started < 5
    one_line_error(capsys, "huge.md", "max-file-size")


def test_max_file_size_is_configurable(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "list.md").write_text(LIST)
    (in_tmp / ".listlint.toml").write_text("max-file-size = 50\n")
    assert main(["check", "list.md"]) == 2
    one_line_error(capsys, "list.md", "max-file-size")
    (in_tmp / ".listlint.toml").write_text("max-file-size = 0\n")  # 0: no limit
    assert main(["check", "list.md"]) == 1
    capsys.readouterr()
    (in_tmp / ".listlint.toml").write_text('max-file-size = "big"\n')
    assert main(["check", "list.md"]) == 2
    one_line_error(capsys, ".listlint.toml", "max-file-size")


def test_endless_device_is_refused_not_read_forever(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert main(["check", "/dev/zero"]) == 2
    one_line_error(capsys, "/dev/zero")


# -- paths ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("missing.md", "no such file"),
        ("folder", "folder with no Markdown files"),
        ("missing-dir/README.md", "no such file"),
        ("list.md/child.md", "list.md/child.md"),
    ],
)
def test_bad_paths(in_tmp: Path, capsys: pytest.CaptureFixture[str], path: str, needle: str) -> None:
    (in_tmp / "folder").mkdir()
    (in_tmp / "list.md").write_text(LIST)
    assert main(["check", path]) == 2
    one_line_error(capsys, needle)


def test_broken_symlink(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").symlink_to(in_tmp / "gone.md")
    assert main(["check", "README.md"]) == 2
    one_line_error(capsys, "README.md")


def test_unreadable_file_in_process(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # We run as root, who reads mode-000 files; so refuse the open itself.
    (in_tmp / "secret.md").write_text(LIST)
    real_open = os.open

    def guarded(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("secret.md"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("os.open", guarded)
    assert main(["check", "secret.md"]) == 2
    one_line_error(capsys, "secret.md", "permission denied")


def cli(
    *args: str, cwd: Path, drop_root_privileges: bool = False, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LISTLINT_DEBUG"}
    # This checkout's code, not whichever listlint is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "listlint", *args]
    if drop_root_privileges:
        # Root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH obeys permission bits.
        command = [
            "setpriv",
            "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search",
            *command,
        ]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, **kwargs)  # type: ignore[call-overload,no-any-return]


def test_unreadable_file_in_a_real_process(in_tmp: Path) -> None:
    secret = in_tmp / "secret.md"
    secret.write_text(LIST)
    secret.chmod(0)
    if os.geteuid() != 0:
        result = cli("check", "secret.md", cwd=in_tmp)
    elif shutil.which("setpriv"):
        result = cli("check", "secret.md", cwd=in_tmp, drop_root_privileges=True)
        if result.returncode != 2 and "Operation not permitted" in result.stderr:
            pytest.skip("setpriv cannot drop capabilities here")
    else:
        pytest.skip("running as root without setpriv: root reads mode-000 files")
    assert result.returncode == 2, result
    assert result.stderr == "listlint: error: secret.md: permission denied\n"


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("binary.md", bytes(range(256)) * 8, "binary"),
        ("deep.md", deep("- ").encode(), "nested too deep"),
        ("missing.md", None, "no such file"),
    ],
    ids=["binary", "deep", "missing"],
)
def test_no_traceback_from_a_real_process(in_tmp: Path, name: str, data: bytes | None, needle: str) -> None:
    if data is not None:
        (in_tmp / name).write_bytes(data)
    result = cli("check", name, cwd=in_tmp)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_hostile_content_in_a_real_process(in_tmp: Path) -> None:
    for index, name in enumerate(("unclosed-html", "idna", "percent", "deep-brackets", "bad-urls")):
        (in_tmp / f"{index}.md").write_text(CONTENT[name], encoding="utf-8")
    result = cli("check", *(f"{i}.md" for i in range(5)), cwd=in_tmp)
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""


# -- configuration -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "text", "needles"),
    [
        ("pyproject.toml", "[tool.listlint\nselect = 1\n", ("pyproject.toml", "invalid TOML")),
        ("pyproject.toml", b"[tool.listlint]\nselect = ['\xff']\n", ("pyproject.toml", "utf-8")),
        (".listlint.toml", "select = [\n", (".listlint.toml", "invalid TOML")),
        (".listlint.toml", "select = 1\n", (".listlint.toml", "'select'")),
        (".listlint.toml", 'select = ["LL999"]\n', (".listlint.toml", "'select'", "LL999")),
        (".listlint.toml", 'ignore = ["no-such-rule"]\n', ("'ignore'", "no-such-rule")),
        (".listlint.toml", "bogus = 1\n", (".listlint.toml", "'bogus'")),
        (".listlint.toml", 'online = "yes"\n', ("'online'",)),
        (".listlint.toml", '[rules.nonexistent]\nseverity = "error"\n', ("'rules.nonexistent'",)),
        (
            ".listlint.toml",
            '[rules.duplicate-link]\nseverity = "fatal"\n',
            ("'rules.duplicate-link.severity'", "fatal"),
        ),
        (
            ".listlint.toml",
            "[rules.duplicate-link]\nunknown-option = 1\n",
            ("'rules.duplicate-link.unknown-option'",),
        ),
        (".listlint.toml", "[rules]\nduplicate-link = 3\n", ("'rules.duplicate-link'",)),
        (".listlint.toml", "[per-section-ignores]\nA = 3\n", ("'per-section-ignores.A'",)),
        (".listlint.toml", 'shard = "3/2"\n', ("'shard'",)),
        (".listlint.toml", 'plugins = ["missing.py"]\n', ("missing.py",)),
        (".listlint.toml", 'plugins = ["exits.py"]\n', ("exits.py", "SystemExit")),
        (".listlint.toml", 'plugins = ["raises.py"]\n', ("raises.py", "boom")),
        ("pyproject.toml", "[tool]\nlistlint = 5\n", ("pyproject.toml", "tool.listlint")),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    text: str | bytes,
    needles: tuple[str, ...],
) -> None:
    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / "exits.py").write_text("import sys\nsys.exit(3)\n")
    (in_tmp / "raises.py").write_text("raise RuntimeError('boom')\n")
    data = text.encode() if isinstance(text, str) else text
    (in_tmp / file).write_bytes(data)
    assert main(["check"]) == 2
    one_line_error(capsys, *needles)


def test_config_path_errors(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "README.md").write_text(LIST)
    assert main(["check", "--config", "nope.toml"]) == 2
    one_line_error(capsys, "nope.toml")
    assert main(["check", "--config", "."]) == 2
    one_line_error(capsys, ".")
    assert main(["check", "--output-file", str(in_tmp)]) == 2
    one_line_error(capsys, str(in_tmp))


def test_broken_pyproject_without_listlint_is_not_our_business(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "README.md").write_text(LIST)
    (in_tmp / "pyproject.toml").write_text("[project\nname = 'x'\n")
    assert main(["check"]) == 1
    assert capsys.readouterr().err == ""


# -- every reporter on hostile content ---------------------------------------------

CONTROL = "- (ctl\x0b\x1b[31m\x7f)[https://arxiv.org/abs/2406.01566] a\x00b\n- [x](https://e.com/\x1b)\n"


@pytest.mark.parametrize("format_name", ["text", "concise", "json", "github", "sarif", "junit", "markdown"])
def test_every_reporter_survives_hostile_content(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], format_name: str
) -> None:
    import xml.etree.ElementTree as ElementTree

    names = [
        "unclosed-html",
        "idna",
        "percent",
        "bad-urls",
        "bidi-and-zero-width",
        "fullwidth",
        "link-with-spaces",
        "angle-brackets",
        "ref-defs",
    ]
    for index, name in enumerate(names):
        (in_tmp / f"{index}.md").write_text(CONTENT[name], encoding="utf-8", newline="")
    (in_tmp / "control.md").write_text(CONTROL, encoding="utf-8", newline="")
    paths = [*(f"{i}.md" for i in range(len(names))), "control.md"]
    code = main(["check", "--output-format", format_name, *paths])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert captured.err == ""
    if format_name in ("json", "sarif"):
        json.loads(captured.out)
    elif format_name == "junit":
        ElementTree.fromstring(captured.out)  # well-formed XML despite control characters


@pytest.mark.parametrize("format_name", ["junit", "sarif", "json", "markdown", "text", "concise"])
def test_reporters_escape_control_characters_in_messages(format_name: str) -> None:
    import io
    import xml.etree.ElementTree as ElementTree

    from listlint.diagnostics import Diagnostic, Severity
    from listlint.reporters import reporter_class
    from listlint.reporters.base import summarize

    evil = "a\x00b\x0bc\x1b[31md\uffffé]]>&<\"'"
    found = [
        Diagnostic(
            code="LL101",
            name="malformed-link",
            severity=Severity.ERROR,
            message=f"bad {evil}",
            path=f"dir/{evil.replace(chr(0), '')}.md",
            line=1,
            column=1,
            end_line=1,
            end_column=2,
            url=f"https://e.com/{evil}",
        )
    ]
    stream = io.StringIO()
    reporter = reporter_class(format_name)(stream=stream)
    reporter.start()
    reporter.handle(found[0])
    reporter.finish(summarize([found[0].path], found))
    output = stream.getvalue()
    output.encode("utf-8", errors="strict")
    if format_name == "junit":
        ElementTree.fromstring(output.encode("utf-8"))
    elif format_name in ("json", "sarif"):
        json.loads(output)


def test_terminal_escapes_in_the_list_never_reach_the_terminal(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = "\x1b]0;pwned\x07\x1b[2J\x1b[1AOK: no problems\x08\x7f"
    (in_tmp / "README.md").write_text(
        f"# L\n\n- ({evil})[https://arxiv.org/abs/2406.01566]: x {evil}\n"
        f"- [a](https://arxiv.org/abs/2406.01566) {evil}\n",
        newline="",
    )
    for format_name in ("text", "concise", "markdown", "github"):
        assert main(["check", "--output-format", format_name, "README.md"]) == 1
        out = capsys.readouterr().out
        assert not any(char in out for char in "\x1b\x07\r\x08\x7f"), (format_name, out)


def test_terminal_escapes_are_neutralised_in_colour_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from listlint.diagnostics import Diagnostic, Severity
    from listlint.reporters.base import summarize
    from listlint.reporters.text import TextReporter
    from listlint.source import Source

    evil = "\x1b]0;pwned\x07\x1b[2J"
    text = f"- ({evil})[https://e.com]\n"
    found = [
        Diagnostic(
            code="LL101",
            name="malformed-link",
            severity=Severity.ERROR,
            message=f"write '[{evil}](https://e.com)'",
            path="README.md",
            line=1,
            column=3,
            end_line=1,
            end_column=10,
        )
    ]
    stream = io.StringIO()
    reporter = TextReporter(stream=stream, sources={"README.md": Source("README.md", text)}, color=True)
    reporter.handle(found[0])
    reporter.finish(summarize(["README.md"], found, notes=[f"links: slowest hosts: {evil}"]))
    output = stream.getvalue()
    assert "\x1b[" in output  # rich's own colours are there
    assert "\x1b]0;" not in output and "\x1b[2J" not in output and "\x07" not in output


# -- standard input and named pipes ---------------------------------------------------------


def test_standard_input_is_read_with_a_name_of_its_choosing(in_tmp: Path) -> None:
    result = cli("check", "--output-format", "concise", "-", cwd=in_tmp, input=LIST)
    assert result.returncode == 1, result
    assert result.stdout.startswith("-:3:3: LL101 [error]"), result.stdout
    named = cli(
        "check", "--output-format", "concise", "--stdin-filename", "README.md", "-", cwd=in_tmp, input=LIST
    )
    assert named.stdout.startswith("README.md:3:3: LL101 [error]"), named.stdout
    diff = cli("check", "--diff", "--stdin-filename", "README.md", "-", cwd=in_tmp, input=LIST)
    assert "+- [Helix](https://arxiv.org/abs/2406.01566): Serving" in diff.stdout, diff


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--fix", "-", "README.md"], "--fix with standard input (-) takes no other paths"),
        (["--stdin-filename", "x.md", "README.md"], "--stdin-filename needs the path -"),
        (["-", "-"], "standard input (-) can be read only once"),
        (["--changed-since", "HEAD", "-"], "--changed-since needs files in git"),
    ],
)
def test_standard_input_misuse_is_one_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    (in_tmp / "README.md").write_text(LIST)
    assert main(["check", *args]) == 2
    one_line_error(capsys, needle)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_without_a_writer_is_an_error_not_an_empty_list(in_tmp: Path) -> None:
    os.mkfifo(in_tmp / "pipe.md")
    started = time.monotonic()
    result = cli("check", "pipe.md", cwd=in_tmp)
    assert time.monotonic() - started < 30
    assert result.returncode == 2, result
    assert result.stderr == "listlint: error: pipe.md: a named pipe with no writer (nothing to read)\n"
    assert "no problems found" not in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_with_a_writer_is_read_to_its_end(in_tmp: Path) -> None:
    import threading

    pipe = in_tmp / "pipe.md"
    os.mkfifo(pipe)
    # The writer opens the pipe before listlint does (as `cmd > pipe &` has:
    # its open waits for a reader), then writes in two pieces with a pause.
    ready = threading.Event()

    def write() -> None:
        ready.set()
        descriptor = os.open(pipe, os.O_WRONLY)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(LIST[:20])
            stream.flush()
            time.sleep(0.3)
            stream.write(LIST[20:])

    writer = threading.Thread(target=write)
    writer.start()
    ready.wait(10)
    result = cli("check", "--output-format", "concise", "pipe.md", cwd=in_tmp)
    writer.join(10)
    assert result.returncode == 1, result
    assert result.stdout.startswith("pipe.md:3:3: LL101 [error]"), result.stdout
