"""Links and comments inside raw HTML (``<details>`` buckets, badges, tables)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)
# A "<" with no ">" before the next "<" (or the end) never closes a tag.
UNCLOSED_TAG_RE = re.compile(r"<(?=[^<>]*(?:<|\Z))")
LIST_LINE_RE = re.compile(r"^\s{0,12}(?:[-*+]|\d{1,9}[.)])\s+\S")
ATTRIBUTES = {"a": "href", "img": "src"}


@dataclass(frozen=True, slots=True)
class HtmlLink:
    """Offsets are relative to the text that was scanned."""

    tag: str
    text: str
    url: str
    start: int
    end: int
    url_start: int
    url_end: int


class LinkCollector(HTMLParser):
    """Collects ``<a href>`` and ``<img src>`` with offsets into the fed text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.links: list[HtmlLink] = []
        self.open_anchor: tuple[str, int, int, int, list[str]] | None = None

    def current_offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = ATTRIBUTES.get(tag)
        if wanted is None:
            return
        value = next((v for k, v in attrs if k == wanted and v is not None), None)
        if value is None:
            return
        start = self.current_offset()
        raw = self.get_starttag_text() or ""
        value_at = find_attribute_value(raw, wanted)
        url_start = start + value_at if value_at >= 0 else start
        url_end = url_start + (len(raw_attribute_value(raw, value_at)) if value_at >= 0 else 0)
        if tag == "img":
            alt = next((v for k, v in attrs if k == "alt" and v), "")
            self.links.append(HtmlLink("img", alt, value, start, start + len(raw), url_start, url_end))
            if self.open_anchor is not None:
                self.open_anchor[4].append(alt)
            return
        self.open_anchor = (value, start, url_start, url_end, [])

    def handle_data(self, data: str) -> None:
        if self.open_anchor is not None:
            self.open_anchor[4].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "a" or self.open_anchor is None:
            return
        url, start, url_start, url_end, parts = self.open_anchor
        end = self.text.find(">", self.current_offset()) + 1 or len(self.text)
        text = " ".join("".join(parts).split())
        self.links.append(HtmlLink("a", text, url, start, end, url_start, url_end))
        self.open_anchor = None

    def close_links(self) -> list[HtmlLink]:
        if self.open_anchor is not None:
            url, start, url_start, url_end, parts = self.open_anchor
            self.links.append(HtmlLink("a", "".join(parts).strip(), url, start, url_end, url_start, url_end))
            self.open_anchor = None
        return sorted(self.links, key=lambda link: link.start)


def find_attribute_value(raw_tag: str, name: str) -> int:
    """Offset in ``raw_tag`` where the value of attribute ``name`` begins."""
    match = re.search(rf"\b{name}\s*=\s*([\"']?)", raw_tag, re.IGNORECASE)
    return match.end() if match else -1


def raw_attribute_value(raw_tag: str, at: int) -> str:
    quote = raw_tag[at - 1] if at > 0 and raw_tag[at - 1] in "\"'" else ""
    if quote:
        end = raw_tag.find(quote, at)
    else:
        match = re.compile(r"[\s>]").search(raw_tag, at)
        end = match.start() if match else len(raw_tag)
    return raw_tag[at : end if end >= 0 else len(raw_tag)]


def html_links(text: str) -> list[HtmlLink]:
    """All ``<a href>`` and ``<img src>`` in ``text``; never raises."""
    lowered = text.lower()
    if "<a" not in lowered and "<img" not in lowered:
        return []
    collector = LinkCollector(text)
    try:
        # html.parser rescans to the end of the text for every unclosed "<"
        # (quadratic: 30 s for 100 KB of "<a href='x'"); blank those out first.
        # Same length, so offsets stay right.
        collector.feed(UNCLOSED_TAG_RE.sub(" ", text))
        collector.close()
    except Exception:  # noqa: BLE001 - html.parser can choke on hostile input; keep what we found
        pass
    return collector.close_links()


def find_comments(text: str) -> Iterator[re.Match[str]]:
    """Every ``<!-- ... -->`` in ``text``, in linear time.

    Searching only up to the last ``-->`` keeps a file of unclosed ``<!--``
    from rescanning the rest of the text once per opener.
    """
    last = text.rfind("-->")
    if last < 0:
        return iter(())
    return COMMENT_RE.finditer(text, 0, last + 3)
