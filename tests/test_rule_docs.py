"""Every rule has a page in rules/, every page a rule, and the examples hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from listlint.config import Settings
from listlint.pipeline import RunOptions, lint_text
from listlint.rules.registry import find_plugins, load_rules

DOCS = Path(__file__).resolve().parent.parent / "rules"
RULES = {rule.name: rule for rule in load_rules(find_plugins())}


def examples(page: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for token in MarkdownIt("commonmark").parse(page.read_text(encoding="utf-8")):
        if token.type == "fence":
            words = token.info.split()
            if len(words) >= 2 and words[0] == "markdown" and words[1] in ("failing", "fixed"):
                found[words[1]] = token.content
    return found


def test_every_rule_has_a_page_and_every_page_a_rule() -> None:
    pages = {page.stem for page in DOCS.glob("*.md") if page.stem != "README"}
    assert pages == set(RULES), f"missing pages: {set(RULES) - pages}; orphans: {pages - set(RULES)}"


@pytest.mark.parametrize("name", sorted(RULES))
def test_page_names_code_and_has_both_examples(name: str) -> None:
    page = DOCS / f"{name}.md"
    text = page.read_text(encoding="utf-8")
    assert re.match(rf"# {re.escape(name)} \({RULES[name].code}\)\n", text), "title line"
    assert set(examples(page)) == {"failing", "fixed"}


@pytest.mark.parametrize("name", sorted(r.name for r in RULES.values() if not r.needs_network))
def test_failing_example_yields_exactly_this_rule(name: str) -> None:
    failing = examples(DOCS / f"{name}.md")["failing"]
    # A rule that is off by default runs when named.
    settings = Settings() if RULES[name].default else Settings().with_values(extend_select=[name])
    found = lint_text(failing, settings, options=RunOptions())
    assert found, f"{name}: the failing example yields nothing"
    assert {d.name for d in found} == {name}, [f"{d.code} {d.message}" for d in found]


@pytest.mark.parametrize("name", sorted(RULES))
def test_fixed_example_is_clean(name: str) -> None:
    fixed = examples(DOCS / f"{name}.md")["fixed"]
    found = lint_text(fixed, Settings(), options=RunOptions())
    assert found == [], [f"{d.code} {d.message}" for d in found]
