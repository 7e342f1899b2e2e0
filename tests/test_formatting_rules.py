"""LL102-LL106: separators, trailing whitespace, link-text colons, entry shape, bare entries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.fixes import apply_fixes
from listlint.pipeline import RunOptions, lint_text

Lint = Callable[..., list[Diagnostic]]


def found(lint: Lint, text: str, code: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.message) for d in lint(text, select=[code])]


def fixed(text: str, code: str) -> str:
    settings = Settings().with_values(select=[code])
    diagnostics = lint_text(text, settings, options=RunOptions())
    new_text, _ = apply_fixes(text, diagnostics)
    return new_text


def fix_until_stable(text: str, code: str) -> str:
    for _ in range(5):
        new_text = fixed(text, code)
        if new_text == text:
            return text
        text = new_text
    raise AssertionError("fixes do not settle")


# -- LL102 separator-style ----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected", "message"),
    [
        (
            "- [A](https://a.example/x) : Title",
            "- [A](https://a.example/x): Title",
            "space before ':'",
        ),
        (
            "- [A](https://a.example/x):Title",
            "- [A](https://a.example/x): Title",
            "no space after ':'",
        ),
        (
            "- [A](https://a.example/x):   Title",
            "- [A](https://a.example/x): Title",
            "more than one space",
        ),
        ("- [A](https://a.example/x)：Title", "- [A](https://a.example/x): Title", "fullwidth '："),
        (
            "- [A](https://a.example/x): Title ｜ Microsoft",
            "- [A](https://a.example/x): Title | Microsoft",
            "fullwidth '｜'",
        ),
        (
            "- [A](https://a.example/x): Title| OSDI' 24",
            "- [A](https://a.example/x): Title | OSDI' 24",
            "no space before '|'",
        ),
        (
            "- [A](https://a.example/x): Title |OSDI' 24",
            "- [A](https://a.example/x): Title | OSDI' 24",
            "no space after '|'",
        ),
        (
            "- [A](https://a.example/x): Title |  MIT",
            "- [A](https://a.example/x): Title | MIT",
            "more than one space around '|'",
        ),
        ("- [A](https://a.example/x) | MIT", None, None),
        ("- [A](https://a.example/x): Title | MIT", None, None),
        ("- [a](https://a.example/x) - Description.", None, None),
        ("- Title [pdf](https://a.example/x) : notes", None, None),
        ("- [A](https://a.example/x): Title \\| not a tag", None, None),
    ],
)
def test_separator_style(lint: Lint, line: str, expected: str | None, message: str | None) -> None:
    diagnostics = found(lint, line + "\n", "LL102")
    if expected is None:
        assert diagnostics == []
        return
    assert len(diagnostics) == 1 and message in diagnostics[0][2]
    assert fixed(line + "\n", "LL102") == expected + "\n"


def test_separator_fix_changes_only_the_separator_and_keeps_crlf(lint: Lint) -> None:
    text = (
        "# L\r\n\r\n- [A](https://a.example/x) : Title  ｜ MIT\r\n- [B](https://b.example/y): Fine | UCB\r\n"
    )
    assert fix_until_stable(text, "LL102") == (
        "# L\r\n\r\n- [A](https://a.example/x): Title | MIT\r\n- [B](https://b.example/y): Fine | UCB\r\n"
    )


# -- LL103 trailing-whitespace -----------------------------------------------


def test_trailing_whitespace_on_last_line_and_single_spaces(lint: Lint) -> None:
    text = (
        "- [A](https://a.example/x): one   \n"  # last line: three spaces, the hard break does nothing
        "- [B](https://b.example/y): two\t\n"
        "- [C](https://c.example/z): first line  \n"  # hard break inside the entry: kept
        "  second line \n"
        "- [D](https://d.example/w): clean\n"
        "\n"
        "Prose with trailing spaces   \n"
    )
    assert [(line, col) for line, col, _ in found(lint, text, "LL103")] == [
        (1, 32),
        (2, 32),
        (4, 14),
    ]
    assert fixed(text, "LL103") == (
        "- [A](https://a.example/x): one\n"
        "- [B](https://b.example/y): two\n"
        "- [C](https://c.example/z): first line  \n"
        "  second line\n"
        "- [D](https://d.example/w): clean\n"
        "\n"
        "Prose with trailing spaces   \n"
    )


def test_trailing_whitespace_in_table_rows(lint: Lint) -> None:
    text = "| Name | Link |\n| --- | --- |\n| A | [a](https://a.example/x) | \n"
    assert [line for line, _, _ in found(lint, text, "LL103")] == [3]


# -- LL104 link-text-colon ----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "- [Oobleck:](https://a.example/x) Resilient Training | SOSP' 23",
            "- [Oobleck](https://a.example/x): Resilient Training | SOSP' 23",
        ),
        (
            "- [Oobleck :](https://a.example/x)Resilient",
            "- [Oobleck](https://a.example/x): Resilient",
        ),
        (
            "- [Oobleck:](https://a.example/x): Resilient",
            "- [Oobleck](https://a.example/x): Resilient",
        ),
        ("- [Oobleck:](https://a.example/x)", "- [Oobleck](https://a.example/x)"),
    ],
)
def test_link_text_colon_fix(lint: Lint, line: str, expected: str) -> None:
    [(_, column, message)] = found(lint, line + "\n", "LL104")
    assert column == 4 and "'Oobleck" in message
    assert fixed(line + "\n", "LL104") == expected + "\n"
    assert found(lint, expected + "\n", "LL104") == []


def test_link_text_colon_ignores_prose_links_and_inner_colons(lint: Lint) -> None:
    text = (
        "- Read [the intro:](https://a.example/x) first\n- [Efficient LLMs: A Survey](https://b.example/y)\n"
    )
    assert found(lint, text, "LL104") == []


# -- LL105 entry-shape --------------------------------------------------------


def colon_entries(count: int) -> str:
    return "".join(f"- [P{i}](https://p.example/{i}): Paper number {i}\n" for i in range(count))


def test_entry_shape_reports_the_outlier_separator(lint: Lint) -> None:
    text = "## Papers\n\n" + colon_entries(6) + "- [Q](https://q.example/q) - Another paper\n"
    [(line, _, message)] = found(lint, text, "LL105")
    assert line == 9 and "[Name](url) - Description" in message and "6 of 7" in message


def test_entry_shape_reports_text_before_the_link(lint: Lint) -> None:
    text = "## Papers\n\n" + colon_entries(6) + "- Another paper [pdf](https://q.example/q)\n"
    [(line, _, message)] = found(lint, text, "LL105")
    assert line == 9 and "does not begin with its link" in message


def test_entry_shape_is_quiet_on_mixed_or_small_or_title_only_sections(lint: Lint) -> None:
    mixed = (
        "## A\n\n"
        + colon_entries(3)
        + "".join(f"- [Q{i}](https://q.example/{i}) - Paper {i}\n" for i in range(3))
    )
    small = "## B\n\n" + colon_entries(3) + "- [Q](https://q.example/q) - Another paper\n"
    titles = (
        "## C\n\n"
        + colon_entries(6)
        + "".join(f"- [Full title {i}](https://t.example/{i}) | UCB\n" for i in range(4))
    )
    per_section = (
        "## D\n\n"
        + colon_entries(6)
        + "## E\n\n"
        + "".join(f"- [q{i}](https://q.example/{i}) - Package {i}.\n" for i in range(6))
    )
    for text in (mixed, small, titles, per_section):
        assert found(lint, text, "LL105") == [], text


# -- LL106 entry-without-link -------------------------------------------------


def test_entry_without_link(lint: Lint) -> None:
    text = (
        "## Papers\n\n"
        + colon_entries(3)
        + "- A paper without a link | SOSP' 24\n"
        + "  - a nested note without a link\n"
        + "- **Group label**\n"
        + "  - [R](https://r.example/r): Under the label\n"
        + "\n## Notes\n\n- first remark\n- second remark\n- [one link](https://n.example/n)\n"
    )
    assert [(line, message) for line, _, message in found(lint, text, "LL106")] == [
        (6, "entry without a link: 'A paper without a link'"),
    ]


# -- robustness: no rule of this family crashes, and its fixes settle ----------


PIECES = st.sampled_from(
    [
        "- ",
        "  - ",
        "1. ",
        "[A:](https://a.example/x)",
        "[B](#b)",
        "(https://c.example/)",
        " : ",
        ":",
        "｜",
        "|",
        " | ",
        "OSDI' 24",
        "Eurosys'23",
        "ICLR 2012",
        "MobiSys ’22",
        ", ",
        "UCB",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "## B\n",
        "# T\n",
        '<a name="b"></a>',
        "<details>\n",
        "text",
        "**",
        "`x`",
        "\\|",
    ]
)


@hypothesis_settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_rules_never_crash_and_fixes_settle(text: str) -> None:
    codes = ["LL102", "LL103", "LL104", "LL105", "LL106", "LL3", "LL5"]
    settings = Settings().with_values(select=codes)
    for _ in range(6):
        new_text, _ = apply_fixes(text, lint_text(text, settings, options=RunOptions()))
        if new_text == text:
            return
        text = new_text
    raise AssertionError(f"fixes do not settle: {text!r}")


def test_title_continuing_on_the_next_line(lint: Lint) -> None:
    text = "- [A:](https://a.example/x)\n  Title continues | UCB\n- [B](https://b.example/x):\n  Title\n"
    assert [d.code for d in lint(text, select=["LL1"])] == ["LL104"]
    assert fix_until_stable(text, "LL104") == text.replace(
        "[A:](https://a.example/x)", "[A](https://a.example/x):"
    )


def test_html_block_in_a_list_item_does_not_recurse(lint: Lint) -> None:
    # "- - <details>" re-parses to the same HTML block; expanding it again never ended.
    assert lint("- - <details>\n- [a](https://a.example/x)\n", select=["LL1"]) == []


def test_exactly_two_trailing_spaces_are_a_hard_break_everywhere(lint: Lint) -> None:
    text = "- [A](https://a.example/x): one  \n- [B](https://b.example/y): two  \n  more  \n"
    assert found(lint, text, "LL103") == []
