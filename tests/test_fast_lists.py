"""The flat-list fast path pushes exactly the tokens markdown-it-py's list rule pushes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from listlint.document.fast_lists import flat_list
from listlint.document.parse import markdown_parser


def fast_tokens(text: str) -> list[Token]:
    return markdown_parser().parse(text)


def reference_tokens(text: str) -> list[Token]:
    return markdown_parser(fast_lists=False).parse(text)


def takes(text: str) -> bool:
    """Whether the fast path claims the list that starts on the first line of ``text``."""
    state = StateBlock(text, markdown_parser(), {}, [])
    return flat_list(state, 0, state.lineMax, False)


FLAT = [
    "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Throughput | UW\n"
    "- [Orca](https://www.usenix.org/conference/osdi22/presentation/yu): Serving | OSDI' 22\n",
    "* [a](https://a.example/) - first\n* [b](https://b.example/) - second\n\nA paragraph.\n",
    "+ Enabling Parallelism Hot Switching | SOSP' 24\n+ (Stanford)[https://cs.example/]\n\n\n# Next\n",
    "- ![badge](https://img.example/b.svg) [x](https://x.example/)\n",
    "- Ünïcödé entry   \n- 名前 | 会議",
]


@pytest.mark.parametrize("text", FLAT)
def test_flat_lists_take_the_fast_path_and_match(text: str) -> None:
    assert takes(text)
    assert fast_tokens(text) == reference_tokens(text)


@pytest.mark.parametrize(
    "text",
    [
        "- [a](https://a.example/)\n  - [sub](https://sub.example/)\n",  # a sub-list
        "- [a](https://a.example/)\ncontinued lazily\n",  # a lazy continuation line
        "- [a](https://a.example/)\n\n- [b](https://b.example/)\n",  # loose
        "- [a](https://a.example/)\n\n  more of the item\n",  # the item goes on
        "- [a](https://a.example/)\n* [b](https://b.example/)\n",  # another marker, no blank line
        "- [ref]: https://ref.example/\n",  # a reference definition in an item
        "- 2024. An ordered list inside\n",
        "- # a heading\n",
        "- > a quote\n",
        "- ---\n",
        "- `code`\n",
        "- <b>html</b>\n",
        "- **bold**\n",
        "-  [two](https://spaces.example/)\n",
        "-\t[tab](https://tab.example/)\n",
        "-\n",
        "- \n",
        " - [indented](https://x.example/)\n",
        "1. [ordered](https://x.example/)\n",
    ],
)
def test_anything_else_is_left_to_markdown_it(text: str) -> None:
    assert not takes(text)
    assert fast_tokens(text) == reference_tokens(text)


def test_only_top_level_lists() -> None:
    text = (
        "> - [quoted](https://q.example/)\n\n- [outer](https://o.example/)\n  - [inner](https://i.example/)\n"
    )
    assert fast_tokens(text) == reference_tokens(text)


@pytest.mark.realworld
def test_every_corpus_parses_to_the_same_tokens(corpora: Path) -> None:
    items = taken = 0
    for path in sorted(corpora.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert fast_tokens(text) == reference_tokens(text), path.name
        items += sum(1 for token in reference_tokens(text) if token.type == "list_item_open")
        state = StateBlock(text, markdown_parser(), {}, [])
        markdown_parser().block.tokenize(state, 0, state.lineMax)
        taken += sum(1 for token in state.tokens if token.type == "list_item_open" and token.level == 1)
    assert taken > 0.8 * items  # most entries of real lists are flat


# Documents made of the lines real lists have, and of every line shape that
# must end or refuse a flat list, so that both outcomes occur often.
LINES = st.sampled_from(
    [
        "- [a](https://a.example/) - x",
        "- [b](https://b.example/): T | OSDI' 24",
        "* [c](u) - y",
        "+ Name | tag",
        "- (Rev)[https://r.example/]",
        "- ![i](https://i.example/i.png)",
        "- Ünï",
        "-  two spaces",
        "-\ttab",
        "- 1. ordered",
        "- # h",
        "- > q",
        "- ---",
        "- [r]: https://r.example/",
        "- `c`",
        "- <b>x</b>",
        "- ",
        "-",
        "- [x]",
        "- [a]b(c)",
        "- **b**",
        "- a\\",
        "- a  ",
        "  - sub [s](https://s.example/)",
        " - one space",
        "    code",
        "  continuation",
        "\t- tab item",
        "",
        "   ",
        "Text line",
        "# Heading",
        "---",
        "***",
        "===",
        "> quote",
        "1. ordered",
        "2) two",
        "```",
        "~~~",
        "<details>",
        "</details>",
        "<!-- c -->",
        "| a | b |",
        "|---|---|",
        "[r]: https://r/",
    ]
)
DOCUMENTS = st.builds(
    "{}{}".format,
    st.lists(LINES, max_size=14).map("\n".join),
    st.sampled_from(["", "\n", "\n\n"]),
)


@settings(max_examples=1500, deadline=None)
@given(DOCUMENTS, st.booleans())
def test_generated_documents_parse_to_the_same_tokens(text: str, crlf: bool) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    assert fast_tokens(text) == reference_tokens(text)
