"""URL patterns (``include``, ``exclude``, ``remap``) run by a linear-time engine.

A pattern comes from the repository's config, so from a pull request: a
catastrophic one (``(a+)+$``) must not hang a run.  Patterns run on RE2
(``google-re2``), whose matching time is linear in the URL.  What RE2 cannot
run (backreferences, lookaround) is refused at config time, naming the
pattern.  Without ``google-re2`` installed, the ``regex`` package runs them
with a time limit per match; a match that exceeds it counts as no match.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

__all__ = ["UrlPattern", "compile_url_pattern", "MATCH_SECONDS"]

# Per-match time limit of the fallback engine.
MATCH_SECONDS = 0.05


class UrlPattern(Protocol):
    pattern: str

    def search(self, text: str) -> Any: ...

    def sub(self, replacement: str, text: str, count: int = 0) -> str: ...


class Re2Pattern:
    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern = pattern
        self._compiled = compiled

    def search(self, text: str) -> Any:
        return self._compiled.search(text)

    def sub(self, replacement: str, text: str, count: int = 0) -> str:
        return str(self._compiled.sub(replacement, text, count=count))


class TimedPattern:
    """The ``regex`` package with a time limit per match (the fallback)."""

    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern = pattern
        self._compiled = compiled

    def search(self, text: str) -> Any:
        try:
            return self._compiled.search(text, timeout=MATCH_SECONDS)
        except TimeoutError:
            return None

    def sub(self, replacement: str, text: str, count: int = 0) -> str:
        try:
            return str(self._compiled.sub(replacement, text, count=count, timeout=MATCH_SECONDS))
        except TimeoutError:
            return text


def compile_url_pattern(pattern: str) -> UrlPattern:
    """``pattern`` compiled for a linear-time engine; ValueError (naming it) if it cannot be."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    try:
        import re2  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        return fallback(pattern)
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr
    try:
        return Re2Pattern(pattern, re2.compile(pattern, options))
    except re2.error as exc:
        detail = (
            exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        )
        raise ValueError(
            f"regular expression {pattern!r} cannot run in linear time ({detail}); "
            "backreferences and lookaround are not supported"
        ) from None


def fallback(pattern: str) -> UrlPattern:
    try:
        import regex  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - one of the two is a dependency
        return re.compile(pattern)  # type: ignore[return-value]
    return TimedPattern(pattern, regex.compile(pattern))
