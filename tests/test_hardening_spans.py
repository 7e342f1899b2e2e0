"""Fixes that cannot corrupt a file: exact spans (tabs, CRLF, nested lists,
block quotes, tables), edits that carry the text they replace, positions the
parser cannot map marked unknown, network findings moved into the fixed file,
and the fast parser paths gated on the markdown-it-py versions they are
proven for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from listlint.cli import main
from listlint.config import Settings
from listlint.diagnostics import Diagnostic, Severity
from listlint.document import parse_document
from listlint.document.inline import InlineMap
from listlint.document.model import Span
from listlint.fixes import OffsetMap, apply_fix_round
from listlint.pipeline import FileResult, RunOptions, check_documents, decide, fix_file, lint_text
from listlint.rules.base import UNKNOWN_TEXT, Rule, RuleContext
from listlint.selection import ActiveRule
from listlint.services import Services
from listlint.source import Source

SRC = Path(__file__).resolve().parent.parent / "src"
TRACKING = "?utm_source=feed"

# -- the reproduction of issue 11 ----------------------------------------------------------

TAB_LIST = (
    "# L\n\n- [A](https://a.example/x?utm_source=feed) and\n\t[B](https://b.example/y?utm_source=feed)\n"
)


def test_a_tab_indented_continuation_line_has_exact_spans() -> None:
    source = Source(path="README.md", text=TAB_LIST)
    document = parse_document(source)
    assert [link.url for link in document.links] == [
        "https://a.example/x?utm_source=feed",
        "https://b.example/y?utm_source=feed",
    ]
    for link in document.links:
        assert TAB_LIST[link.url_span.start : link.url_span.end] == link.url
        assert TAB_LIST[link.text_span.start : link.text_span.end] == link.text
        assert TAB_LIST[link.span.start : link.span.end] == f"[{link.text}]({link.url})"
    assert not source.inexact_lines


def test_fix_on_a_tab_indented_continuation_changes_only_the_reported_bytes(in_tmp: Path) -> None:
    (in_tmp / "README.md").write_text(TAB_LIST)
    assert main(["check", "--fix", "--select", "LL401", "README.md"]) == 0
    assert (in_tmp / "README.md").read_text() == TAB_LIST.replace(TRACKING, "")


@pytest.mark.parametrize("indent", ["\t", " \t", "  \t", "\t\t", "\t ", "   \t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_tab_indents_in_items_and_quotes(indent: str, newline: str) -> None:
    lines = [
        "# L",
        "",
        "- [A](https://a.example/1?utm_source=feed) one",
        f"{indent}[B](https://b.example/2?utm_source=feed) two",
        f"{indent}- [C](https://c.example/3?utm_source=feed)",
        "",
        "> - [D](https://d.example/4?utm_source=feed)",
        f">{indent}[E](https://e.example/5?utm_source=feed)",
    ]
    text = newline.join(lines) + newline
    source = Source(path="README.md", text=text)
    document = parse_document(source)
    assert document.links
    for link in document.links:
        assert text[link.url_span.start : link.url_span.end] == link.url, (indent, link)
        assert text[link.text_span.start : link.text_span.end] == link.text, (indent, link)
    assert fixed(text) == text.replace(TRACKING, "")


def test_an_escaped_pipe_in_a_table_cell_keeps_the_spans_exact() -> None:
    text = (
        "| name | links |\n|---|---|\n"
        "| a \\| b [A](https://a.example/?utm_source=feed) | [B](https://b.example/?utm_source=feed) |\n"
    )
    source = Source(path="README.md", text=text)
    document = parse_document(source)
    assert len(document.links) == 2
    for link in document.links:
        assert text[link.url_span.start : link.url_span.end] == link.url
    assert not source.inexact_lines
    assert fixed(text) == text.replace(TRACKING, "")


# -- the property: every span holds what the model says ----------------------------------------

WORD = st.text(alphabet="abcdefghij XYZ", min_size=1, max_size=8).map(lambda s: s.strip() or "w")
INDENT = st.sampled_from(["  ", "   ", "    ", "\t", " \t", "\t\t", "  \t"])
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    urls: list[str] = []

    def link() -> str:
        url = f"https://h{len(urls)}.example/p{draw(st.integers(0, 99))}{TRACKING}"
        urls.append(url)
        return f"[{draw(WORD)}]({url})"

    blocks = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(["item", "continued", "nested", "quote", "table", "paragraph", "ordered"])
        )
        if kind == "item":
            blocks.append([f"- {link()} {draw(WORD)}"])
        elif kind == "continued":
            blocks.append([f"- {draw(WORD)} {link()}", f"{draw(INDENT)}{draw(WORD)} {link()}"])
        elif kind == "nested":
            blocks.append([f"- {link()}", f"{draw(INDENT)}- {link()} {draw(WORD)}"])
        elif kind == "quote":
            gap = draw(st.sampled_from([" ", "", "\t", "  "]))
            blocks.append([f">{gap}- {link()}", f">{gap}{draw(WORD)} {link()}"])
        elif kind == "table":
            blocks.append(["| a | b |", "|---|---|", f"| {draw(WORD)} {link()} | x \\| {link()} |"])
        elif kind == "ordered":
            blocks.append([f"1. {link()}", f"{draw(INDENT)}{link()}"])
        else:
            blocks.append([f"{draw(WORD)} {link()} {draw(WORD)}"])
    newline = draw(NEWLINE)
    text = (newline * 2).join(newline.join(lines) for lines in blocks) + newline
    return "# L" + newline * 2 + text, urls


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_span_holds_what_the_model_says(case: tuple[str, list[str]]) -> None:
    text, urls = case
    source = Source(path="README.md", text=text)
    document = parse_document(source)
    for link in document.links:
        line = source.position(link.span.start)[0]
        if line in source.inexact_lines:
            continue  # marked unknown: no fix goes there (tested below)
        assert text[link.url_span.start : link.url_span.end] == link.url, link
        assert text[link.text_span.start : link.text_span.end] == link.text, link
        assert text[link.span.start : link.span.end] == f"[{link.text}]({link.url})", link
    assert {link.url for link in document.links} <= set(urls)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_fixing_changes_exactly_the_reported_bytes(case: tuple[str, list[str]]) -> None:
    text, _ = case
    source = Source(path="README.md", text=text)
    parse_document(source)
    assume(not source.inexact_lines)
    found = {link.url for link in parse_document(Source(path="README.md", text=text)).links}
    expected = text
    for url in found:
        expected = expected.replace(url, url.replace(TRACKING, ""))
    assert fixed(text) == expected


def fixed(text: str) -> str:
    config = Settings(values={"select": ["LL401"]})
    diagnostics = lint_text(text, config)
    return apply_fix_round(text, diagnostics).text


# -- edits carry the text they replace ------------------------------------------------------

WRONG_EDIT_PLUGIN = """
from listlint import Rule, Severity
from listlint.document.model import Span

def check(document, context):
    link = document.links[0]
    edit = context.edit(link.url_span, "https://evil.example/", expected="https://not-what-is-there/")
    yield context.diagnostic(link.url_span, "bad edit", fix=context.fix("rewrite", edit))

RULE = Rule(code="X300", name="wrong-edit", summary="s", severity=Severity.WARNING, check=check, fixable=True)
"""


def test_an_edit_whose_expected_text_does_not_match_is_refused_with_a_note(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "README.md").write_text(TAB_LIST)
    (in_tmp / "wrong.py").write_text(WRONG_EDIT_PLUGIN)
    (in_tmp / ".listlint.toml").write_text('plugins = ["wrong.py"]\nselect = ["X300"]\n')
    main(["check", "--fix", "README.md"])
    captured = capsys.readouterr()
    assert (in_tmp / "README.md").read_text() == TAB_LIST  # not one byte changed
    assert "internal error: the fix of X300" in captured.out + captured.err


def test_edits_carry_the_text_they_replace_in_json(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    (in_tmp / "README.md").write_text(TAB_LIST)
    main(["check", "--select", "LL401", "--output-format", "json", "README.md"])
    report = json.loads(capsys.readouterr().out)
    edits = [edit for d in report["diagnostics"] for edit in d["fix"]["edits"]]
    assert len(edits) == 2 and all(edit["expected"] == TRACKING for edit in edits)


def edit_at(text: str, start: int, end: int, content: str, expected: str | None) -> Diagnostic:
    from listlint.diagnostics import Edit, Fix

    edit = Edit(start, end, content, 1, start + 1, 1, end + 1, expected)
    return Diagnostic("X1", "x", Severity.INFO, "m", "p", 1, start + 1, 1, end + 1, fix=Fix("f", (edit,)))


def test_apply_refuses_mismatched_edits_and_applies_the_rest() -> None:
    text = "abcdef"
    good = edit_at(text, 0, 1, "A", "a")
    bad = edit_at(text, 2, 3, "C", "x")
    unknown = edit_at(text, 4, 5, "E", UNKNOWN_TEXT)
    applied = apply_fix_round(text, [good, bad, unknown])
    assert applied.text == "Abcdef"
    assert applied.fixed == [good] and applied.refused == [bad, unknown]


def test_apply_is_linear_in_the_number_of_fixes() -> None:
    import time

    count = 50_000
    text = "x \n" * count
    diagnostics = [edit_at(text, 3 * i + 1, 3 * i + 2, "", " ") for i in range(count)]
    started = time.perf_counter()
    applied = apply_fix_round(text, diagnostics)
    assert time.perf_counter() - started < 10  # quadratic took minutes
    assert applied.text == "x\n" * count and len(applied.fixed) == count


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    text = "abcdef"
    first = edit_at(text, 1, 4, "X", "bcd")
    inside = edit_at(text, 2, 3, "Y", "c")
    insert_a = edit_at(text, 5, 5, "1", "")
    insert_b = edit_at(text, 5, 5, "2", "")
    applied = apply_fix_round(text, [first, inside, insert_a, insert_b])
    assert applied.text == "aXe1f"
    assert applied.fixed == [first, insert_a]


def test_a_line_the_parser_cannot_map_is_marked_and_never_edited() -> None:
    source = Source(path="README.md", text="- something else entirely\n")
    InlineMap("[t](https://u.example)", source, 1)
    assert source.inexact_lines == {1}
    document = parse_document(Source(path="README.md", text="- [t](https://u.example)\n"))
    document.source.inexact_lines.add(1)
    rule = Rule(code="X1", name="x", summary="s", severity=Severity.INFO, check=lambda d, c: [])
    context = RuleContext(
        rule=rule,
        document=document,
        settings=Settings(),
        services=Services(Settings()),
        options={},
        severity=Severity.INFO,
    )
    edit = context.edit(document.links[0].url_span, "https://v.example")
    assert edit.expected == UNKNOWN_TEXT
    diagnostic = context.diagnostic(document.links[0].url_span, "m", fix=context.fix("f", edit))
    assert apply_fix_round(document.source.text, [diagnostic]).text == document.source.text


def test_an_edit_inside_a_url_expects_the_url_as_parsed() -> None:
    document = parse_document(Source(path="README.md", text="- [t](https://u.example/a?utm_source=x)\n"))
    rule = Rule(code="X1", name="x", summary="s", severity=Severity.INFO, check=lambda d, c: [])
    context = RuleContext(
        rule=rule,
        document=document,
        settings=Settings(),
        services=Services(Settings()),
        options={},
        severity=Severity.INFO,
    )
    link = document.links[0]
    whole = context.edit(link.url_span, "https://v.example")
    assert whole.expected == link.url
    part = context.edit(Span(link.url_span.start + 8, link.url_span.start + 17), "w")
    assert part.expected == "u.example"


# -- network findings after --fix carry the fixed file's positions -------------------------------


@pytest.mark.parametrize("unsafe", [True, False])
def test_network_findings_move_with_the_fixes(unsafe: bool) -> None:
    text = (
        "# L\n\n"
        "- [A](https://a.example/?utm_source=feed)\n"
        "- [A](https://a.example/?utm_source=feed)\n"
        "- [t](https://t.example/?utm_source=feed) [B](https://b.example/old)\n"
    )

    def network_check(document, context):  # type: ignore[no-untyped-def]
        link = next(link for link in document.links if "b.example" in link.url)
        edit = context.edit(link.url_span, "https://b.example/new")
        # Unsafe: with --unsafe-fixes it is applied (and gone from the findings).
        fix = None if unsafe else context.fix("follow", edit, unsafe=True)
        return [context.diagnostic(link.url_span, "moved", fix=fix)]

    network = Rule(
        code="X600",
        name="net",
        summary="s",
        severity=Severity.WARNING,
        check=network_check,
        needs_network=True,
    )
    settings_ = Settings(values={"select": ["LL201", "LL401"]})
    from listlint.pipeline import load_active_rules

    active = [*load_active_rules(settings_, online=False), ActiveRule(network, Severity.WARNING, {})]
    source = Source(path="README.md", text=text)
    document = parse_document(source)
    services = Services(settings_)
    options = RunOptions(fix=True, unsafe_fixes=unsafe)
    found = check_documents([document], active, settings_, services, options)[0]
    result = FileResult(source, document, decide(document, found, settings_, options))
    before = next(d for d in result.diagnostics if d.code == "X600")
    assert (before.line, before.column) == (5, 47)
    fix_file(result, active, settings_, services, options)
    assert result.fixed_text is not None
    new_source = Source(path="README.md", text=result.fixed_text)
    after = next(d for d in result.diagnostics if d.code == "X600")
    lines_removed = 1 if unsafe else 0  # the duplicate entry (an unsafe fix)
    assert result.fixed_text.count("\n") == text.count("\n") - lines_removed
    assert (after.line, after.column) == (5 - lines_removed, 47 - len(TRACKING))
    assert (
        new_source.line_text(after.line)[after.column - 1 : after.end_column - 1] == "https://b.example/old"
    )
    assert result.document.source.text == result.fixed_text  # reporters show the fixed file
    if not unsafe:
        assert after.fix is not None
        edit = after.fix.edits[0]
        assert (edit.line, edit.column) == (after.line, after.column)
        moved = apply_fix_round(result.fixed_text, [after], unsafe=True)
        assert moved.fixed == [after]
        assert moved.text == result.fixed_text.replace("https://b.example/old", "https://b.example/new")


def test_offset_map_moves_offsets_past_edits() -> None:
    from listlint.diagnostics import Edit

    moves = OffsetMap([Edit(2, 4, "", 1, 3, 1, 5), Edit(6, 6, "xyz", 1, 7, 1, 7)])
    assert [moves.move(offset) for offset in (0, 2, 3, 4, 5, 6, 7)] == [0, 2, 2, 2, 3, 7, 8]
    assert moves.touches(3, 5) and not moves.touches(0, 2) and not moves.touches(4, 6)


# -- fast paths: proven versions only ------------------------------------------------------------


def test_the_proven_range_is_declared() -> None:
    import markdown_it

    from listlint.document.fast_paths import PROVEN_VERSIONS, fast_paths, version_is_proven

    assert PROVEN_VERSIONS == ((4, 3, 0), (5, 0, 0))
    assert version_is_proven("4.3.0") and version_is_proven("4.9.1")
    assert (
        not version_is_proven("3.0.0") and not version_is_proven("4.2.9") and not version_is_proven("5.0.0")
    )
    assert (fast_paths() is not None) == version_is_proven(markdown_it.__version__)


SIMULATE = """
import sys, json
import markdown_it
import markdown_it.common.utils as utils
{patch}
from listlint.pipeline import lint_text
from listlint.document.parse import markdown_parser
from listlint.document.fast_paths import fast_paths
text = open(sys.argv[1], encoding="utf-8").read()
print(json.dumps({{
    "fast": fast_paths() is not None,
    "rules": markdown_parser().block.ruler.get_all_rules(),
    "diagnostics": [d.to_dict() for d in lint_text(text)],
}}))
"""


@pytest.mark.parametrize(
    "patch",
    [
        "",
        "del utils.mdTrim",
        "markdown_it.__version__ = '3.0.0'",
        "markdown_it.__version__ = '5.1.0'",
    ],
)
def test_other_markdown_it_versions_fall_back_to_the_plain_parser(tmp_path: Path, patch: str) -> None:
    import json

    corpus = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "llmsys-paperlist.md"
    listing = tmp_path / "list.md"
    listing.write_text(
        corpus.read_text(encoding="utf-8")
        if corpus.exists()
        else TAB_LIST * 20 + "- [x](https://x.example)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}

    def run(code: str) -> dict[str, object]:
        result = subprocess.run(
            [sys.executable, "-c", SIMULATE.format(patch=code), str(listing)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    plain = run(patch)
    reference = run("")
    assert plain["fast"] is (patch == "")
    assert ("flat_list" in plain["rules"]) is (patch == "")  # type: ignore[operator]
    assert plain["diagnostics"] == reference["diagnostics"]
