"""Inline suppressions in HTML comments (invisible on GitHub).

``<!-- listlint-disable-next-line LL201 -->``, ``<!-- listlint-disable LL2 -->``
... ``<!-- listlint-enable LL2 -->``, ``<!-- listlint-disable-file -->``,
``<!-- listlint-disable-line -->`` (a comment on the same line).  Without
selectors a comment applies to every rule.  Selectors are codes, prefixes or
names, separated by spaces or commas.

Suppressions are never silent about themselves (ruff's RUF100 manners): a
selector that names no rule is ``unknown-rule-in-suppression``; one that hid
nothing is ``unused-suppression``, fixed by removing it.  Both are reported by
:func:`suppression_findings`, not by the rules' own ``check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from listlint.diagnostics import Diagnostic, Edit, Fix, Severity, help_url_for
from listlint.document.model import Comment, Document
from listlint.source import Source

__all__ = ["Suppressions", "Directive", "read_suppressions", "suppression_findings", "covers", "ALL"]

DIRECTIVE_RE = re.compile(
    r"^listlint-(disable-next-line|disable-line|disable-file|disable|enable)\b\s*(.*)$", re.DOTALL
)
ALL = "ALL"


@dataclass(slots=True)
class Directive:
    """One suppression comment and which of its selectors hid something."""

    kind: str
    selectors: tuple[str, ...]  # as written; empty: every rule
    comment: Comment
    used: set[str] = field(default_factory=set)

    @property
    def effective(self) -> tuple[str, ...]:
        return self.selectors or (ALL,)


@dataclass(slots=True)
class Scope:
    directive: Directive
    selector: str
    first: int
    last: int | None  # None: to the end of the file (or until enabled)


@dataclass(slots=True)
class Suppressions:
    directives: list[Directive] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)

    def hides(self, diagnostic: Diagnostic) -> bool:
        """Whether a suppression hides ``diagnostic`` (each one that does is marked used)."""
        hidden = False
        for scope in self.scopes:
            if (
                scope.first <= diagnostic.line
                and (scope.last is None or diagnostic.line <= scope.last)
                and covers((scope.selector,), diagnostic)
            ):
                scope.directive.used.add(scope.selector)
                hidden = True
        return hidden

    def filter(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        return self.split(diagnostics)[0]

    def split(self, diagnostics: Iterable[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
        """(kept, hidden)."""
        kept: list[Diagnostic] = []
        hidden: list[Diagnostic] = []
        for d in diagnostics:
            (hidden if self.hides(d) else kept).append(d)
        return kept, hidden


def covers(selectors: Iterable[str], diagnostic: Diagnostic) -> bool:
    return any(
        selector == ALL or selector == diagnostic.name or diagnostic.code.startswith(selector)
        for selector in selectors
    )


def read_suppressions(document: Document) -> Suppressions:
    found = Suppressions()
    for comment in document.comments:
        match = DIRECTIVE_RE.match(comment.text)
        if not match:
            continue
        kind, rest = match.groups()
        selectors = tuple(dict.fromkeys(part for part in re.split(r"[\s,]+", rest.strip()) if part))
        if kind == "enable":
            close_ranges(found, set(selectors) or {ALL}, comment.line)
            continue
        directive = Directive(kind, selectors, comment)
        found.directives.append(directive)
        first, last = {
            "disable-file": (1, None),
            "disable-next-line": (comment.end_line + 1, comment.end_line + 1),
            "disable-line": (comment.line, comment.end_line),
            "disable": (comment.line, None),
        }[kind]
        found.scopes.extend(Scope(directive, selector, first, last) for selector in directive.effective)
    return found


def close_ranges(found: Suppressions, selectors: set[str], line: int) -> None:
    for scope in found.scopes:
        closes = ALL in selectors or scope.selector in selectors
        if scope.directive.kind == "disable" and scope.last is None and closes:
            scope.last = line


# -- what suppressions say about themselves ------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleRef:
    """What :func:`suppression_findings` needs to know of a rule."""

    code: str
    name: str
    active: bool


def selector_matches(selector: str, rule: RuleRef) -> bool:
    return selector == ALL or selector in (rule.code, rule.name) or rule.code.startswith(selector)


def suppression_findings(
    document: Document,
    suppressions: Suppressions,
    rules: Sequence[RuleRef],
    severities: dict[str, Severity],
    *,
    report_unused: bool = True,
) -> list[Diagnostic]:
    """``unknown-rule-in-suppression`` and ``unused-suppression`` findings.

    ``severities`` maps the codes of the active suppression rules (LL901,
    LL902) to their severity; a rule not in it is not reported.  A selector
    that names only rules not running now (a network rule offline, an ignored
    rule) is neither unknown nor unused.
    """
    found: list[Diagnostic] = []
    for directive in suppressions.directives:
        unknown = [s for s in directive.selectors if not any(selector_matches(s, r) for r in rules)]
        if unknown and "LL902" in severities:
            names = ", ".join(repr(s) for s in unknown)
            found.append(
                comment_diagnostic(
                    document,
                    directive.comment,
                    "LL902",
                    "unknown-rule-in-suppression",
                    severities["LL902"],
                    f"suppression names no known rule: {names} (see 'listlint rules')",
                )
            )
        if not report_unused or "LL901" not in severities:
            continue
        unused = [
            s
            for s in directive.effective
            if s not in unknown
            and s not in directive.used
            and any(r.active and selector_matches(s, r) for r in rules)
        ]
        if not unused:
            continue
        what = "suppression" if not directive.selectors else f"suppression of {', '.join(unused)}"
        found.append(
            comment_diagnostic(
                document,
                directive.comment,
                "LL901",
                "unused-suppression",
                severities["LL901"],
                f"unused {what}: nothing here is reported that it would hide",
                fix=removal_fix(document, directive, set(unused)),
            )
        )
    return found


def comment_diagnostic(
    document: Document,
    comment: Comment,
    code: str,
    name: str,
    severity: Severity,
    message: str,
    *,
    fix: Fix | None = None,
) -> Diagnostic:
    source = document.source
    line, column = source.position(comment.span.start)
    end_line, end_column = source.position(comment.span.end)
    return Diagnostic(
        code=code,
        name=name,
        severity=severity,
        message=message,
        path=document.path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        fix=fix,
        help_url=help_url_for(name),
    )


def removal_fix(document: Document, directive: Directive, unused: set[str]) -> Fix:
    """Remove the comment (its whole line when it is alone there), or only its unused selectors."""
    source = document.source
    span = directive.comment.span
    kept = [s for s in directive.selectors if s not in unused]
    if kept:
        content = f"<!-- listlint-{directive.kind} {' '.join(kept)} -->"
        return Fix(
            message=f"remove {', '.join(sorted(unused))} from the suppression",
            edits=(edit(source, span.start, span.end, content),),
        )
    line, _ = source.position(span.start)
    end_line, _ = source.position(span.end)
    start, end = span.start, span.end
    first_text = source.text[source.line_offset(line) : span.start]
    last_text = source.text[span.end : source.line_ends[end_line - 1]]
    if not first_text.strip() and not last_text.strip():
        start = source.line_offset(line)
        end = source.line_offset(end_line + 1) if end_line < source.line_count else len(source.text)
    return Fix(message="remove the unused suppression", edits=(edit(source, start, end, ""),))


def edit(source: Source, start: int, end: int, content: str) -> Edit:
    line, column = source.position(start)
    end_line, end_column = source.position(end)
    return Edit(start, end, content, line, column, end_line, end_column)


# -- companions ------------------------------------------------------------------------

LINES_RE = re.compile(r"\bat lines? (\d+(?:, \d+)*)")


def drop_companions(kept: list[Diagnostic], hidden: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Drop a note whose every counterpart was suppressed.

    ``duplicate-link`` reports the repeat (an error) and a note on the first
    entry ("... is listed again at line 12").  Suppressing the repeat silences
    the note too; a note is kept while any repeat it names is still reported.
    """
    if not hidden:
        return kept
    hidden_lines = {(d.code, d.line) for d in hidden}
    kept_lines = {(d.code, d.line) for d in kept}
    result = []
    for d in kept:
        match = LINES_RE.findall(d.message)
        if match and d.severity is Severity.INFO:
            lines = [int(n) for n in match[-1].split(", ")]
            if all((d.code, n) in hidden_lines and (d.code, n) not in kept_lines for n in lines):
                continue
        result.append(d)
    return result
