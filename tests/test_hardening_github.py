"""Hardening: content from the list cannot inject GitHub Actions workflow commands.

A pull request controls the list text and even file names.  The output is
read the way the runner reads a step log: split on CR and LF, a line whose
trimmed text starts with ``::`` is a command, one containing ``##[`` a legacy
command, and ``::stop-commands::TOKEN`` ... ``::TOKEN::`` switches parsing off.
The only commands listlint may produce are its annotations and its fence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from listlint.cli import main

INJECTIONS = [
    "::set-output name=token::stolen",
    "::add-mask::hunter2",
    "::set-env name=LD_PRELOAD::/tmp/x.so",
    "::add-path::/tmp/evil",
    "::save-state name=a::b",
    "::stop-commands::pwned",
    "::error file=.github/workflows/ci.yml::fake",
    "##[add-mask]hunter2",
    "##[set-output name=x;]y",
    "%0A::warning::encoded newline",
    "%0D%0A::error::encoded crlf",
    "%25 percent",
    "\u2028::error::line separator",
    "\u0085::error::next line",
    "\x0b::error::vertical tab",
    "\x0c::error::form feed",
]
ALLOWED = {"error", "warning", "notice", "stop-commands"}
# The exact shape of listlint's annotations: anything else is injected.
ANNOTATION_RE = re.compile(
    r"::(error|warning|notice) (?:file=[^,:\r\n]*,line=\d+,(?:col=\d+,endLine=\d+,endColumn=\d+"
    r"|endLine=\d+),)?title=(?:LL\d+ [a-z0-9-]+|listlint)::[^\r\n]*"
)


def build_list() -> str:
    lines = ["# Papers ::add-mask::x", ""]
    for index, evil in enumerate(INJECTIONS):
        url = f"https://arxiv.org/abs/2406.{index:05d}"
        lines += [
            f"- ({evil} {index})[{url}]: reversed, quoted in the message",
            f"- [{evil}]({url}): duplicate link | {evil}",
            f"- [Dup {index}](https://e.com/{evil.replace(' ', '%20')}?utm_source={index}) {evil}",
            f"- [Dup {index}](https://e.com/{evil.replace(' ', '%20')}?utm_source={index}) {evil}",
            f"<!-- {evil} -->",
        ]
    return "\n".join(lines) + "\n"


def runner_commands(output: str) -> tuple[list[tuple[str, str]], str | None]:
    """The commands a runner would execute, and an unclosed fence token if any."""
    found: list[tuple[str, str]] = []
    fence: str | None = None
    for line in re.split(r"\r\n|\r|\n", output):
        trimmed = line.strip()
        if fence is not None:
            if trimmed == f"::{fence}::":
                fence = None
            continue
        if trimmed.startswith("::"):
            name = re.split(r"[ :]", trimmed[2:], maxsplit=1)[0]
            found.append((name, trimmed))
            if name == "stop-commands":
                fence = trimmed.split("::", 2)[2]
        elif "##[" in trimmed:
            found.append(("legacy", trimmed))
    return found, fence


def assert_no_injection(output: str) -> None:
    commands, fence = runner_commands(output)
    assert fence is None, "a stop-commands fence is never closed"
    assert commands, "the run produced no annotations at all"
    for name, line in commands:
        assert name in ALLOWED, line
        if name != "stop-commands":
            assert ANNOTATION_RE.fullmatch(line), line
        if name == "stop-commands":
            assert re.fullmatch(r"::stop-commands::listlint-[0-9a-f]{32}", line), line


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.mark.parametrize("actions", [False, True], ids=["local", "in-actions"])
def test_list_content_cannot_inject_commands(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, actions: bool
) -> None:
    if actions:
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("GITHUB_WORKSPACE", str(in_tmp))
    else:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (in_tmp / "README.md").write_text(build_list(), encoding="utf-8", newline="")
    assert main(["check", "--output-format", "github", "README.md"]) == 1
    output = capsys.readouterr().out
    assert_no_injection(output)
    # The hostile text did reach the output (escaped), so the test means something.
    assert "%0A" in output or "%250A" in output
    assert "add-mask" in output


NASTY_NAMES = [
    "a,line=1::x.md",
    "b%0A::error::x.md",
    "c:d,e.md",
    "d\n::warning::nl.md",
    "e\r::notice::cr.md",
]


def test_hostile_file_names_cannot_inject(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = []
    for index, name in enumerate(NASTY_NAMES):
        (in_tmp / name).write_text(f"- (x{index})[https://arxiv.org/abs/2406.0000{index}]: t\n")
        names.append(name)
    assert main(["check", "--output-format", "github", *names]) == 1
    output = capsys.readouterr().out
    assert_no_injection(output)
    assert output.count("::error ") == len(NASTY_NAMES)


@pytest.mark.parametrize("format_name", ["github", "text", "concise"])
def test_real_process_log_in_actions_has_no_foreign_commands(in_tmp: Path, format_name: str) -> None:
    (in_tmp / "README.md").write_text(build_list(), encoding="utf-8", newline="")
    env = {k: v for k, v in os.environ.items() if k != "LISTLINT_DEBUG"}
    env.update(GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(in_tmp), CI="true")
    result = subprocess.run(
        [sys.executable, "-m", "listlint", "check", "--output-format", format_name, "README.md"],
        cwd=in_tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    if format_name == "github":
        assert_no_injection(result.stdout)
    else:
        # Text reports quote list lines; in an Actions log they must be fenced.
        commands, fence = runner_commands(result.stdout)
        assert fence is None
        assert [name for name, _ in commands] == ["stop-commands"], commands
    commands, _ = runner_commands(result.stderr)
    assert commands == [], commands


@pytest.mark.parametrize(
    "evil", INJECTIONS + ["x\n::error::raw newline", "x\r::add-mask::raw cr", "x\r\n##[add-mask]y"]
)
def test_any_message_and_path_is_escaped(evil: str) -> None:
    import io

    from listlint.diagnostics import Diagnostic, Severity
    from listlint.reporters.base import summarize
    from listlint.reporters.github import GithubReporter

    stream = io.StringIO()
    reporter = GithubReporter(stream=stream)
    found = [
        Diagnostic(
            code="LL101",
            name="malformed-link",
            severity=severity,
            message=f"bad {evil}",
            path=f"dir/{evil}.md",
            line=1,
            column=1,
            end_line=line,
            end_column=2,
        )
        for severity in Severity
        for line in (1, 2)
    ] * 6  # more than ten per level: some go to the fenced plain-text part
    reporter.start()
    for d in found:
        reporter.handle(d)
    reporter.finish(summarize(["README.md"], found))
    assert_no_injection(stream.getvalue())
