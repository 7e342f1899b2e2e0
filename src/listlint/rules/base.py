"""What a rule is, and what it gets to work with.

A rule is a :class:`Rule` record in a small module (``RULE = Rule(...)``).
Its ``check`` receives the parsed :class:`~listlint.document.Document` and a
:class:`RuleContext` and returns diagnostics.  A network rule's ``check`` may
read ``context.facts``: what the gather stage learned online for the whole run.
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from listlint.diagnostics import Diagnostic, Edit, Fix, Severity, help_url_for
from listlint.document.model import Document, Span

if TYPE_CHECKING:
    from listlint.config import Settings
    from listlint.gather.facts import Facts
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
    fix_applicability: ``"unsafe"`` when every fix the rule offers changes
                   meaning (applied only with ``--unsafe-fixes``).
    needs_network: only runs with ``--online``.
    uses:          for a network rule, the facts it reads: ``"links"`` (the
                   link engine's crawl) and/or metadata source names
                   (``"arxiv"``).  The gather stage asks only for what some
                   active rule uses; empty means everything.
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
    fix_applicability: Literal["safe", "unsafe"] = "safe"
    needs_network: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    default: bool = True
    docs_url: str | None = None
    uses: tuple[str, ...] = ()

    @property
    def fix_kind(self) -> Literal["safe", "unsafe", "none"]:
        """``safe``, ``unsafe`` (only with ``--unsafe-fixes``) or ``none``."""
        return self.fix_applicability if self.fixable else "none"

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
    # What the gather stage learned online (None in an offline run).
    facts: Facts | None = None

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
        # A password written into a URL (https://user:pw@host/) is never shown.
        from dataclasses import replace

        from listlint.redact import redact_credentials

        message = redact_credentials(message)
        url = redact_credentials(url) if url else url
        if fix is not None and "@" in fix.message:
            fix = replace(fix, message=redact_credentials(fix.message))
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

    def edit(self, span: Span, content: str, *, expected: str | None = None) -> Edit:
        """An edit replacing ``span`` (which holds ``expected``, when given) with ``content``.

        The edit carries the text it replaces.  Inside a link's URL that is
        the URL as the parser read it, so a span the parser mapped wrongly
        can never be applied; elsewhere it is the text at ``span``.
        """
        source = self.document.source
        line, column = source.position(span.start)
        end_line, end_column = source.position(span.end)
        if expected is None:
            expected = expected_text(self.document, span)
        return Edit(span.start, span.end, content, line, column, end_line, end_column, expected)

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


def found_by_the_decide_stage(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    """The ``check`` of a rule the decide stage reports (``listlint.pipeline.decide``, which
    sees the suppressions and what they hid): nothing of its own."""
    return iter(())


def expected_text(document: Document, span: Span) -> str:
    """What ``span`` must hold: the URL's own characters inside a link's URL,
    the file's text elsewhere; a position the parser could not map exactly
    expects something no file holds, so an edit there is never applied."""
    source = document.source
    if source.inexact_lines and any(
        line in source.inexact_lines
        for line in range(source.position(span.start)[0], source.position(span.end)[0] + 1)
    ):
        return UNKNOWN_TEXT
    url = url_around(document, span)
    if url is not None:
        return url
    return source.text[span.start : span.end]


# Never the text of a file: decoding replaces lone surrogates.
UNKNOWN_TEXT = "\udc80<position not known>"


def url_around(document: Document, span: Span) -> str | None:
    """The part of a link's URL (as parsed) that ``span`` covers, if ``span``
    lies inside the URL span of a link written with its URL in place."""
    index = url_index(document)
    position = bisect.bisect_right(index.starts, span.start) - 1
    if position < 0:
        return None
    start, end, url = index.spans[position]
    if not (start <= span.start and span.end <= end):
        return None
    return url[span.start - start : span.end - start]


class UrlIndex:
    __slots__ = ("document", "spans", "starts")

    def __init__(self, document: Document) -> None:
        self.document = document
        self.spans = sorted(
            (link.url_span.start, link.url_span.end, link.url)
            for link in document.links
            if link.kind in URL_IN_PLACE
            and (link.kind != "html" or link.url_span.end - link.url_span.start == len(link.url))
        )
        self.starts = [start for start, _, _ in self.spans]


URL_IN_PLACE = frozenset({"inline", "autolink", "image", "html", "broken", "reversed"})
URL_INDEXES: dict[int, UrlIndex] = {}


def url_index(document: Document) -> UrlIndex:
    cached = URL_INDEXES.get(id(document))
    if cached is None or cached.document is not document:
        URL_INDEXES.clear()  # one document at a time is being fixed
        cached = URL_INDEXES[id(document)] = UrlIndex(document)
    return cached
