"""markdown-it-py tokens -> :class:`Document`.

One walk over the token stream.  Headings open sections, list items and
table rows become entries, inline tokens give links with exact spans, and
raw HTML blocks are searched for ``<a href>``, comments and Markdown list
lines that GitHub would show as text but maintainers mean as entries.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from listlint.document.entry_fields import (
    EMPHASIS_RE,
    badge_tag,
    find_tag_places,
    is_generic_text,
    is_generic_title,
    link_role,
    marker_end,
    skip_gap,
)
from listlint.document.fast_paths import fast_paths
from listlint.document.html import LIST_LINE_RE, HtmlLink, find_comments, html_links
from listlint.document.inline import (
    InlineMap,
    destination_bounds,
    match_bracket,
    plain_text,
    record_positions,
)
from listlint.document.model import Comment, Document, Entry, Link, LinkKind, LinkRole, Section, Span, Tag
from listlint.document.slugs import SlugCounter, github_slug, heading_text
from listlint.errors import InputError
from listlint.source import Source

__all__ = ["parse_document"]

# Text that is almost a link: reversed `(text)[url]`, a space between `]` and
# `(`, a missing `]` or `)`.  Only searched for outside real links.
REVERSED_RE = re.compile(r"\(([^()\n]*)\)\[((?:https?://|www\.)[^\[\]\s]*)\]")
SPACED_RE = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\][ \t]+\(((?:https?://|www\.)[^()\s]*)\)")
UNCLOSED_PAREN_RE = re.compile(r"\[([^\[\]\n]*)\]\(((?:https?://|www\.)[^()\s]*)(?=\s|$)")
MISSING_BRACKET_RE = re.compile(r"\[([^\[\]\n]+)\(((?:https?://|www\.)[^()\s]*)\)")
MALFORMED_PATTERNS = (REVERSED_RE, SPACED_RE, UNCLOSED_PAREN_RE, MISSING_BRACKET_RE)
# Every malformed pattern has a URL start right after "(" or "[" (an opener).
MAYBE_MALFORMED_RE = re.compile(r"[(\[](?:https?://|www\.)")

SEPARATOR_RE = re.compile(r"[ \t]*(:|：|\s-\s|\s–\s|\s—\s|-\s|–\s|—\s)[ \t]*")
# Bounded and stopping at the next opener, so that a line of 10,000 unclosed
# "[a](" or "<" is not rescanned to its end once per opener (quadratic).
MARKUP_RE = re.compile(r"\*\*|__|`|<[^<>]{1,1000}>")
LINK_MARKUP_RE = re.compile(r"!?\[([^\[\]]{0,1000})\]\([^()]{0,2000}\)")
MARKUP_CHARS = frozenset("*_`<[")


class SilentLogger:
    """Stands in for markdown-it-py's module loggers.

    Every block rule logs a debug line on every attempt (70,000 calls for a
    4,000-line list, a sixth of the block parse).  ``"".format`` accepts and
    ignores any arguments at C speed.
    """

    debug = "".format


def silence_markdown_it_logging() -> None:
    import logging
    import sys

    if logging.getLogger("markdown_it").isEnabledFor(logging.DEBUG):
        return  # someone is debugging markdown-it: leave its logging alone
    for name, module in list(sys.modules.items()):
        if name.startswith("markdown_it.") and isinstance(getattr(module, "LOGGER", None), logging.Logger):
            module.LOGGER = SilentLogger()  # type: ignore[attr-defined]


# markdown-it-py silently drops the rest of the file once blocks nest this
# deep.  CommonMark's default of 20 is only ~9 list levels, which a real list
# can reach; 100 is ~49 levels and stays far from Python's recursion limit
# (nested images recurse once per level; 400 overflows).  Deeper input is
# refused by ``parse_tokens``, never checked halfway.
MAX_NESTING = 100


@lru_cache(maxsize=2)
def markdown_parser(*, fast_lists: bool = True) -> MarkdownIt:
    """The parser listlint reads lists with (``fast_lists=False``: without the
    block fast path, for the tests that prove it changes nothing)."""
    silence_markdown_it_logging()
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    record_positions(md)
    proven = fast_paths()  # None on a markdown-it-py they are not proven for
    if proven is not None:
        flat_list, parse_inline_tokens = proven
        if fast_lists:
            md.block.ruler.before("list", "flat_list", flat_list)
        md.core.ruler.at("inline", parse_inline_tokens)
    # Rules read destinations as written (spans point at the source), so the
    # percent-encoding and scheme filtering markdown-it does for HTML output
    # is wasted work here; it was a sixth of the parse time on large lists.
    md.normalizeLink = str  # type: ignore[method-assign,assignment]
    md.normalizeLinkText = str  # type: ignore[method-assign,assignment]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def parse_document(source: Source) -> Document:
    """Build the document model of ``source``."""
    builder = DocumentBuilder(source)
    builder.walk(parse_tokens(source.text, source, 0), line_offset=0)
    return builder.document


def parse_tokens(text: str, source: Source, line_offset: int) -> list[Token]:
    """markdown-it-py tokens of ``text``; ``InputError`` if it stopped at the nesting limit."""
    tokens = markdown_parser().parse(text)
    for token in tokens:
        # A container opened at the last level gets its content dropped.
        if token.nesting == 1 and token.level >= MAX_NESTING - 1 and token.type != "paragraph_open":
            line = (token.map[0] if token.map else 0) + 1 + line_offset
            raise InputError(
                f"{source.path}:{line}: lists or block quotes nested too deep (over "
                f"{MAX_NESTING} levels, about {MAX_NESTING // 2} for lists); "
                "listlint cannot check this file"
            )
    return tokens


class DocumentBuilder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.document = Document(source=source)
        self.slugs = SlugCounter()
        self.heading_path: list[tuple[int, str]] = []
        self.section: Section | None = None
        # HTML blocks whose list lines are being parsed now: "- - <details>"
        # re-parses to the same block, which must not be expanded again.
        self.expanding: set[tuple[int, int]] = set()

    # -- the walk -----------------------------------------------------------

    def walk(self, tokens: list[Token], *, line_offset: int) -> None:
        list_depth = 0
        in_body = False
        consumed: set[int] = set()
        count = len(tokens)
        for index, token in enumerate(tokens):
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                list_depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                list_depth -= 1
            elif kind == "heading_open" and index + 1 < count:
                consumed.add(id(tokens[index + 1]))
                self.add_section(token, tokens[index + 1], line_offset)
            elif kind == "list_item_open":
                if index + 2 < count and tokens[index + 1].type == "paragraph_open":
                    consumed.add(id(tokens[index + 2]))
                    more = later_paragraphs(tokens, index)
                    consumed.update(id(inline) for inline in more)
                    self.add_item(tokens[index + 2], list_depth, line_offset, more)
            elif kind == "tbody_open":
                in_body = True
            elif kind == "tbody_close":
                in_body = False
            elif kind == "tr_open" and in_body:
                cells = []
                for cell_index in range(index + 1, count):  # no slice: a copy per row
                    cell = tokens[cell_index]
                    if cell.type == "tr_close":
                        break
                    if cell.type == "inline":
                        cells.append(cell)
                consumed.update(id(cell) for cell in cells)
                self.add_row(token, cells, line_offset)
            elif kind == "inline" and id(token) not in consumed:
                self.add_loose_inline(token, line_offset)
            elif kind == "html_block":
                self.add_html_block(token, line_offset)

    # -- sections -----------------------------------------------------------

    def add_section(self, heading: Token, inline: Token, line_offset: int) -> None:
        level = int(heading.tag[1:])
        title = plain_text(inline.children).strip()
        first, last = self.lines(heading, line_offset)
        while self.heading_path and self.heading_path[-1][0] >= level:
            self.heading_path.pop()
        self.heading_path.append((level, title))
        start = self.source.line_offset(first)
        section = Section(
            title=title,
            level=level,
            path=tuple(name for _, name in self.heading_path),
            span=Span(start, self.source.line_ends[last - 1]),
            line=first,
            anchor=self.slugs.unique(github_slug(heading_text(inline.children))),
        )
        self.document.sections.append(section)
        self.section = section
        self.collect_links(inline, line_offset)

    # -- entries ------------------------------------------------------------

    def add_item(self, inline: Token, depth: int, line_offset: int, more: tuple[Token, ...] = ()) -> None:
        first, last = self.lines(inline, line_offset)
        located = self.collect_links(inline, line_offset)
        extra = tuple(self.collect_links(paragraph, line_offset) for paragraph in more)
        if more:
            last = max(last, self.lines(more[-1], line_offset)[1])
        imap = located.imap
        line = self.source.line_text(first)
        start = self.source.line_offset(first) + len(line) - len(line.lstrip())
        start = min(start, imap.to_source(0))
        end = self.source.line_ends[last - 1]
        self.document.entries.append(
            build_entry(
                self.source,
                inline.content,
                located,
                Span(start, end),
                first,
                last,
                section=self.section,
                depth=depth,
                extra=extra,
            )
        )

    def add_row(self, row: Token, cells: list[Token], line_offset: int) -> None:
        if not row.map:
            return
        first = row.map[0] + 1 + line_offset
        links: list[Link] = []
        title_cell: list[Link] | None = None  # the links of the first cell with text
        hint = 0
        for cell in cells:
            located = self.collect_links(cell, line_offset, first_line=first, hint=hint)
            links.extend(located.links)
            if title_cell is None and NAMING_CELL_RE.search(cell.content):
                title_cell = located.links
            hint = max(hint, located.imap.to_source(len(cell.content)) - self.source.line_offset(first))
        if not any(link.kind != "image" for link in links):
            return
        start = self.source.line_offset(first)
        end = self.source.line_ends[first - 1]
        text = self.source.text
        roles = tuple(link_role(link, text[link.text_span.start : link.text_span.end]) for link in links)
        cells_text = [plain_text(cell.children).strip() for cell in cells]
        # A row's title link is the first link of its first cell with text,
        # unless that is a badge or a generic text (| Title | [Paper](url) |,
        # | **CLEVR-ATVC** | [its paper](url) |: the title is the cell's text).
        in_title_cell = {id(link) for link in title_cell or ()}
        first_link = next(
            (
                link
                for link, role in zip(links, roles, strict=True)
                if role != "badge" and link.kind != "image" and id(link) in in_title_cell
            ),
            None,
        )
        title_link = (
            first_link
            if first_link is not None
            and first_link.kind in PRIMARY_KINDS
            and not is_generic_text(first_link.text)
            else None
        )
        primary = choose_primary(links, roles, title_link)
        name = title_link.text if title_link is not None else row_title([cell.content for cell in cells])
        badges = tuple(tag for tag in map(badge_tag, links) if tag is not None)
        self.document.entries.append(
            Entry(
                span=Span(start, end),
                line=first,
                end_line=first,
                section=self.section,
                depth=0,
                kind="row",
                raw=self.source.text[start:end],
                links=tuple(links),
                name=strip_markup(name),
                title=strip_markup(name),
                description=" | ".join(text for text in cells_text if text),
                tags_text="",
                tags=(),
                tags_span=None,
                separator_span=None,
                after_link_span=None,
                primary_link=primary,
                title_link=title_link,
                roles=roles,
                venue_tags=badges,
            )
        )

    def add_loose_inline(self, inline: Token, line_offset: int) -> None:
        if inline.map is None:
            return
        self.collect_links(inline, line_offset)

    # -- links --------------------------------------------------------------

    def collect_links(
        self, inline: Token, line_offset: int, *, first_line: int | None = None, hint: int = 0
    ) -> LocatedLinks:
        if first_line is None:
            first_line = self.lines(inline, line_offset)[0]
        located = locate_links(self.source, inline, first_line, hint)
        self.document.links.extend(located.links)
        for match in find_comments(inline.content):
            start, end = located.imap.to_source(match.start()), located.imap.to_source(match.end())
            self.add_comment(match, start, end)
        return located

    def add_html_block(self, block: Token, line_offset: int) -> None:
        first, last = self.lines(block, line_offset)
        start = self.source.line_offset(first)
        end = self.source.line_ends[last - 1]
        raw = self.source.text[start:end]
        for match in find_comments(raw):
            self.add_comment(match, start + match.start(), start + match.end())
        lines = raw.split("\n") if "\r" not in raw else re.split(r"\r\n|\r|\n", raw)
        markdown_lines = [i for i, text in enumerate(lines) if LIST_LINE_RE.match(text)]
        if markdown_lines and (first, last) not in self.expanding:
            # Markdown list lines inside an HTML block: GitHub shows them as
            # text, but they are entries; parse them where they stand.
            kept = set(markdown_lines)
            fragment = "\n".join(text if i in kept else "" for i, text in enumerate(lines))
            self.expanding.add((first, last))
            try:
                self.walk(parse_tokens(fragment, self.source, first - 1), line_offset=first - 1)
            finally:
                self.expanding.discard((first, last))
        markdown_starts = {self.source.line_offset(first + i) for i in markdown_lines}
        for found in html_links(raw):
            line_start = self.source.line_offset(self.source.position(start + found.start)[0])
            if line_start in markdown_starts:
                continue
            self.document.links.append(html_link(found, start))

    def add_comment(self, match: re.Match[str], start: int, end: int) -> None:
        self.document.comments.append(
            Comment(
                text=match.group(1).strip(),
                span=Span(start, end),
                line=self.source.position(start)[0],
                end_line=self.source.position(end)[0],
            )
        )

    def lines(self, token: Token, line_offset: int) -> tuple[int, int]:
        """1-based first and last line of a block token."""
        begin, end = token.map or (0, 1)
        return begin + 1 + line_offset, max(end, begin + 1) + line_offset


def later_paragraphs(tokens: list[Token], item_index: int) -> tuple[Token, ...]:
    """The inline tokens of an item's paragraphs after its first (``- Title`` / blank
    line / ``  [[Paper]](url)``); paragraphs of nested items are theirs."""
    level = tokens[item_index].level
    found: list[Token] = []
    index = item_index + 4  # list_item_open, paragraph_open, inline, paragraph_close
    count = len(tokens)
    while index < count:
        token = tokens[index]
        if token.level <= level:
            break  # list_item_close (or malformed input)
        if token.type == "paragraph_open" and token.level == level + 1 and index + 1 < count:
            found.append(tokens[index + 1])
        elif token.nesting == 1 and token.type != "paragraph_open":
            return tuple(found)  # a nested list or block: later paragraphs are rare, stop scanning
        index += 1
    return tuple(found)


class LocatedLinks:
    __slots__ = ("links", "content_spans", "imap", "italics")

    def __init__(self, imap: InlineMap) -> None:
        self.imap = imap
        self.links: list[Link] = []
        self.content_spans: list[tuple[int, int]] = []
        # What markdown-it renders in <em>: content offsets inside the delimiters.
        self.italics: list[tuple[int, int]] = []

    def add(self, link: Link, content_start: int, content_end: int) -> None:
        self.links.append(link)
        self.content_spans.append((content_start, content_end))


def locate_links(source: Source, inline: Token, first_line: int, hint: int = 0) -> LocatedLinks:
    """Every link in ``inline`` with spans in the file, in reading order."""
    src = inline.content
    imap = InlineMap(src, source, first_line, hint=hint)
    located = LocatedLinks(imap)
    children = inline.children or []
    found: list[tuple[int, int, Link]] = []
    for index, child in enumerate(children):
        meta = child.meta or {}
        if "end" not in meta:
            continue  # not a link (an emphasis delimiter carries a start only)
        start, end = meta["start"], meta["end"]
        if child.type == "image":
            link = markdown_link(src, imap, start + 1, end, "image", plain_text(child.children))
        elif child.markup == "autolink":
            span = Span(imap.to_source(start + 1), imap.to_source(end - 1))
            link = Link(
                text=src[start + 1 : end - 1],
                url=src[start + 1 : end - 1],
                span=Span(imap.to_source(start), imap.to_source(end)),
                text_span=span,
                url_span=span,
                kind="autolink",
            )
        else:
            link = plain_link(src, imap, children, index, start, end) or markdown_link(
                src,
                imap,
                start,
                end,
                "inline",
                label_text(children, index),
                href=str(child.attrs.get("href", "")),
            )
        found.append((start, end, link))
    if "<" in src:
        for found_html in html_links(src):
            found.append((found_html.start, found_html.end, html_link(found_html, 0, imap)))
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    if has_stray_url_opener(src, found):
        add_malformed(src, imap, found)
        found.sort(key=lambda item: item[0])
    for start, end, link in found:
        located.add(link, start, end)
    if "*" in src or "_" in src:
        located.italics = italic_spans(children)
    return located


def italic_spans(children: list[Token]) -> list[tuple[int, int]]:
    """The content spans of the ``em`` markdown-it rendered (delimiters excluded)."""
    spans = []
    opened: list[int] = []
    for child in children:
        if child.type == "em_open" and child.meta and "start" in child.meta:
            opened.append(child.meta["start"] + 1)
        elif child.type == "em_close" and opened and child.meta and "start" in child.meta:
            spans.append((opened.pop(), child.meta["start"]))
    return spans


def has_stray_url_opener(src: str, found: list[tuple[int, int, Link]]) -> bool:
    """Whether a ``(http``, ``[http``, ``(www.`` or ``[www.`` of ``src`` lies outside
    the links ``found`` (sorted by start).  Every almost-link has one, and a
    well-formed entry has none, so most entries skip the malformed patterns."""
    if not found:
        return MAYBE_MALFORMED_RE.search(src) is not None
    covered_to = 0  # how far the links that start before the opener reach
    index = 0
    for match in MAYBE_MALFORMED_RE.finditer(src):
        at = match.start()
        while index < len(found) and found[index][0] <= at:
            covered_to = max(covered_to, found[index][1])
            index += 1
        if at >= covered_to:
            return True
    return False


def add_malformed(src: str, imap: InlineMap, found: list[tuple[int, int, Link]]) -> None:
    """Almost-links in ``src`` outside the links already ``found``."""
    # One flag per character of ``src``: checking each match against a list
    # of spans was quadratic on a line of 10,000 malformed links.
    taken = bytearray(len(src) + 1)
    for start, end, _ in found:
        mark_taken(taken, start, end)
    for pattern in MALFORMED_PATTERNS:
        for match in pattern.finditer(src):
            if taken.find(1, match.start(), max(match.end(), match.start() + 1)) >= 0:
                continue
            kind: LinkKind = "reversed" if pattern is REVERSED_RE else "broken"
            link = Link(
                text=match.group(1),
                url=match.group(2),
                span=Span(imap.to_source(match.start()), imap.to_source(match.end())),
                text_span=Span(imap.to_source(match.start(1)), imap.to_source(match.end(1))),
                url_span=Span(imap.to_source(match.start(2)), imap.to_source(match.end(2))),
                kind=kind,
            )
            found.append((match.start(), match.end(), link))
            mark_taken(taken, match.start(), match.end())


def mark_taken(taken: bytearray, start: int, end: int) -> None:
    start, end = max(start, 0), min(end, len(taken))
    if end > start:
        taken[start:end] = b"\x01" * (end - start)


def markdown_link(
    src: str, imap: InlineMap, start: int, end: int, kind: LinkKind, text: str, href: str = ""
) -> Link:
    """A ``[text](url)`` (or ``![alt](src)``, ``[text][ref]``) at ``src[start:end]``."""
    label_end = match_bracket(src, start)
    if label_end < 0 or label_end >= end:
        label_end = start
    if label_end + 1 < end and src[label_end + 1] == "(":
        url_start, url_end = destination_bounds(src, label_end + 1, end)
        url = src[url_start:url_end]
        link_kind: LinkKind = kind
    else:
        url_start, url_end = label_end + 1, end
        url = href
        link_kind = "reference" if kind == "inline" else kind
    open_at = start - 1 if kind == "image" else start
    return Link(
        text=text,
        url=url,
        span=Span(imap.to_source(open_at), imap.to_source(end)),
        text_span=Span(imap.to_source(start + 1), imap.to_source(max(label_end, start + 1))),
        url_span=Span(imap.to_source(url_start), imap.to_source(url_end)),
        kind=link_kind,
    )


def plain_link(
    src: str, imap: InlineMap, children: list[Token], index: int, start: int, end: int
) -> Link | None:
    """The link opened at ``children[index]`` if it is ``[label](url)`` as
    written, with a plain label and no title (most links); else None.

    Its parts then lie end to end in ``src``, so the spans are sums, with no
    bracket matching; :func:`markdown_link` gives the same for these and
    handles the rest.
    """
    if index + 2 >= len(children):
        return None
    label, close = children[index + 1], children[index + 2]
    if label.type != "text" or close.type != "link_close":
        return None
    text, url = label.content, str(children[index].attrs.get("href", ""))
    label_end = start + 1 + len(text)
    url_start = label_end + 2
    if not (
        text
        and url_start + len(url) == end - 1
        and src.startswith(text, start + 1)
        and src.startswith("](", label_end)
        and src.startswith(url, url_start)
        and src[end - 1] == ")"
    ):
        return None
    return Link(
        text=text,
        url=url,
        span=Span(imap.to_source(start), imap.to_source(end)),
        text_span=Span(imap.to_source(start + 1), imap.to_source(label_end)),
        url_span=Span(imap.to_source(url_start), imap.to_source(end - 1)),
        kind="inline",
    )


def html_link(found: HtmlLink, base: int, imap: InlineMap | None = None) -> Link:
    def at(offset: int) -> int:
        return imap.to_source(offset) if imap is not None else base + offset

    return Link(
        text=found.text,
        url=found.url,
        span=Span(at(found.start), at(found.end)),
        text_span=Span(at(found.start), at(found.end)),
        url_span=Span(at(found.url_start), at(found.url_end)),
        kind="image" if found.tag == "img" else "html",
    )


def label_text(children: list[Token], open_index: int) -> str:
    depth = 0
    inner: list[Any] = []
    # Indexes, not a slice: a copy per link made a 1 MB line of links quadratic.
    for index in range(open_index + 1, len(children)):
        child = children[index]
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            if depth == 0:
                break
            depth -= 1
        inner.append(child)
    return plain_text(inner)


PRIMARY_KINDS = ("inline", "reference", "autolink", "html")
# Separators between a title written as text and what follows it.
TEXT_TITLE_END_RE = re.compile(r"\s[-–—]\s|\s\|\s")
TITLE_STRIP = " \t-–—:|,;(.*_~"


def build_entry(
    source: Source,
    content: str,
    located: LocatedLinks,
    span: Span,
    first: int,
    last: int,
    *,
    section: Section | None,
    depth: int,
    extra: tuple[LocatedLinks, ...] = (),
) -> Entry:
    """Split an item into markers, title, links with roles, description and tags."""
    imap = located.imap
    text = source.text
    spans = located.content_spans
    links = list(located.links)
    for more in extra:
        links.extend(more.links)
    roles = tuple(link_role(link, text[link.text_span.start : link.text_span.end]) for link in links)
    starts = {start: index for index, (start, _) in enumerate(spans)}
    body_at, markers, task = marker_end(content, frozenset(starts))
    title_index, after_start = find_title_link(content, located, roles, body_at, starts)
    title_link = links[title_index] if title_index is not None else None
    primary = choose_primary(links, roles, title_link)
    separator_span = None
    separator = ""
    if title_link is not None:
        name = title_link.text
    else:
        name, after_start = text_title(content, spans, body_at)
    after = content[after_start:]
    sep_match = SEPARATOR_RE.match(after) if title_link is not None else None
    if sep_match and sep_match.end() < len(after):
        separator = sep_match.group(1).strip()
        separator_span = Span(
            imap.to_source(after_start + sep_match.start()), imap.to_source(after_start + sep_match.end())
        )
        body_start = after_start + sep_match.end()
    else:
        body_start = after_start
    body = content[body_start:]
    bar = max(body.rfind("|"), body.rfind("｜"))
    tags: list[Tag] = []
    if bar >= 0 and not inside_link(body_start + bar, spans):
        tags_raw = body[bar + 1 :]
        tags_text = tags_raw.strip()
        lead = len(tags_raw) - len(tags_raw.lstrip())
        tags_start = body_start + bar + 1 + lead
        tags_span: Span | None = Span(imap.to_source(tags_start), imap.to_source(tags_start + len(tags_text)))
        description_raw = body[:bar]
        scope_end = body_start + bar
        assert tags_span is not None
        if tags_text:
            exact = text[tags_span.start : tags_span.end] == tags_text
            tags.append(Tag(text=tags_text, span=tags_span, where="bar", exact=exact))
    else:
        tags_text, tags_span, description_raw = "", None, body
        scope_end = len(content)
    tags.extend(find_tag_places(content, spans, imap.to_source, text, scope_end, located.italics))
    for link in links:
        badge = badge_tag(link)
        if badge is not None:
            tags.append(badge)
    if title_link is None:
        description_raw = text_without_links(content, body_start, body_start + len(description_raw), located)
    description = strip_markup(description_raw).strip()
    plain_name = strip_markup(name).strip()
    if title_link is None:
        plain_name = without_trailing_tag(plain_name, tags)
        title = plain_name
    elif separator in (":", "：") and description and joins_name(plain_name, description):
        title = f"{plain_name.rstrip(':').rstrip()}: {description}"
    elif plain_name.endswith(":") and description:
        title = f"{plain_name} {description}"
    else:
        title = plain_name
    after_link_span = (
        Span(imap.to_source(after_start), imap.to_source(len(content))) if title_link is not None else None
    )
    return Entry(
        span=span,
        line=first,
        end_line=last,
        section=section,
        depth=depth,
        kind="item",
        raw=source.text[span.start : span.end],
        links=tuple(links),
        name=plain_name,
        title=" ".join(title.split()),
        description=description,
        tags_text=tags_text,
        tags=tuple(tag.strip() for tag in tags_text.split(",") if tag.strip()) if tags_text else (),
        tags_span=tags_span,
        separator_span=separator_span,
        after_link_span=after_link_span,
        primary_link=primary,
        title_link=title_link,
        roles=roles,
        markers=markers,
        task=task,
        venue_tags=tuple(tags),
    )


def find_title_link(
    content: str, located: LocatedLinks, roles: tuple[LinkRole, ...], at: int, starts: dict[int, int]
) -> tuple[int | None, int]:
    """The index of the link that is the entry's title, and where the text after it starts.

    The title link opens the entry (after its markers, inside emphasis or
    not); badges and icons before it are skipped; a generic text
    (``[paper]``, ``[[Code]]``) is never a title.
    """
    links = located.links
    while at < len(content):
        opener = EMPHASIS_RE.match(content, at)
        inner = opener.end() if opener else at
        index = starts.get(inner)
        if index is None:
            return None, at
        link = links[index]
        end = located.content_spans[index][1]
        if opener is not None and content.startswith(opener.group(), end):
            end += len(opener.group())
        if link.kind == "image" or roles[index] == "badge":
            at = skip_gap(content, end)
            continue
        if link.kind not in PRIMARY_KINDS or is_generic_title(link.text):
            return None, at
        return index, end
    return None, at


def choose_primary(links: list[Link], roles: tuple[LinkRole, ...], title_link: Link | None) -> Link | None:
    """The title's link, else the first paper link, else the first link that is not code or a badge."""
    if title_link is not None and not title_link.is_anchor:
        return title_link
    if title_link is not None:
        return None  # a table of contents item: its link is an anchor
    fallback = None
    for link, role in zip(links, roles, strict=True):
        if link.kind not in PRIMARY_KINDS or link.is_anchor:
            continue
        if role == "paper":
            return link
        if fallback is None and role not in ("code", "badge"):
            fallback = link
    return fallback


def text_title(content: str, spans: list[tuple[int, int]], at: int) -> tuple[str, int]:
    """The title written as text (bold or plain) from ``at``, and where the text after it starts."""
    bold = re.match(r"(\*\*|__)(.+?)\1", content[at:])
    if bold is not None and bold.group(2).strip(TITLE_STRIP):
        return bold.group(2), at + bold.end()
    position = at
    for start, end in sorted(spans):
        if end <= position:
            continue
        piece_end = max(start, position)
        name, stop = plain_piece(content, position, piece_end)
        if name:
            return name, stop
        position = max(position, end)
    return plain_piece(content, position, len(content))


def plain_piece(content: str, start: int, end: int) -> tuple[str, int]:
    piece = content[start:end]
    lead = len(piece) - len(piece.lstrip(" \t-–—:|"))
    cut = TEXT_TITLE_END_RE.search(piece, lead)
    if cut is not None:
        piece = piece[: cut.start()]
    name = strip_markup(piece).strip(TITLE_STRIP)
    return name, start + len(piece)


# A cell that can name a row: it has a letter (not only a date or a number).
NAMING_CELL_RE = re.compile(r"[^\W\d_]")
ENUMERATOR_RE = re.compile(r"^\(?\d{1,4}[.)]\s*")


def row_title(cells: list[str]) -> str:
    """A row's title written as text (cells as written): the bold text opening its first
    cell with a letter, else that cell up to a run of spaces, a line break or a dash
    (``| 1) MEM1  This work introduces ... |``), without its number."""
    first = ENUMERATOR_RE.sub("", next((cell for cell in cells if NAMING_CELL_RE.search(cell)), "").strip())
    bold = re.match(r"(\*\*|__)(.+?)\1", first)
    if bold is not None:
        return strip_markup(bold.group(2))  # | 8) **Title** - what it does |
    first = re.split(r"\s{2,}|<br\s*/?>|\s[-–—]\s", first, maxsplit=1)[0]
    return strip_markup(first)


def text_without_links(content: str, start: int, end: int, located: LocatedLinks) -> str:
    """``content[start:end]`` with generic links, badges and images left out (other links as their text)."""
    pieces = []
    position = start
    for (link_start, link_end), link in zip(located.content_spans, located.links, strict=True):
        if link_end <= start or link_start >= end:
            continue
        pieces.append(content[position:link_start])
        if link.kind != "image" and not is_generic_text(link.text) and not link.text.startswith("!"):
            pieces.append(link.text)
        position = max(position, link_end)
    pieces.append(content[position:end])
    return "".join(pieces)


def without_trailing_tag(name: str, tags: list[Tag]) -> str:
    """A title written as text, without the venue at its end (``Title. SIGMOD'24``)."""
    for tag in tags:
        if tag.where in ("trailing", "parentheses") and name.rstrip(" .)").endswith(tag.text):
            cut = name.rstrip(" .)")[: -len(tag.text)].rstrip(" .,;(|-–—")
            if cut:
                return cut
    return name


def joins_name(name: str, description: str) -> bool:
    """Whether ``[Name](url): Rest`` states one title ``Name: Rest`` (a short name, then a
    title-cased rest), not a full title followed by a note."""
    if len(name.split()) > 3 or ":" in name:
        return False
    rest = description.strip()
    return rest[:1].isupper() and not rest.endswith((".", "!", "?", "。"))


def inside_link(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def strip_markup(text: str) -> str:
    if not text:
        return ""
    if not MARKUP_CHARS.intersection(text):
        return " ".join(text.split())
    text = LINK_MARKUP_RE.sub(r"\1", text)
    return " ".join(MARKUP_RE.sub("", text).split())
