"""Rule code: one module per rule, plus the registry.

(The top-level ``rules/`` folder of the repository holds each rule's doc page.)
"""

from listlint.rules.base import Rule, RuleContext

__all__ = ["Rule", "RuleContext"]
