"""The inline fast path builds exactly the tokens markdown-it-py builds, or declines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from listlint.document.fast_inline import simple_children
from listlint.document.parse import markdown_parser


def full_children(content: str) -> list[Token]:
    """What the full inline parser (with listlint's position recording) makes of ``content``."""
    md = markdown_parser()
    children: list[Token] = []
    md.inline.parse(content, md, {}, children)
    return children


def inline_contents(text: str) -> list[str]:
    return [token.content for token in markdown_parser().parse(text) if token.type == "inline"]


@pytest.mark.parametrize(
    "content",
    [
        "[NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Throughput | UW",
        "[a](http://x/[y]) and [b](https://b.example/) - two links",
        "[ ](https://space.example/)",
        "[empty destination]()",
        "plain text with no link at all | OSDI' 24",
        "text ! not an image [x](https://x.example/) # + - = ^ { } : @ $ % '",
        "Ünïcödé [名前](https://例え.jp/パス) ｜ 会議",
        "[Wow](https://wow.example/) - an entry that ends in an exclamation mark!",
    ],
)
def test_plain_content_takes_the_fast_path_and_matches(content: str) -> None:
    fast = simple_children(content)
    assert fast is not None
    assert fast == full_children(content)


@pytest.mark.parametrize(
    "content",
    [
        "![image](https://img.example/a.png)",
        "[code `x`](https://x.example/)",
        "**bold** [a](https://a.example/)",
        '[a](https://a.example/ "title")',
        "[a](<https://a.example/>)",
        "[a](https://a.example/(paren))",
        "[a](https://a.example/?x=1&amp;y=2)",
        "line one\nline two",
        "escaped \\[not a link\\]",
        "<https://auto.example/>",
        "[ref][label]",
        "[unclosed](https://a.example/",
        "[angle](<https://a.example/)",
        "(Stanford)[https://cs229s.stanford.edu/]",
        "[a](https://a.example/\u00a0b)",
        "~~struck~~ [a](https://a.example/)",
        "AT&T [a](https://a.example/)",
    ],
)
def test_anything_else_is_declined(content: str) -> None:
    assert simple_children(content) is None


@pytest.mark.realworld
def test_every_corpus_inline_matches_the_full_parser(corpora: Path) -> None:
    taken = 0
    for path in sorted(corpora.glob("*.md")):
        for content in inline_contents(path.read_text(encoding="utf-8")):
            fast = simple_children(content)
            if fast is not None:
                taken += 1
                assert fast == full_children(content), (path.name, content)
    assert taken > 4000  # the fast path is the common case on real lists


# Entries built from links and text over an alphabet that holds every
# character the fast path must treat specially, so both outcomes occur often.
PLAIN = st.text("aZ 0:|#'é｜!", max_size=5)
SPECIAL = st.sampled_from(list('[]()\\`*_~<>&;\n\t\u00a0\x7f"') + ["&amp;", "**", "~~", "  \n"])
TEXT = st.lists(st.one_of(PLAIN, PLAIN, PLAIN, PLAIN, SPECIAL), max_size=3).map("".join)
PLAIN_URL = st.text("hx:/.?=%20", max_size=6)
SPECIAL_URL = st.sampled_from(
    ["(", ")", "<", ">", " ", "\\", "&", ";", "&amp;", "&#35;", "[", "]", "\u00a0", '"t"', "\n"]
)
# A special character first, in the middle or nowhere: each changes what a destination is.
URL = st.one_of(
    PLAIN_URL,
    st.builds("{}{}".format, SPECIAL_URL, PLAIN_URL),
    st.builds("{}{}{}".format, PLAIN_URL, SPECIAL_URL, PLAIN_URL),
)
LINK = st.builds("[{}]({})".format, TEXT, URL)
CONTENT = st.lists(st.one_of(TEXT, LINK, st.just("!")), max_size=6).map("".join)


@settings(max_examples=800, deadline=None)
@given(CONTENT)
def test_generated_content_is_either_declined_or_identical(content: str) -> None:
    fast = simple_children(content)
    if fast is not None:
        assert fast == full_children(content)
