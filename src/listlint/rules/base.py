"""What a rule is, and what it gets to work with.

A rule is a :class:`Rule` record in a small module (``RULE = Rule(...)``).
Its ``check`` receives the parsed :class:`~listlint.document.Document` and a
:class:`RuleContext` and returns diagnostics.  A network rule's ``check`` may
be a coroutine function; the pipeline awaits those together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from listlint.diagnostics import Diagnostic, Edit, Fix, Severity, help_url_for
from listlint.document.model import Document, Span

if TYPE_CHECKING:
    from listlint.config import Settings
    from listlint.services import Services

__all__ = ["Rule", "RuleContext", "CheckResult"]

CheckResult = Iterable[Diagnostic] | Awaitable[Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A rule's identity and its check.

    code:          unique, e.g. ``LL201``; its prefixes (``LL2``) select groups.
    name:          unique kebab-case name, also the doc page ``rules/NAME.md``.
    summary:       one line for ``listlint rules``.
    severity:      default severity (configurable per rule).
    check:         ``check(document, context) -> iterable`` (or awaitable).
    fixable:       whether diagnostics may carry a fix.
    needs_network: only runs with ``--online``.
    options:       option defaults; users set them under ``[rules.NAME]``.
                   A value's type is the type of its default.
    default:       whether the rule runs without being named; a rule that
                   cannot be precise on most lists is off (``default=False``)
                   and runs when a selector more specific than ``ALL``
                   names it (its code, name or a code prefix).
    docs_url:      a plugin rule's documentation page; built-in rules have
                   theirs under ``rules/``.  None: no page (``help_url`` "").
    """

    code: str
    name: str
    summary: str
    severity: Severity
    check: Callable[[Document, RuleContext], CheckResult]
    fixable: bool = False
    needs_network: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    default: bool = True
    docs_url: str | None = None

    @property
    def help_url(self) -> str:
        """The rule's documentation page: listlint's own for a built-in rule, the
        plugin's ``docs_url`` for a plugin rule, else "" (never a page we lack)."""
        if self.docs_url is not None:
            return self.docs_url
        module = getattr(self.check, "__module__", "") or ""
        return help_url_for(self.name) if module.startswith("listlint.rules.") else ""


@dataclass(slots=True)
class RuleContext:
    """Everything a rule may use besides the document."""

    rule: Rule
    document: Document
    settings: Settings
    services: Services
    options: Mapping[str, Any]
    severity: Severity
    # Lines (1-based) the run reports on; None means every line.
    changed_lines: frozenset[int] | None = None

    def diagnostic(
        self,
        span: Span,
        message: str,
        *,
        url: str | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """A diagnostic of this rule at ``span`` of the current document."""
        source = self.document.source
        line, column = source.position(span.start)
        end_line, end_column = source.position(max(span.end, span.start))
        return Diagnostic(
            code=self.rule.code,
            name=self.rule.name,
            severity=severity or self.severity,
            message=message,
            path=self.document.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            url=url,
            fix=fix,
            help_url=self.rule.help_url,
        )

    def edit(self, span: Span, content: str) -> Edit:
        """An edit replacing ``span`` with ``content``."""
        source = self.document.source
        line, column = source.position(span.start)
        end_line, end_column = source.position(span.end)
        return Edit(span.start, span.end, content, line, column, end_line, end_column)

    def fix(self, message: str, *edits: Edit, unsafe: bool = False) -> Fix:
        return Fix(message=message, edits=tuple(edits), applicability="unsafe" if unsafe else "safe")

    def is_changed(self, span: Span) -> bool:
        """Whether ``span`` touches a line this run reports on."""
        if self.changed_lines is None:
            return True
        source = self.document.source
        first = source.position(span.start)[0]
        last = source.position(span.end)[0]
        return any(line in self.changed_lines for line in range(first, last + 1))
