"""The pipeline, stage by stage:

read -> parse -> gather (online only: sources and the link crawl, into one
``Facts``) -> check (every rule, a plain function of the document and its
context) -> decide (suppressions, per-section ignores, what a pull request
introduces, network outages in a pull request) -> fix -> (report, exit code:
in the CLI).
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from listlint import event_loop
from listlint.config import Settings
from listlint.diagnostics import Diagnostic, Edit, Severity, help_url_for
from listlint.document import Document, parse_document
from listlint.errors import ListlintError, RuleCrashed
from listlint.fixes import OffsetMap, apply_fix_round
from listlint.gather.facts import Facts
from listlint.gather.sources import SourceNote
from listlint.rules.base import Rule, RuleContext
from listlint.rules.registry import find_plugins, load_rules
from listlint.selection import ActiveRule, select_rules
from listlint.services import Services
from listlint.source import FIX_FACTOR, STDIN, Source, check_parse_cost, read_source, unique_paths
from listlint.suppressions import RuleRef, drop_companions, read_suppressions, suppression_findings

if TYPE_CHECKING:
    from listlint.changes import FileChange

if TYPE_CHECKING:
    from listlint.gather.stage import Network

__all__ = ["RunOptions", "FileResult", "RunResult", "lint_paths", "lint_text", "load_active_rules"]

MAX_FIX_ROUNDS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    online: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    # Per path, the 1-based lines to report on (None: every line).
    changed_lines: Mapping[str, frozenset[int]] | None = None
    # Per path, what changed since the base commit (``--changed-since``): the
    # base version is linted too and only what the change introduces is
    # reported (see ``listlint.changes.introduced``).
    changes: Mapping[str, FileChange] | None = None
    # ``--changed-lines-only``: report findings on changed lines only.
    changed_lines_only: bool = False
    # A pull request (``--changed-since``, the Action on pull_request): an
    # unreachable network or API is one warning on the file, never a failure.
    pull_request: bool = False
    # The name reported for a list read from standard input (path "-").
    stdin_filename: str = STDIN
    # How an online run reaches the network: an httpx transport for every
    # request, a resolver, engine policy overrides (tests and embedders).
    network: Network | None = None


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
    # End-of-run notes (sources, the link engine, the cache), for every reporter.
    notes: tuple[SourceNote, ...] = ()
    facts: Facts | None = None
    # Rules that crashed, timed out or returned nonsense (exit code 2).
    failures: list[str] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for result in self.files for d in result.diagnostics]

    @property
    def fixed(self) -> list[Diagnostic]:
        return [d for result in self.files for d in result.fixed]


def load_active_rules(settings: Settings, *, online: bool) -> list[ActiveRule]:
    return select_rules(load_rules(find_plugins(settings.plugin_files)), settings, online=online)


def rule_refs(settings: Settings, active: Sequence[ActiveRule]) -> list[RuleRef]:
    """Every known rule (for suppression comments), marked active or not."""
    running = {entry.rule.code for entry in active}
    known: list[Rule] = load_rules(find_plugins(settings.plugin_files))
    return [RuleRef(rule.code, rule.name, rule.code in running) for rule in known]


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
    facts = gather_facts(documents, active, settings, options)
    found = check_documents(documents, active, settings, services, options, facts)
    baselines = lint_bases(documents, active, settings, options)
    refs = rule_refs(settings, active)
    # A per-section-ignores heading may be meant for any of the files: it is
    # unmatched only when no file of the run has such a section (said once, on the first).
    run_sections = [section.path for document in documents for section in document.sections]
    files = []
    for index, (document, diagnostics) in enumerate(zip(documents, found, strict=True)):
        sections = run_sections if index == 0 else None
        baseline = baselines.get(document.path)
        kept = decide(
            document,
            diagnostics,
            settings,
            options,
            baseline=baseline,
            rules=refs,
            active=active,
            section_paths=sections,
        )
        result = FileResult(document.source, document, kept)
        if options.fix:
            fix_file(result, active, settings, services, options, baseline=baseline, section_paths=sections)
        files.append(result)
    # The gather stage's notes, then the run's own (e.g. a fix refused as unsafe).
    own = tuple(SourceNote("", str(note)) for note in services.stats.get("notes", []))
    notes = (*(facts.notes if facts is not None else ()), *own)
    return RunResult(files, active, notes, facts, failures_of(services))


def lint_text(
    text: str, settings: Settings | None = None, *, path: str = "README.md", options: RunOptions | None = None
) -> list[Diagnostic]:
    """Lint Markdown ``text`` with offline rules (for tests and embedding)."""
    settings = settings or Settings()
    options = options or RunOptions()
    active = load_active_rules(settings, online=options.online)
    document = parse(Source(path=path, text=text))
    services = Services(settings, frozenset(entry.rule.name for entry in active))
    facts = gather_facts([document], active, settings, options)
    found = check_documents([document], active, settings, services, options, facts)[0]
    failures = failures_of(services)
    if failures:
        raise RuleCrashed(failures[0])
    return decide(
        document,
        found,
        settings,
        options,
        rules=rule_refs(settings, active),
        active=active,
        section_paths=[section.path for section in document.sections],
    )


def lint_bases(
    documents: Sequence[Document], active: Sequence[ActiveRule], settings: Settings, options: RunOptions
) -> dict[str, list[Diagnostic]]:
    """Per path, the offline findings of the file's base version (``--changed-since``).

    The base is linted as a whole file (no changed lines) under the same path
    and settings; links to other files resolve against the base commit's tree.
    """
    if options.changes is None or options.changed_lines_only:
        return {}
    offline = [entry for entry in active if not entry.rule.needs_network]
    base_options = RunOptions()
    found: dict[str, list[Diagnostic]] = {}
    for document in documents:
        change = options.changes.get(document.path)
        if change is None or change.base_text is None:
            continue
        base = parse(Source(path=document.path, text=change.base_text))
        services = Services(settings, frozenset(entry.rule.name for entry in offline))
        from listlint.repo_files import use_base_tree

        use_base_tree(services, change)
        diagnostics = check_documents([base], offline, settings, services, base_options)[0]
        found[document.path] = decide(base, diagnostics, settings, base_options)
    return found


def parse(source: Source) -> Document:
    """``parse_document`` with the cycle collector paused (see :func:`collector_paused`);
    ``InputError`` for a file whose parse would not fit the memory budget."""
    check_parse_cost(source)
    with collector_paused():
        return parse_document(source)


# -- gather -------------------------------------------------------------------


def gather_facts(
    documents: Sequence[Document], active: Sequence[ActiveRule], settings: Settings, options: RunOptions
) -> Facts | None:
    """The gather stage (only for an online run with network rules; nothing loads otherwise)."""
    network_rules = [entry.rule for entry in active if entry.rule.needs_network]
    if not options.online or not network_rules:
        return None
    from listlint.gather.stage import gather

    return gather(
        documents,
        settings,
        uses=[rule.uses for rule in network_rules],
        changed_lines=options.changed_lines,
        network=options.network,
    )


# -- check --------------------------------------------------------------------


def check_documents(
    documents: Sequence[Document],
    active: Sequence[ActiveRule],
    settings: Settings,
    services: Services,
    options: RunOptions,
    facts: Facts | None = None,
) -> list[list[Diagnostic]]:
    """Every rule on every document; a plugin's awaitable check is awaited at the end."""
    results: list[list[Diagnostic]] = [[] for _ in documents]
    pending: list[tuple[int, ActiveRule, Any]] = []
    with collector_paused():
        for index, document in enumerate(documents):
            for entry in active:
                context = make_context(entry, document, settings, services, options, facts)
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
    entry: ActiveRule,
    document: Document,
    settings: Settings,
    services: Services,
    options: RunOptions,
    facts: Facts | None = None,
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
        facts=facts,
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

    outcomes = event_loop.run(gather())
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
    document: Document,
    diagnostics: Iterable[Diagnostic],
    settings: Settings,
    options: RunOptions,
    *,
    baseline: Sequence[Diagnostic] | None = None,
    rules: Sequence[RuleRef] = (),
    active: Sequence[ActiveRule] = (),
    report_unused: bool = True,
    section_paths: Sequence[tuple[str, ...]] | None = None,
) -> list[Diagnostic]:
    """Drop what suppressions, per-section ignores and pull-request mode hide.

    In pull-request mode (``--changed-since``) what is kept is what the change
    introduces (findings on changed lines, and new ones elsewhere that the
    base version, ``baseline``, did not have), or with ``--changed-lines-only``
    only findings on changed lines.  Network outages become one warning on
    the file (:func:`outage_warnings`).

    With ``active`` (and every known rule in ``rules``), suppressions also
    report on themselves: unknown rules, unused comments, and (given
    ``section_paths``, the sections of the run) per-section-ignores headings
    that match none of them.
    """
    suppressions = read_suppressions(document)
    kept, hidden = suppressions.split(diagnostics)
    kept = drop_companions(kept, hidden)
    severities = {e.rule.code: e.severity for e in active if e.rule.code in SELF_CODES}
    if severities:
        kept += suppression_findings(document, suppressions, rules, severities, report_unused=report_unused)
    ignores = settings.get("per-section-ignores")
    if ignores:
        if "LL903" in severities and section_paths is not None:
            kept += unmatched_section_ignores(document, section_paths, ignores, severities["LL903"], settings)
        kept = [d for d in kept if not ignored_in_section(document, d, ignores)]
    outages: list[Diagnostic] = []
    if options.pull_request:
        outages = [d for d in kept if is_outage(d)]
        kept = [d for d in kept if not is_outage(d)]
    if options.changed_lines is not None:
        change = options.changes.get(document.path) if options.changes is not None else None
        if change is not None and baseline is not None and not options.changed_lines_only:
            from listlint.changes import introduced

            kept = introduced(kept, baseline, change)
        else:
            lines = options.changed_lines.get(document.path, frozenset())
            kept = [d for d in kept if any(line in lines for line in range(d.line, d.end_line + 1))]
    kept.extend(outage_warnings(outages))
    return sorted(set(kept), key=Diagnostic.sort_key)


# Rules that say the network or an API could not be reached: nothing about
# the list.  ``*-unchecked`` covers the API rules (arxiv-unchecked, ...).
OUTAGE_NAMES = frozenset({"network-unavailable"})


def is_outage(diagnostic: Diagnostic) -> bool:
    """Whether ``diagnostic`` says that the network or an API was unreachable."""
    return diagnostic.name in OUTAGE_NAMES or diagnostic.name.endswith("-unchecked")


def outage_warnings(outages: Sequence[Diagnostic]) -> list[Diagnostic]:
    """In a pull request, each outage once per rule and file: a warning at the
    file's start, not on a contributor's line, so that it never fails the PR."""
    seen: dict[tuple[str, str], Diagnostic] = {}
    for d in outages:
        seen.setdefault((d.path, d.code), d)
    return [
        dataclasses.replace(
            d,
            severity=Severity.WARNING if d.severity is Severity.ERROR else d.severity,
            line=1,
            column=1,
            end_line=1,
            end_column=1,
            fix=None,
        )
        for d in seen.values()
    ]


# The rules that the decide stage reports (suppressions about themselves).
SELF_CODES = frozenset({"LL901", "LL902", "LL903"})


def unmatched_section_ignores(
    document: Document,
    paths: Sequence[tuple[str, ...]],
    ignores: Mapping[str, list[str]],
    severity: Severity,
    settings: Settings,
) -> list[Diagnostic]:
    """A warning, on ``document``, for each per-section-ignores heading that matches none of ``paths``."""
    found = []
    for heading in ignores:
        wanted = tuple(part.strip() for part in heading.split(">"))
        if any(contains_run(path, wanted) for path in paths):
            continue
        first = document.source.line_text(1)
        found.append(
            Diagnostic(
                code="LL903",
                name="unmatched-section-ignore",
                severity=severity,
                message=(
                    f"{settings.describe('per-section-ignores')}: heading {heading!r} "
                    "matches no section of the linted files, so it ignores nothing"
                ),
                path=document.path,
                line=1,
                column=1,
                end_line=1,
                end_column=len(first) + 1,
                help_url=help_url_for("unmatched-section-ignore"),
            )
        )
    return found


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
    *,
    baseline: Sequence[Diagnostic] | None = None,
    section_paths: Sequence[tuple[str, ...]] | None = None,
) -> None:
    """Apply fixes until nothing changes; re-lint offline between rounds.

    Network findings are not re-checked: their positions (and their fixes'
    edits) are carried through every round's edits to the fixed text.
    """
    offline = [entry for entry in active if not entry.rule.needs_network]
    network_codes = {entry.rule.code for entry in active if entry.rule.needs_network}
    refs = rule_refs(settings, active)
    text = result.source.text
    diagnostics = result.diagnostics
    fixed_all: list[Diagnostic] = []
    rounds: list[OffsetMap] = []
    round_options = dataclasses.replace(options, online=False, fix=False)
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
        # Not "unused" now: a suppression may hide a network finding this offline re-lint lacks.
        diagnostics = decide(
            document,
            found,
            settings,
            round_options,
            baseline=baseline,
            rules=refs,
            active=offline,
            report_unused=False,
            section_paths=section_paths,
        )
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
