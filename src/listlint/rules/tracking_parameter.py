"""LL401 tracking-parameter: click-tracking query parameters in a link."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.identity import query_bounds, strip_tracking, tracking_params
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import link_index, url_bytes_match, url_edit

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    for occurrence in link_index(document).occurrences:
        link = occurrence.link
        names = tracking_params(link.url)
        if not names:
            continue
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


RULE = Rule(
    code="LL401",
    name="tracking-parameter",
    summary="A link carries click-tracking parameters (utm_*, fbclid, gclid, ...).",
    severity=Severity.WARNING,
    check=check,
    fixable=True,
)
