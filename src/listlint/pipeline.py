"""The pipeline, stage by stage:

read -> parse -> check (offline rules, then network rules) -> decide
(suppressions, per-section ignores, changed lines) -> fix -> (report, exit
code: in the CLI).
"""

from __future__ import annotations

import gc
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from listlint.config import Settings
from listlint.diagnostics import Diagnostic, Edit
from listlint.document import Document, parse_document
from listlint.errors import ListlintError, RuleCrashed
from listlint.fixes import OffsetMap, apply_fix_round
from listlint.rules.base import RuleContext
from listlint.rules.registry import find_plugins, load_rules
from listlint.selection import ActiveRule, select_rules
from listlint.services import Services
from listlint.source import FIX_FACTOR, STDIN, Source, check_parse_cost, read_source, unique_paths
from listlint.suppressions import read_suppressions

__all__ = ["RunOptions", "FileResult", "RunResult", "lint_paths", "lint_text", "load_active_rules"]

MAX_FIX_ROUNDS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    online: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    # Per path, the 1-based lines to report on (None: every line).
    changed_lines: Mapping[str, frozenset[int]] | None = None
    # The name reported for a list read from standard input (path "-").
    stdin_filename: str = STDIN


@dataclass(slots=True)
class FileResult:
    source: Source
    document: Document
    diagnostics: list[Diagnostic]
    fixed: list[Diagnostic] = field(default_factory=list)
    fixed_text: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed_text is not None and self.fixed_text != self.source.text


@dataclass(slots=True)
class RunResult:
    files: list[FileResult]
    rules: list[ActiveRule]
    services: Services

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for result in self.files for d in result.diagnostics]

    @property
    def fixed(self) -> list[Diagnostic]:
        return [d for result in self.files for d in result.fixed]

    @property
    def failures(self) -> list[str]:
        """Rules that crashed, timed out or returned nonsense (exit code 2)."""
        return failures_of(self.services)


def load_active_rules(settings: Settings, *, online: bool) -> list[ActiveRule]:
    return select_rules(load_rules(find_plugins(settings.plugin_files)), settings, online=online)


def lint_paths(paths: Sequence[str], settings: Settings, options: RunOptions) -> RunResult:
    """Run the whole pipeline over ``paths``; fixes are computed, not written."""
    active = load_active_rules(settings, online=options.online)
    services = Services(settings, frozenset(entry.rule.name for entry in active))
    sources = [
        read_source(path, max_bytes=settings.get("max-file-size"), stdin_name=options.stdin_filename)
        for path in unique_paths(paths)
    ]
    if options.fix:
        for source in sources:
            check_parse_cost(source, factor=FIX_FACTOR)
    documents = [parse(source) for source in sources]
    found = check_documents(documents, active, settings, services, options)
    files = []
    for document, diagnostics in zip(documents, found, strict=True):
        kept = decide(document, diagnostics, settings, options)
        result = FileResult(document.source, document, kept)
        if options.fix:
            fix_file(result, active, settings, services, options)
        files.append(result)
    return RunResult(files, active, services)


def lint_text(
    text: str, settings: Settings | None = None, *, path: str = "README.md", options: RunOptions | None = None
) -> list[Diagnostic]:
    """Lint Markdown ``text`` with offline rules (for tests and embedding)."""
    settings = settings or Settings()
    options = options or RunOptions()
    active = load_active_rules(settings, online=options.online)
    document = parse(Source(path=path, text=text))
    services = Services(settings, frozenset(entry.rule.name for entry in active))
    found = check_documents([document], active, settings, services, options)[0]
    failures = failures_of(services)
    if failures:
        raise RuleCrashed(failures[0])
    return decide(document, found, settings, options)


def parse(source: Source) -> Document:
    """``parse_document`` with the cycle collector paused (see :func:`collector_paused`);
    ``InputError`` for a file whose parse would not fit the memory budget."""
    check_parse_cost(source)
    with collector_paused():
        return parse_document(source)


# -- check --------------------------------------------------------------------


def check_documents(
    documents: Sequence[Document],
    active: Sequence[ActiveRule],
    settings: Settings,
    services: Services,
    options: RunOptions,
) -> list[list[Diagnostic]]:
    """Offline rules synchronously, then every network rule in one event loop."""
    results: list[list[Diagnostic]] = [[] for _ in documents]
    pending: list[tuple[int, ActiveRule, Any]] = []
    with collector_paused():
        for index, document in enumerate(documents):
            for entry in active:
                context = make_context(entry, document, settings, services, options)
                try:
                    outcome = run_rule(entry, document, context)
                except RuleCrashed as exc:
                    record_failure(services, str(exc))
                    continue
                if inspect.isawaitable(outcome):
                    pending.append((index, entry, outcome))  # started below, collector on
                else:
                    results[index].extend(outcome)
    if pending:
        for (index, _, _), diagnostics in zip(pending, await_all(pending, services), strict=True):
            results[index].extend(diagnostics)
    return results


def record_failure(services: Services, message: str) -> None:
    """Note a rule that failed; the run goes on with the other rules' findings
    and ends with exit code 2."""
    failures: list[str] = services.stats.setdefault("rule-failures", [])
    if message not in failures:
        failures.append(message)


def failures_of(services: Services) -> list[str]:
    return list(services.stats.get("rule-failures", []))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Parsing and the offline rules make hundreds of thousands of small objects
    and no reference cycles.  The cyclic collector would walk them over and over
    for nothing (a tenth of an offline run on a large list); reference counting
    still frees them.  The network stage, with its many cycles, runs with the
    collector on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def make_context(
    entry: ActiveRule, document: Document, settings: Settings, services: Services, options: RunOptions
) -> RuleContext:
    changed = None
    if options.changed_lines is not None:
        changed = options.changed_lines.get(document.path, frozenset())
    return RuleContext(
        rule=entry.rule,
        document=document,
        settings=settings,
        services=services,
        options=entry.options,
        severity=entry.severity,
        changed_lines=changed,
    )


def run_rule(entry: ActiveRule, document: Document, context: RuleContext) -> Any:
    """The rule's findings (or, for a network rule, its awaitable).

    Whatever the rule does (raises, even ``SystemExit``; returns something
    that is not a list of diagnostics; never returns within ``rule-timeout``)
    becomes a ``RuleCrashed`` that names the rule and where it comes from.
    """
    limit = float(context.settings.get("rule-timeout"))

    def call() -> Any:
        outcome = entry.rule.check(document, context)
        return outcome if inspect.isawaitable(outcome) else list(outcome)

    try:
        outcome = call_with_limit(call, limit)
    except ListlintError:
        raise
    except RuleTimedOut:
        raise RuleCrashed(
            f"rule {describe_rule(entry)} timed out on {document.path} after {limit:g} s "
            f"(rule-timeout); its findings are left out{plugin_of(entry)}"
        ) from None
    except (Exception, SystemExit) as exc:
        raise crashed(entry, document, exc) from exc
    if not inspect.isawaitable(outcome):
        check_findings(entry, document, outcome)
    return outcome


class RuleTimedOut(Exception):
    """A rule did not return within its time limit."""


def call_with_limit(function: Callable[[], Any], limit: float) -> Any:
    """``function()``, given at most ``limit`` seconds (0: no limit).

    With a limit, it runs in a daemon thread: one that never returns is left
    behind (and dies with the process) while the run goes on.
    """
    if limit <= 0:
        return function()
    import threading

    box: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["value"] = function()
        except BaseException as exc:  # handed to the caller, SystemExit included
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="listlint-rule", daemon=True).start()
    if not done.wait(limit):
        raise RuleTimedOut
    if "error" in box:
        error = box["error"]
        if isinstance(error, KeyboardInterrupt):
            raise error
        raise error
    return box["value"]


def check_findings(entry: ActiveRule, document: Document, findings: list[Any]) -> None:
    for item in findings:
        if not isinstance(item, Diagnostic):
            shown = repr(item)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            raise RuleCrashed(
                f"rule {describe_rule(entry)} returned {type(item).__name__} {shown} "
                f"on {document.path}, not a Diagnostic; its findings are left out{plugin_of(entry)}"
            )


def describe_rule(entry: ActiveRule) -> str:
    return f"{entry.rule.code} ({entry.rule.name})"


def plugin_of(entry: ActiveRule) -> str:
    """`` [plugin FILE]`` for a rule that is not built in: where it comes from."""
    check = entry.rule.check
    module = getattr(check, "__module__", "") or ""
    if module.startswith("listlint."):
        return ""
    code = getattr(check, "__code__", None)
    origin = code.co_filename if code is not None else module
    return f" [plugin {origin}]" if origin else ""


def crashed(entry: ActiveRule, document: Document, exc: BaseException) -> RuleCrashed:
    return RuleCrashed(
        f"rule {describe_rule(entry)} crashed on {document.path}: "
        f"{type(exc).__name__}: {exc}{plugin_of(entry)}"
    )


def await_all(pending: list[tuple[int, ActiveRule, Any]], services: Services) -> list[list[Diagnostic]]:
    import asyncio

    async def gather() -> list[Any]:
        try:
            return await asyncio.gather(*(outcome for _, _, outcome in pending), return_exceptions=True)
        finally:
            await services.aclose()

    outcomes = asyncio.run(gather())
    results = []
    for (_, entry, _), outcome in zip(pending, outcomes, strict=True):
        if isinstance(outcome, ListlintError):
            raise outcome
        if isinstance(outcome, BaseException):
            raise RuleCrashed(
                f"rule {entry.rule.code} ({entry.rule.name}) crashed: {type(outcome).__name__}: {outcome}"
            ) from outcome
        results.append(list(outcome))
    return results


# -- decide -------------------------------------------------------------------


def decide(
    document: Document, diagnostics: Iterable[Diagnostic], settings: Settings, options: RunOptions
) -> list[Diagnostic]:
    """Drop what suppressions, per-section ignores and changed-lines mode hide."""
    kept = read_suppressions(document).filter(diagnostics)
    ignores = settings.get("per-section-ignores")
    if ignores:
        kept = [d for d in kept if not ignored_in_section(document, d, ignores)]
    if options.changed_lines is not None:
        lines = options.changed_lines.get(document.path, frozenset())
        kept = [d for d in kept if any(line in lines for line in range(d.line, d.end_line + 1))]
    return sorted(set(kept), key=Diagnostic.sort_key)


def ignored_in_section(document: Document, diagnostic: Diagnostic, ignores: Mapping[str, list[str]]) -> bool:
    section = document.section_at(document.source.line_offset(diagnostic.line))
    if section is None:
        return False
    for heading, selectors in ignores.items():
        wanted = tuple(part.strip() for part in heading.split(">"))
        if contains_run(section.path, wanted) and any(
            s == "ALL" or s == diagnostic.name or diagnostic.code.startswith(s) for s in selectors
        ):
            return True
    return False


def contains_run(path: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    size = len(wanted)
    return any(path[i : i + size] == wanted for i in range(len(path) - size + 1))


# -- fix ----------------------------------------------------------------------


def fix_file(
    result: FileResult,
    active: Sequence[ActiveRule],
    settings: Settings,
    services: Services,
    options: RunOptions,
) -> None:
    """Apply fixes until nothing changes; re-lint offline between rounds.

    Network findings are not re-checked: their positions (and their fixes'
    edits) are carried through every round's edits to the fixed text.
    """
    offline = [entry for entry in active if not entry.rule.needs_network]
    network_codes = {entry.rule.code for entry in active if entry.rule.needs_network}
    text = result.source.text
    diagnostics = result.diagnostics
    fixed_all: list[Diagnostic] = []
    rounds: list[OffsetMap] = []
    round_options = RunOptions(online=False, changed_lines=options.changed_lines)
    for _ in range(MAX_FIX_ROUNDS):
        applied = apply_fix_round(text, diagnostics, unsafe=options.unsafe_fixes)
        for diagnostic in applied.refused:
            note_refused_fix(services, diagnostic)
        if applied.text == text:
            break
        fixed_all.extend(applied.fixed)
        rounds.append(applied.moves)
        text = applied.text
        source = Source(
            path=result.source.path, text=text, encoding=result.source.encoding, bom=result.source.bom
        )
        document = parse(source)
        found = check_documents([document], offline, settings, services, round_options)[0]
        diagnostics = decide(document, found, settings, round_options)
        result.document = document
    if fixed_all:
        fixed_ids = {id(d) for d in fixed_all}
        network = [
            moved_through(d, result.source, result.document.source, rounds)
            for d in result.diagnostics
            if d.code in network_codes and id(d) not in fixed_ids
        ]
        result.diagnostics = sorted([*diagnostics, *network], key=Diagnostic.sort_key)
        result.fixed = fixed_all
        result.fixed_text = text


def note_refused_fix(services: Services, diagnostic: Diagnostic) -> None:
    notes = services.stats.setdefault("notes", [])
    notes.append(
        f"internal error: the fix of {diagnostic.code} at {diagnostic.path}:{diagnostic.line}:"
        f"{diagnostic.column} expected text the file does not hold there; nothing changed for it "
        "(please report this)"
    )


def moved_through(
    diagnostic: Diagnostic, old: Source, new: Source, rounds: Sequence[OffsetMap]
) -> Diagnostic:
    """``diagnostic`` (of ``old``) at its place in ``new``, after every round of edits."""

    def offset_of(line: int, column: int) -> int:
        return min(old.line_offset(line) + column - 1, old.line_ends[min(max(line, 1), old.line_count) - 1])

    start = offset_of(diagnostic.line, diagnostic.column)
    end = max(offset_of(diagnostic.end_line, diagnostic.end_column), start)
    fix = diagnostic.fix
    for moves in rounds:
        if fix is not None and any(moves.touches(e.start, max(e.end, e.start + 1)) for e in fix.edits):
            fix = None  # what it would replace has changed: it no longer applies
        if fix is not None:
            fix = replace(fix, edits=tuple(moved_edit(e, moves) for e in fix.edits))
        start, end = moves.move(start), moves.move(end)
    if fix is not None:
        fix = replace(fix, edits=tuple(placed_edit(e, new) for e in fix.edits))
    line, column = new.position(start)
    end_line, end_column = new.position(max(end, start))
    return replace(diagnostic, line=line, column=column, end_line=end_line, end_column=end_column, fix=fix)


def moved_edit(edit: Edit, moves: OffsetMap) -> Edit:
    start = moves.move(edit.start)
    return replace(edit, start=start, end=start + (edit.end - edit.start))


def placed_edit(edit: Edit, source: Source) -> Edit:
    line, column = source.position(edit.start)
    end_line, end_column = source.position(edit.end)
    return replace(edit, line=line, column=column, end_line=end_line, end_column=end_column)
