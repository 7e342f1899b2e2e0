"""listlint: a link and metadata linter for curated Markdown lists."""

from __future__ import annotations

__version__ = "0.1.0"

from listlint.diagnostics import Diagnostic, Fix, Severity  # noqa: E402
from listlint.pipeline import lint_text  # noqa: E402
from listlint.rules.base import Rule, RuleContext  # noqa: E402

__all__ = ["Diagnostic", "Fix", "Rule", "RuleContext", "Severity", "__version__", "lint_text"]
