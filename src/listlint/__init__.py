"""listlint: a link and metadata linter for curated Markdown lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "Facts",
    "Fix",
    "Lookup",
    "MetadataSource",
    "Rule",
    "RuleContext",
    "Severity",
    "SourceHttp",
    "SourceNote",
    "__version__",
    "lint_text",
]

if TYPE_CHECKING:
    from listlint.diagnostics import Diagnostic, Fix, Severity
    from listlint.gather.facts import Facts
    from listlint.gather.sources import Lookup, MetadataSource, SourceHttp, SourceNote
    from listlint.pipeline import lint_text
    from listlint.rules.base import Rule, RuleContext

# The public names load on first use, so that ``listlint --version`` and the
# modules that only need ``__version__`` do not import the whole pipeline.
_HOMES = {
    "Diagnostic": "listlint.diagnostics",
    "Fix": "listlint.diagnostics",
    "Severity": "listlint.diagnostics",
    "lint_text": "listlint.pipeline",
    "Facts": "listlint.gather.facts",
    "Lookup": "listlint.gather.sources",
    "MetadataSource": "listlint.gather.sources",
    "SourceHttp": "listlint.gather.sources",
    "SourceNote": "listlint.gather.sources",
    "Rule": "listlint.rules.base",
    "RuleContext": "listlint.rules.base",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'listlint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
