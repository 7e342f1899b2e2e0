"""A fast path for the inline content most list entries have.

Most entries are one line of plain text around plain links:
``[NanoFlow](https://arxiv.org/abs/2408.12757): Towards ... | UW``.  For
such content markdown-it-py's inline parser walks every character through
its rule chain, which was the largest single cost of checking a big list.
:func:`simple_children` builds the very tokens markdown-it-py would build
(``tests/test_fast_inline.py`` compares them on the corpora and on generated
text), and returns ``None`` for anything else, which then takes the full
parser.

"Plain" is strict: no character that starts any other inline rule (escapes,
code spans, emphasis, strikethrough, autolinks, HTML, entities, line
breaks), no brackets outside the links, no ``!`` before a link (an image),
and destinations without spaces, parentheses, control characters, ``<``,
escapes or entities.
"""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = ["parse_inline_tokens", "simple_children"]

# Characters that make text not plain (see the module docstring).
SPECIAL = r"\[\]\\`*_~<&\n"
SPECIAL_RE = re.compile(f"[{SPECIAL}]")
LINK_RE = re.compile(
    rf"\[([^{SPECIAL}]+)\]"  # the label: plain text, not empty
    r"\(([^\s()<\\\x00-\x1f\x7f]*)\)"  # the destination, no title
)


def simple_children(content: str) -> list[Token] | None:
    """markdown-it-py's inline children of plain ``content``; ``None`` if not plain."""
    children: list[Token] = []
    position = 0
    for match in LINK_RE.finditer(content):
        start = match.start()
        if not plain_text_piece(content, position, start) or (start and content[start - 1] == "!"):
            return None
        url = match.group(2)
        if "&" in url and ";" in url:
            return None  # an entity would be decoded
        if start > position:
            children.append(text_token(content[position:start], 0))
        children.append(
            Token("link_open", "a", 1, attrs={"href": url}, meta={"start": start, "end": match.end()})
        )
        children.append(text_token(match.group(1), 1))
        children.append(Token("link_close", "a", -1))
        position = match.end()
    if not plain_text_piece(content, position, len(content)):
        return None
    if position < len(content):
        children.append(text_token(content[position:], 0))
    return children


def plain_text_piece(content: str, start: int, end: int) -> bool:
    return start >= end or SPECIAL_RE.search(content, start, end) is None


def text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


def is_linkless_paragraph(tokens: list[Token], index: int) -> bool:
    """Whether ``tokens[index]`` is a top-level paragraph (not an entry, heading
    or cell) that can hold no link, image, autolink, HTML or comment: nothing
    listlint reads from its inline tokens.  A page of prose, or a hostile file
    of a million short lines, then costs no inline tokens at all."""
    token = tokens[index]
    if token.level != 1 or index == 0 or tokens[index - 1].type != "paragraph_open":
        return False
    content = token.content
    return "[" not in content and "<" not in content


def parse_inline_tokens(state: StateCore) -> None:
    """Stands in for markdown-it-py's core ``inline`` rule, trying the fast path first."""
    md = state.md
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "inline":
            if is_linkless_paragraph(tokens, index):
                token.children = []
                continue
            children = simple_children(token.content)
            if children is not None:
                token.children = children
                continue
            if token.children is None:
                token.children = []
            md.inline.parse(token.content, md, state.env, token.children)
