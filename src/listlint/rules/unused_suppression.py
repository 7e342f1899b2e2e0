"""LL901 unused-suppression: A suppression comment that hid nothing (ruff's RUF100); fixed by removing it.

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
    code="LL901",
    name="unused-suppression",
    summary="A suppression comment that hid nothing (ruff's RUF100); fixed by removing it.",
    severity=Severity.INFO,
    check=check,
    fixable=True,
)
