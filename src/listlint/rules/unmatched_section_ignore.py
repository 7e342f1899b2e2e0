"""LL903 unmatched-section-ignore: A per-section-ignores heading matches no section of the file.

Reported by the decide stage (``listlint.pipeline.decide``), which sees
the suppressions and what they hid; this rule's own ``check`` finds nothing.
Select, ignore or re-rate it like any rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext

__all__ = ["RULE"]


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    return iter(())


RULE = Rule(
    code="LL903",
    name="unmatched-section-ignore",
    summary="A per-section-ignores heading matches no section of the file.",
    severity=Severity.WARNING,
    check=check,
    fixable=False,
)
