"""LL901 unused-suppression: A suppression comment that hid nothing (ruff's RUF100); fixed by removing it.

Reported by the decide stage (see ``found_by_the_decide_stage``); select,
ignore or re-rate it like any rule.
"""

from __future__ import annotations

from listlint.diagnostics import Severity
from listlint.rules.base import Rule, found_by_the_decide_stage

__all__ = ["RULE"]


RULE = Rule(
    code="LL901",
    name="unused-suppression",
    summary="A suppression comment that hid nothing (ruff's RUF100); fixed by removing it.",
    severity=Severity.INFO,
    check=found_by_the_decide_stage,
    fixable=True,
)
