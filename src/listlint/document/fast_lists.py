"""A fast path for the block structure most of a list has.

Most of a curated list is flat bullet lists of one-line entries::

    - [NanoFlow](https://arxiv.org/abs/2408.12757): Towards ... | UW
    - [Orca](https://www.usenix.org/...): A Distributed Serving System | OSDI' 22

markdown-it-py's list rule opens a nested block parse for every item and
tries each block rule on its line (and each terminator on the next), which
was the largest share of parsing a big list.  :func:`flat_list` is a block
rule placed before ``list``: for a flat list it pushes the very tokens the
list rule would push (``tests/test_fast_lists.py`` compares the token
streams on the corpora and on generated documents) and otherwise declines,
leaving the list to markdown-it-py.

"Flat" is strict: a top-level list (not inside a block quote or another
list), every item one line ``- text`` with the marker in the first column,
one space, and text that no block rule could claim (it starts with a letter,
a ``(``, a ``!`` or a ``[label](`` link); no blank line between items; and
after the last item a blank line (or the end) followed by a line that
neither continues the list nor belongs to its last item.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock

__all__ = ["flat_list"]

MARKERS = "-*+"
# Text after "- " that starts a link, not a reference definition ("[x]: url").
LINK_START_RE = re.compile(r"\[[^\[\]\\\n]*\]\(")


def flat_list(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule: a flat bullet list, tokenised as markdown-it-py's list rule would."""
    # Top level only.  (Not ``parentType``: markdown-it-py's lheading rule
    # leaves it at "paragraph" when it declines.)
    if silent or state.level != 0 or state.blkIndent != 0 or state.listIndent != -1:
        return False
    marker = item_marker(state, start_line)
    if marker is None:
        return False
    line = start_line + 1
    while line < end_line and item_marker(state, line) == marker:
        line += 1
    after = line  # the first line that is not an item of the run
    if after < end_line:
        if not state.isEmpty(after):
            return False  # a lazy continuation, a sub-list, a heading...: not flat
        after = state.skipEmptyLines(after)
        if after < end_line and (state.sCount[after] != 0 or state.src[state.bMarks[after]] == marker):
            return False  # the list goes on (loose) or its last item does
    push_list(state, start_line, line, after, marker)
    return True


def item_marker(state: StateBlock, line: int) -> str | None:
    """The marker of a flat item at ``line``; None when the line is not one."""
    if state.sCount[line] != 0 or state.tShift[line] != 0:
        return None
    begin, end = state.bMarks[line], state.eMarks[line]
    if end - begin < 3:
        return None
    src = state.src
    marker = src[begin]
    if marker not in MARKERS or src[begin + 1] != " ":
        return None
    first = src[begin + 2]
    if first.isalpha() or first in "(!":
        return marker
    if first == "[" and LINK_START_RE.match(src, begin + 2, end):
        return marker
    return None


def push_list(state: StateBlock, first_line: int, last_end: int, list_end: int, marker: str) -> None:
    """Tokens for items ``first_line`` to ``last_end - 1``; the last item's map
    reaches ``list_end`` (the blank lines after it), as markdown-it-py's does."""
    token = state.push("bullet_list_open", "ul", 1)
    token.map = [first_line, list_end]
    token.markup = marker
    src, begins, ends = state.src, state.bMarks, state.eMarks
    for line in range(first_line, last_end):
        item_end = line + 1 if line + 1 < last_end else list_end
        token = state.push("list_item_open", "li", 1)
        token.markup = marker
        token.map = [line, item_end]
        token = state.push("paragraph_open", "p", 1)
        token.map = [line, line + 1]
        token.hidden = True  # a tight list
        token = state.push("inline", "", 0)
        token.content = mdTrim(src[begins[line] + 2 : ends[line]])
        token.map = [line, line + 1]
        token.children = []
        token = state.push("paragraph_close", "p", -1)
        token.hidden = True
        token = state.push("list_item_close", "li", -1)
        token.markup = marker
    token = state.push("bullet_list_close", "ul", -1)
    token.markup = marker
    state.line = list_end
