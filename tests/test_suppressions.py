from __future__ import annotations

from collections.abc import Callable

from listlint.diagnostics import Diagnostic

Lint = Callable[..., list[Diagnostic]]
ENTRY = "- [Helix](https://arxiv.org/abs/2406.01566): Serving\n"


def errors(found: list[Diagnostic]) -> list[int]:
    return [d.line for d in found if d.severity.value == "error"]


def test_without_comments_every_repeat_is_reported(lint: Lint) -> None:
    assert errors(lint("# L\n" + ENTRY * 3)) == [3, 4]


def test_disable_next_line_by_code_name_or_prefix(lint: Lint) -> None:
    for selector in ("LL201", "duplicate-link", "LL2", ""):
        text = f"# L\n{ENTRY}<!-- listlint-disable-next-line {selector} -->\n{ENTRY}{ENTRY}"
        assert errors(lint(text)) == [5], selector


def test_disable_next_line_of_another_rule_does_not_hide(lint: Lint) -> None:
    text = f"# L\n{ENTRY}<!-- listlint-disable-next-line LL101 -->\n{ENTRY}"
    assert errors(lint(text)) == [4]


def test_disable_enable_range(lint: Lint) -> None:
    text = (
        f"# L\n{ENTRY}<!-- listlint-disable LL201 -->\n{ENTRY}{ENTRY}<!-- listlint-enable LL201 -->\n{ENTRY}"
    )
    assert errors(lint(text)) == [7]


def test_disable_file_anywhere(lint: Lint) -> None:
    assert errors(lint(f"# L\n{ENTRY}{ENTRY}\n<!-- listlint-disable-file duplicate-link -->\n")) == []


def test_per_section_ignores_by_heading_and_path(lint: Lint) -> None:
    text = f"# L\n## A\n- [x](https://x.example/)\n## B\n### C\n{ENTRY}{ENTRY}"
    assert errors(lint(text)) == [7]
    assert errors(lint(text, per_section_ignores={"C": ["LL201"]})) == []
    assert errors(lint(text, per_section_ignores={"B > C": ["duplicate-link"]})) == []
    assert errors(lint(text, per_section_ignores={"A > C": ["LL201"]})) == [7]
