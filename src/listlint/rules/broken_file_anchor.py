"""LL504 broken-file-anchor: ``other.md#fragment`` names no heading or anchor of that file.

The other file's anchors are computed as for in-file links (broken-anchor,
LL501): GitHub's slugs of its headings, and its HTML anchors.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.anchor_targets import AnchorIndex, index_anchors
from listlint.rules.base import Rule, RuleContext
from listlint.rules.local_targets import MARKDOWN_SUFFIXES, LocalTarget, local_targets


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    from listlint.repo_files import trees_of

    cache = trees_of(context.services).anchors
    for target in local_targets(document, context):
        fragment = target.fragment
        if target.kind != "file" or not fragment or not target.relative.lower().endswith(MARKDOWN_SUFFIXES):
            continue
        key = (target.top, target.relative)
        if key not in cache:
            cache[key] = anchors_of(target)
        index = cache[key]
        if not isinstance(index, AnchorIndex):
            continue  # unreadable: nothing to say about its headings
        found, _ = index.resolve(fragment)
        if found:
            continue
        near = index.near(fragment)
        message = f"no heading or anchor '#{fragment}' in {target.relative}"
        if near is None:
            yield context.diagnostic(target.link.url_span, message)
            continue
        url = target.link.url
        edit = context.edit(target.link.url_span, url[: url.index("#") + 1] + near)
        yield context.diagnostic(
            target.link.url_span,
            f"{message}; did you mean '#{near}'?",
            fix=context.fix(f"link to '#{near}'", edit, unsafe=True),
        )


def anchors_of(target: LocalTarget) -> AnchorIndex | None:
    from listlint.document import parse_document
    from listlint.source import Source

    text = target.tree.read_text(target.relative)
    if text is None:
        return None
    return index_anchors(parse_document(Source(path=target.relative, text=text)))


RULE = Rule(
    code="LL504",
    name="broken-file-anchor",
    summary="A link to another Markdown file's '#fragment' matches no heading or anchor there.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
)
