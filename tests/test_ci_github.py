"""The github reporter: escaping as @actions/core does, limits, no command injection."""

from __future__ import annotations

import io
import re

import pytest
from ci_support import annotations_of, runner_commands

from listlint.diagnostics import Diagnostic, Severity
from listlint.reporters import summarize
from listlint.reporters.github import (
    GithubReporter,
    command,
    escape_data,
    escape_property,
    fenced,
    select_annotations,
)

INJECTIONS = [
    "::add-mask::secret",
    "::set-output name=x::pwned",
    "::error::forged",
    "%0A::warning::forged",
    "\r\n::group::forged",
    "line\n::error file=x.md,line=1::forged",
    "##[add-mask]secret",
    "##[set-output name=x;]pwned",
    "::stop-commands::abc",
    "%25%0A%0D::notice::x",
    "\r::endgroup::",
    "  ::error::leading spaces",
]


def diag(
    message: str = "m",
    *,
    severity: Severity = Severity.ERROR,
    line: int = 1,
    end_line: int | None = None,
    column: int = 3,
    end_column: int = 9,
    path: str = "README.md",
    code: str = "LL201",
    name: str = "duplicate-link",
) -> Diagnostic:
    return Diagnostic(
        code=code,
        name=name,
        severity=severity,
        message=message,
        path=path,
        line=line,
        column=column,
        end_line=end_line or line,
        end_column=end_column,
    )


def render(
    diagnostics: list[Diagnostic], monkeypatch: pytest.MonkeyPatch, notes: tuple[str, ...] = ()
) -> str:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    stream = io.StringIO()
    reporter = GithubReporter(stream=stream)
    for d in diagnostics:
        reporter.handle(d)
    reporter.finish(summarize(["README.md"], diagnostics, notes=notes))
    return stream.getvalue()


# The toolkit's escapeData / escapeProperty (packages/core/src/command.ts).
def toolkit_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def toolkit_escape_property(s: str) -> str:
    return toolkit_escape_data(s).replace(":", "%3A").replace(",", "%2C")


@pytest.mark.parametrize(
    "text", ["100% sure", "a\nb", "a\r\nb", "x::y", "a, b: c", "%0A", "%25", "Ünïcode: ✓, 100%", *INJECTIONS]
)
def test_escaping_matches_the_toolkit(text: str) -> None:
    assert escape_data(text) == toolkit_escape_data(text)
    assert escape_property(text) == toolkit_escape_property(text)


def test_titles_with_special_characters_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    messages = [
        "Title: 100% done, really",
        "two\nlines",
        "carriage\r\nreturn",
        "double :: colons",
        "commas, and: colons",
        "%0A literally",
        *INJECTIONS,
    ]
    found = [diag(m, line=i + 1, path="lists/a,b:c%.md") for i, m in enumerate(messages[:10])]
    output = render(found, monkeypatch)
    parsed = annotations_of(output)
    assert [c.data for c in parsed] == [d.message for d in found]
    assert {c.properties["file"] for c in parsed} == {"lists/a,b:c%.md"}
    assert [c.properties["line"] for c in parsed] == [str(d.line) for d in found]
    assert all(c.properties["title"] == "LL201 duplicate-link" for c in parsed)


def test_injection_strings_yield_only_listlint_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 findings: 10 errors shown, the rest listed in the fenced log text.
    found = [diag(INJECTIONS[i % len(INJECTIONS)] + f" #{i}", line=i + 1) for i in range(40)]
    output = render(found, monkeypatch, notes=("note with ::add-mask::x and ##[add-mask]y",))
    commands = runner_commands(output)
    names = [c.name for c in commands]
    assert set(names) <= {"error", "notice", "stop-commands"} | {
        c.name for c in commands if c.name.startswith("listlint-")
    }
    assert names.count("error") == 10
    assert names.count("stop-commands") == 1
    assert names[-1].startswith("listlint-")  # resumed at the end
    shown = [c.data for c in commands if c.name == "error"]
    assert shown == [d.message for d in found[:10]]
    # The hidden findings are in the log, inside the fence.
    assert "#39" in output and "::stop-commands::listlint-" in output


def test_order_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    found = (
        [diag(f"i{i}", severity=Severity.INFO, line=i + 1) for i in range(12)]
        + [diag(f"w{i}", severity=Severity.WARNING, line=i + 1) for i in range(3)]
        + [diag(f"e{i}", severity=Severity.ERROR, line=100 + i) for i in range(11)]
    )
    parsed = annotations_of(render(found, monkeypatch))
    levels = [c.name for c in parsed]
    assert levels == ["error"] * 10 + ["warning"] * 3 + ["notice"] * 10
    last = parsed[-1]
    assert "file" not in last.properties
    # 1 error and 12 - 9 notices are left out; one notice slot is the note.
    assert re.match(r"4 more findings not shown", last.data)
    assert all(c.data.startswith("i") for c in parsed[13:22])


def test_no_note_when_everything_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [diag(f"n{i}", severity=Severity.INFO, line=i + 1) for i in range(10)]
    output = render(found, monkeypatch)
    assert [c.data for c in annotations_of(output)] == [f"n{i}" for i in range(10)]
    assert "stop-commands" not in output


def test_multiline_span_leaves_out_columns() -> None:
    single = command(diag(line=3, end_line=3, column=2, end_column=8), "a.md")
    multi = command(diag(line=3, end_line=5, column=2, end_column=8), "a.md")
    assert ",col=2," in single and "endColumn=7" in single
    props = runner_commands(multi)[0].properties
    assert props["line"] == "3" and props["endLine"] == "5"
    assert "col" not in props and "endColumn" not in props


def test_fence_uses_a_fresh_random_token() -> None:
    first, second = fenced(["x"]), fenced(["x"])
    assert first != second
    token = first.splitlines()[0].removeprefix("::stop-commands::")
    assert re.fullmatch(r"listlint-[0-9a-f]{32}", token)
    assert first.splitlines()[-1] == f"::{token}::"
    assert fenced([]) == ""


def test_annotations_helper_reports_hidden() -> None:
    found = [diag(f"e{i}", line=i + 1) for i in range(13)]
    lines, hidden = select_annotations(found, lambda p: p)
    assert len(lines) == 11 and len(hidden) == 3
    assert "see the job summary" in lines[-1]


def test_paths_relative_to_the_workspace(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.chdir(tmp_path / "docs")
    stream = io.StringIO()
    reporter = GithubReporter(stream=stream, root=tmp_path / "docs")
    reporter.handle(diag(path="list.md"))
    reporter.finish(summarize(["list.md"], []))
    assert annotations_of(stream.getvalue())[0].properties["file"] == "docs/list.md"


EVIL_LIST = """# Papers

## Serving
- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24
- [x ##[add-mask]secret ##[set-output name=x;]y](https://arxiv.org/abs/2408.12757): x | OSDI' 24
"""


@pytest.mark.parametrize("output_format", ["text", "concise", "markdown"])
def test_text_reports_are_fenced_in_an_actions_log(tmp_path, output_format: str) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "list.md").write_text(EVIL_LIST, encoding="utf-8")
    run = [sys.executable, "-m", "listlint", "check", "list.md", "--output-format", output_format]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    plain_run = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, env=env)
    if output_format == "text":  # the report quotes the line: unfenced, the runner obeys it
        assert any(c.name == "add-mask" for c in runner_commands(plain_run.stdout))
    assert "stop-commands" not in plain_run.stdout
    in_actions = subprocess.run(
        run, cwd=tmp_path, capture_output=True, text=True, env={**env, "GITHUB_ACTIONS": "true"}
    )
    names = [c.name for c in runner_commands(in_actions.stdout)]
    assert names[0] == "stop-commands" and len(names) == 2 and names[1].startswith("listlint-")
    with open(tmp_path / "report.txt", "w", encoding="utf-8") as redirected:
        subprocess.run(run, cwd=tmp_path, stdout=redirected, text=True, env={**env, "GITHUB_ACTIONS": "true"})
    assert "stop-commands" not in (tmp_path / "report.txt").read_text(encoding="utf-8")
