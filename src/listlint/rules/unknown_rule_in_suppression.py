"""LL902 unknown-rule-in-suppression: A suppression comment names a rule that does not exist.

Reported by the decide stage (see ``found_by_the_decide_stage``); select,
ignore or re-rate it like any rule.
"""

from __future__ import annotations

from listlint.diagnostics import Severity
from listlint.rules.base import Rule, found_by_the_decide_stage

__all__ = ["RULE"]


RULE = Rule(
    code="LL902",
    name="unknown-rule-in-suppression",
    summary="A suppression comment names a rule that does not exist.",
    severity=Severity.WARNING,
    check=found_by_the_decide_stage,
    fixable=False,
)
