"""Hardening: hypothesis over arbitrary Markdown-ish text.

For any text built from the fragments lists are made of (list markers,
links, brackets, parentheses, backticks, HTML, comments, headings, tables,
``|`` and ``｜``, CR/LF, Unicode), the parser and every offline rule in the
registry (the set grows as rules are added) terminate without an exception,
every diagnostic lies inside the file, every fix edit inside the text, and
``--fix`` reaches a fixed point.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listlint.cli import main
from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.document import parse_document
from listlint.fixes import apply_fixes
from listlint.pipeline import (
    FileResult,
    RunOptions,
    check_documents,
    decide,
    fix_file,
    load_active_rules,
)
from listlint.selection import ActiveRule
from listlint.services import Services
from listlint.source import Source

# Recorded in the closing note of issue 7; moderate so the suite stays fast.
# LISTLINT_FUZZ_SCALE=20 runs twenty times as many (a deeper, slower search).
SCALE = float(os.environ.get("LISTLINT_FUZZ_SCALE", "1"))
FUZZ_EXAMPLES = int(250 * SCALE)
FIX_EXAMPLES = int(150 * SCALE)
BYTES_EXAMPLES = int(60 * SCALE)

URLS = [
    "https://arxiv.org/abs/2406.01566",
    "https://arxiv.org/pdf/2408.12757v2.pdf",
    "http://arxiv.org/abs/2408.12757v1",
    "https://www.arxiv.org/abs/2406.01566/",
    "https://github.com/a/b?utm_source=x&ref=y",
    "https://e.com/a_(b)",
    "https://e.com/a b",
    "<https://e.com/x y>",
    "https://bücher.de/ä",
    "https://e.com/%zz%",
    "http://e.com:99999/",
    "https://[::1",
    "#section",
    "#papers-2024",
    "./local.md",
    "",
    "javascript:alert(1)",
    "https://export.arxiv.org/abs/2406.01566",
    "https://openreview.net/forum?id=abc",
    "https://dl.acm.org/doi/10.1145/3600006.3613165",
    "www.example.com",
]
TEXTS = [
    "NanoFlow",
    "Helix:",
    "A **bold** name",
    "`code`",
    "x | y",
    "[nested]",
    "",
    " ",
    "Ünïcödé 🎉",
    "a\\]b",
    "<b>tag</b>",
    "Name：",
    "*emph*",
]
TAGS = [
    "OSDI' 24",
    "NeurIPS 2023",
    "arXiv' 24",
    "ICML'24, UW",
    "SOSP 2099",
    "Preprint",
    "",
    "ISCA' 24 ｜ x",
]

fragment = st.one_of(
    st.sampled_from(
        [
            "- ",
            "* ",
            "+ ",
            "1. ",
            "10) ",
            "  - ",
            "    ",
            "\t",
            "> ",
            ">> ",
            "# ",
            "## ",
            "### ",
            "[",
            "]",
            "(",
            ")",
            "](",
            "![",
            "`",
            "``",
            "```\n",
            "~~~\n",
            "**",
            "_",
            "\\",
            "<",
            ">",
            "<details>",
            "</details>",
            "<summary>2024</summary>",
            '<a href="https://e.com/x">',
            "</a>",
            '<img src="https://e.com/i.png">',
            "<!--",
            "-->",
            "<!-- listlint-disable-next-line -->",
            "<!-- listlint-disable LL2 -->",
            "<!-- listlint-enable -->",
            "<!-- listlint-disable-file x -->",
            "<br>",
            "<div>",
            "</div>",
            "|",
            "｜",
            " | ",
            "|---|---|\n",
            "| a | b |\n",
            ": ",
            " - ",
            " – ",
            "：",
            ", ",
            "\n",
            "\r\n",
            "\r",
            "\n\n",
            "  \n",
            "&amp;",
            "&#0;",
            "\u200b",
            "\u202e",
            "[^1]",
            "[ref]: https://e.com/ref\n",
            "[ref]",
            "***\n",
            "---\n",
            "===\n",
            "\x00",
        ]
    ),
    st.builds(lambda t, u: f"[{t}]({u})", st.sampled_from(TEXTS), st.sampled_from(URLS)),
    st.builds(lambda t, u: f"({t})[{u}]", st.sampled_from(TEXTS), st.sampled_from(URLS)),
    st.builds(lambda t, u: f"[{t}] ({u})", st.sampled_from(TEXTS), st.sampled_from(URLS)),
    st.builds(lambda u: f"<{u}>", st.sampled_from(URLS)),
    st.builds(
        lambda t, u, g: f"- [{t}]({u}): Towards Optimal Serving | {g}\n",
        st.sampled_from(TEXTS),
        st.sampled_from(URLS),
        st.sampled_from(TAGS),
    ),
    st.sampled_from(TAGS),
    st.text(max_size=6),
)
markdownish = st.lists(fragment, max_size=40).map("".join)


def offline_rules() -> list[ActiveRule]:
    active = load_active_rules(Settings().with_values(select=["ALL"]), online=False)
    return [entry for entry in active if not entry.rule.needs_network]


RULES = offline_rules()
SETTINGS = Settings().with_values(select=["ALL"])


def check_all(text: str) -> tuple[Source, list[Diagnostic]]:
    """Parse ``text`` and run every offline rule directly (no suppressions)."""
    source = Source(path="README.md", text=text)
    document = parse_document(source)
    services = Services(SETTINGS, frozenset(entry.rule.name for entry in RULES))
    return source, check_documents([document], RULES, SETTINGS, services, RunOptions())[0]


def assert_inside_source(source: Source, diagnostics: list[Diagnostic]) -> None:
    count = source.line_count
    for d in diagnostics:
        assert 1 <= d.line <= count and 1 <= d.end_line <= count, d
        assert 1 <= d.column <= len(source.line_text(d.line)) + 1, d
        assert 1 <= d.end_column <= len(source.line_text(d.end_line)) + 1, d
        assert (d.end_line, d.end_column) >= (d.line, d.column), d
        for edit in d.fix.edits if d.fix else ():
            assert 0 <= edit.start <= edit.end <= len(source.text), (d, edit)
            assert (edit.line, edit.column) == source.position(edit.start), (d, edit)
            assert (edit.end_line, edit.end_column) == source.position(edit.end), (d, edit)


def test_the_registry_has_offline_rules() -> None:
    names = {entry.rule.name for entry in RULES}
    assert {"malformed-link", "duplicate-link"} <= names


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_parser_and_every_offline_rule_stay_inside_the_file(text: str) -> None:
    source, diagnostics = check_all(text)
    assert_inside_source(source, diagnostics)


def fix_all(text: str, *, unsafe: bool) -> str:
    source = Source(path="README.md", text=text)
    document = parse_document(source)
    services = Services(SETTINGS, frozenset(entry.rule.name for entry in RULES))
    options = RunOptions(fix=True, unsafe_fixes=unsafe)
    found = check_documents([document], RULES, SETTINGS, services, options)[0]
    result = FileResult(source, document, decide(document, found, SETTINGS, options))
    fix_file(result, RULES, SETTINGS, services, options)
    return result.fixed_text if result.fixed_text is not None else text


@settings(max_examples=FIX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, st.booleans())
def test_fixing_twice_changes_nothing_the_second_time(text: str, unsafe: bool) -> None:
    once = fix_all(text, unsafe=unsafe)
    assert fix_all(once, unsafe=unsafe) == once
    # And one round of fixes applied by hand never leaves the text.
    _, diagnostics = check_all(text)
    new_text, _ = apply_fixes(text, diagnostics, unsafe=unsafe)
    assert isinstance(new_text, str)


# -- fixes never touch bytes they did not report ------------------------------------

FILLER = [
    "# Awesome Papers",
    "",
    "## Serving",
    "Some prose about the list.",
    "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Serving | OSDI' 24, UW",
    "- [Helix](https://arxiv.org/abs/2406.01566): Distributed Serving | ASPLOS' 25",
    "<details><summary>2024</summary>",
    "</details>",
    "| Name | Link |",
    "|---|---|",
    "| A | [x](https://arxiv.org/abs/2401.00001) |",
    "<!-- a comment -->",
    "  - nested entry",
]
PROBLEMS = [
    "- (Orca)[https://arxiv.org/abs/2401.00002]: Iteration Scheduling | OSDI' 22",
    "- [Orca] (https://arxiv.org/abs/2401.00003): Spaced | OSDI' 22",
    "- [Vidur](https://arxiv.org/pdf/2405.05465v2.pdf): Simulation | MLSys' 24",
    "- [Tracked](https://github.com/a/b?utm_source=twitter&x=1): Code",
    "- [Trailing](https://arxiv.org/abs/2401.00004): Spaces   ",
    "- [Old](http://arxiv.org/abs/2401.00005): Insecure",
    "- [Mirror](https://export.arxiv.org/abs/2401.00006): Mirror host",
    "- [Ünï](https://arxiv.org/abs/2401.00007)：Fullwidth colon ｜ NeurIPS' 24",
]
ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
ENCODERS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16-le-bom": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
}

CODECS = {
    "utf-8": "utf-8",
    "utf-8-bom": "utf-8",
    "utf-16-le-bom": "utf-16-le",
    "utf-16-be-bom": "utf-16-be",
}

generated_list = st.tuples(
    st.lists(st.one_of(st.sampled_from(FILLER), st.sampled_from(PROBLEMS)), min_size=1, max_size=25),
    st.lists(st.sampled_from(sorted(ENDINGS)), min_size=1, max_size=3),
    st.sampled_from(sorted(ENCODERS)),
    st.booleans(),
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fixbytes")
    (folder / ".git").mkdir()
    return folder


def reported_lines(diagnostics: list[dict[str, object]]) -> set[int]:
    lines: set[int] = set()
    for d in diagnostics:
        fix = d.get("fix")
        if not isinstance(fix, dict) or fix.get("applicability") != "safe":
            continue
        for edit in fix["edits"]:
            lines.update(range(edit["line"], edit["end_line"] + 1))
    return lines


@settings(
    max_examples=BYTES_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(generated_list)
def test_fix_touches_only_the_lines_it_reported(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[list[str], list[str], str, bool],
) -> None:
    lines, endings, encoding, final_newline = case
    text = "".join(line + ENDINGS[endings[i % len(endings)]] for i, line in enumerate(lines))
    if not final_newline:
        text = text.rstrip("\r\n")
    original = ENCODERS[encoding](text)
    target = workdir / "README.md"
    target.write_bytes(original)
    monkeypatch.chdir(workdir)
    main(["check", "--output-format", "json", "README.md"])
    touched = reported_lines(json.loads(capsys.readouterr().out)["diagnostics"])
    assert main(["check", "--fix", "--output-format", "json", "README.md"]) in (0, 1)
    capsys.readouterr()
    fixed = target.read_bytes()
    bom = ENCODERS[encoding]("")
    assert fixed.startswith(bom) and (bom or not fixed.startswith(b"\xef\xbb\xbf")), "BOM changed"
    decoded = fixed[len(bom) :].decode(CODECS[encoding])
    old_lines = text.splitlines(keepends=True)
    new_lines = decoded.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed = set(range(i1 + 1, i2 + 1)) or {i1, i1 + 1}
        assert changed & touched, (tag, old_lines[i1:i2], sorted(touched))
        for number in range(i1 + 1, i2 + 1):
            assert number in touched, (old_lines[number - 1], sorted(touched))
    # Line endings of untouched lines and the final newline survive.
    assert decoded.endswith(("\n", "\r")) == text.endswith(("\n", "\r"))


# -- any bytes at all ------------------------------------------------------------------

BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]
any_bytes = st.one_of(
    st.binary(max_size=3000),
    st.tuples(st.sampled_from(BOMS), st.binary(max_size=500)).map(b"".join),
    st.tuples(
        st.sampled_from(BOMS),
        markdownish,
        st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "latin-1"]),
    ).map(lambda case: case[0] + case[1].encode(case[2], errors="replace")),
)


@settings(max_examples=int(300 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_bytes)
def test_any_bytes_are_read_or_refused_and_round_trip(data: bytes) -> None:
    from listlint.errors import InputError
    from listlint.source import decode_source

    try:
        source = decode_source(data, "README.md")
    except InputError as exc:
        assert str(exc).startswith("README.md: ")
        return
    assert source.encode(source.text) == data  # a fix can never lose a byte it did not touch
    _, diagnostics = check_all(source.text)
    assert_inside_source(Source(path="README.md", text=source.text), diagnostics)
