"""LL503 missing-local-file: a link or image to a file or folder of this repository that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.local_targets import local_targets


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    for target in local_targets(document, context):
        if target.kind is not None:
            continue
        what = "image" if target.link.kind == "image" else "file or folder"
        yield context.diagnostic(
            target.link.url_span,
            f"no {what} '{target.relative}' in this repository",
        )


RULE = Rule(
    code="LL503",
    name="missing-local-file",
    summary="A relative link or image points at a file or folder that is not in the repository.",
    severity=Severity.ERROR,
    check=check,
)
