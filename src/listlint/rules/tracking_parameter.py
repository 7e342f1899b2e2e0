"""LL401 tracking-parameter: click-tracking query parameters in a link."""

from __future__ import annotations

import re
from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Link
from listlint.identity import query_bounds, strip_tracking, tracking_params
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import link_index, url_bytes_match, url_edit

__all__ = ["RULE"]

ITEM_RE = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s|$)")


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    sponsor_lines = sponsor_block_lines(document)
    for occurrence in link_index(document).occurrences:
        link = occurrence.link
        names = tracking_params(link.url)
        if not names:
            continue
        line = document.source.position(link.span.start)[0]
        if (line in sponsor_lines or is_html_banner(document, link)) and all(
            is_attribution(n) for n in names
        ):
            continue  # a sponsor's or a badge's attribution, written on purpose
        fix = None
        bounds = query_bounds(link.url)
        if bounds is not None and url_bytes_match(document, link):
            # Only the "?query" part changes; the fragment after it stays.
            start, end = bounds[0] - 1, bounds[1]
            stripped = strip_tracking(link.url)
            content = stripped[start : len(stripped) - (len(link.url) - end)]
            fix = context.fix(f"remove {', '.join(names)}", url_edit(context, link, start, end, content))
        listed = ", ".join(f"`{name}`" for name in names)
        yield context.diagnostic(
            link.url_span,
            f"tracking parameter{'s' if len(names) > 1 else ''} {listed} in a link",
            url=link.url,
            fix=fix,
        )


def is_html_banner(document: Document, link: Link) -> bool:
    """An HTML ``<a href><img></a>``: a sponsor's logo or a badge, linked as its owner asked."""
    return link.kind == "html" and "<img" in document.source.text[link.span.start : link.span.end].lower()


def is_attribution(name: str) -> bool:
    """Campaign parameters a sponsor asks for (utm_*, ref): attribution, not a tracker."""
    key = name.lower()
    return key.startswith("utm_") or key in ("ref", "ref_src", "source")


def sponsor_block_lines(document: Document) -> frozenset[int]:
    """Lines of blocks introduced by a heading or a label that mentions sponsors.

    A block runs from such a line to the next heading or the next line that
    is neither blank, a list item, nor HTML.
    """
    source = document.source
    if "ponsor" not in source.text:
        return frozenset()
    lines: set[int] = set()
    inside = False
    for number in range(1, source.line_count + 1):
        text = source.line_text(number).strip()
        lowered = text.lower()
        if text.startswith("#") or (text and not ITEM_RE.match(text) and not text.startswith(("<", "|"))):
            inside = "sponsor" in lowered
            if inside:
                lines.add(number)
            continue
        if inside:
            lines.add(number)
    return frozenset(lines)


RULE = Rule(
    code="LL401",
    name="tracking-parameter",
    summary="A link carries click-tracking parameters (utm_*, fbclid, gclid, ...).",
    severity=Severity.WARNING,
    check=check,
    fixable=True,
)
