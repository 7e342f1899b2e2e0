"""LL902 unknown-rule-in-suppression: A suppression comment names a rule that does not exist.

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
    code="LL902",
    name="unknown-rule-in-suppression",
    summary="A suppression comment names a rule that does not exist.",
    severity=Severity.WARNING,
    check=check,
    fixable=False,
)
