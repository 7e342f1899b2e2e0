"""LL903 unmatched-section-ignore: A per-section-ignores heading matches no section of the file.

Reported by the decide stage (see ``found_by_the_decide_stage``); select,
ignore or re-rate it like any rule.
"""

from __future__ import annotations

from listlint.diagnostics import Severity
from listlint.rules.base import Rule, found_by_the_decide_stage

__all__ = ["RULE"]


RULE = Rule(
    code="LL903",
    name="unmatched-section-ignore",
    summary="A per-section-ignores heading matches no section of the file.",
    severity=Severity.WARNING,
    check=found_by_the_decide_stage,
    fixable=False,
)
