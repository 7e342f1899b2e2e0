"""Ecosystem check: listlint's findings on 17 real lists against a ledger of judged findings.

    python3 benchmarks/ecosystem.py                    # precision per list and per rule
    python3 benchmarks/ecosystem.py --unjudged         # also every finding nobody has judged yet
    python3 benchmarks/ecosystem.py --list awesome-go  # one list (repeatable)
    python3 benchmarks/ecosystem.py --select ALL       # every rule, not just the default selection
    python3 benchmarks/ecosystem.py --json             # machine output

Like ruff's ecosystem check or mypy_primer: listlint runs offline, in-process,
from this checkout, over every list in ../shared/corpora (README.md is the
folder's description, not a list), and each finding is looked up in the
committed ledger ``benchmarks/ecosystem/labels.jsonl``.  One JSON object a line:

    {"file": "seed.md", "line": 12, "code": "LL104", "key": "Oobleck:",
     "verdict": "true", "reason": "the colon belongs after the link"}

``verdict`` is ``true`` (the maintainer would act on it), ``false`` (wrong) or
``noise`` (true, but not worth a maintainer's time: a style nit, an intended
repeat).  ``key`` tells apart several findings of one code on one line: the
finding's URL, or else the text its span covers (see :func:`finding_key`).

Precision is true / judged, so noise counts against it; the noise share is
reported besides.  A rule with more than ``SAMPLE_THRESHOLD`` findings on one
list at warning or info severity is judged on a seeded random sample of
``SAMPLE_SIZE`` findings (:func:`sample_of`): the precision of that rule on
that list is estimated from the sample alone, and the rest is "unsampled",
not unjudged.  Error-severity findings are judged one by one, always.

Exit status: 1 when a finding labelled ``false`` is present that is not an
open, known one, or an error-severity finding is unjudged (so the check can
gate); 2 when the corpora or the ledger cannot be read; else 0.  The open
false findings (patterns reported to the rule authors in
``benchmarks/ecosystem/FALSE_PATTERNS.md`` and not fixed yet) are listed in
``benchmarks/ecosystem/open_false.tsv``; ``--write-open-false`` rewrites that
file from the current run, so the list only shrinks as rules improve and a
false finding that was fixed fails the check when it comes back.  With
``--strict`` any finding labelled false fails the check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
CORPORA = PROJECT.parent / "shared" / "corpora"
LEDGER = HERE / "ecosystem" / "labels.jsonl"
OPEN_FALSE = HERE / "ecosystem" / "open_false.tsv"
VERDICTS = ("true", "false", "noise")
# Sampling: more than SAMPLE_THRESHOLD findings of one rule on one list (below
# error severity) are judged on the SAMPLE_SIZE findings that rank first by a
# seeded hash of their identity.  A hash rank (not random.sample over a list)
# keeps the sample stable when other findings of the rule come or go.
SAMPLE_THRESHOLD = 40
SAMPLE_SIZE = 25
SAMPLE_SEED = "listlint-ecosystem-1"
KEY_LENGTH = 80


class LedgerError(Exception):
    """The ledger or the corpora cannot be read (exit 2)."""


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    code: str
    name: str
    severity: str
    message: str
    key: str
    text: str  # the finding's line, as the list holds it


@dataclass(frozen=True)
class Label:
    file: str
    line: int
    code: str
    verdict: str
    reason: str
    key: str = ""
    message: str = ""  # the finding's message when it was judged (optional)


@dataclass(frozen=True)
class Judged:
    finding: Finding
    label: Label | None
    sampled: bool  # counts towards the precision estimate


@dataclass
class Tally:
    """Counts of one group of findings (a list, a rule, a rule on a list, everything)."""

    findings: int = 0
    judged: int = 0
    true: int = 0
    false: int = 0
    noise: int = 0
    unjudged: int = 0
    unsampled: int = 0
    # Estimates over all findings of the group: per rule and list, judged share x findings.
    est_true: float = 0.0
    est_noise: float = 0.0
    est_base: int = 0  # findings of groups with at least one judged finding

    def add(self, other: Tally) -> None:
        for name in ("findings", "judged", "true", "false", "noise", "unjudged", "unsampled", "est_base"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.est_true += other.est_true
        self.est_noise += other.est_noise

    @property
    def precision(self) -> float | None:
        return self.est_true / self.est_base if self.est_base else None

    @property
    def noise_share(self) -> float | None:
        return self.est_noise / self.est_base if self.est_base else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["precision"] = self.precision
        data["noise_share"] = self.noise_share
        return data


@dataclass
class Report:
    per_list: dict[str, Tally] = field(default_factory=dict)
    per_rule: dict[str, Tally] = field(default_factory=dict)
    per_group: dict[tuple[str, str], Tally] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)
    errors: Tally = field(default_factory=Tally)
    unjudged: list[Finding] = field(default_factory=list)
    false_present: list[tuple[Finding, Label]] = field(default_factory=list)
    stale: list[Label] = field(default_factory=list)
    open_false: frozenset[tuple[str, int, str, str]] = frozenset()
    # Judged findings whose message is no longer the one the judge read: worth a second look.
    reworded: list[tuple[Finding, Label]] = field(default_factory=list)

    @property
    def false_new(self) -> list[tuple[Finding, Label]]:
        """False findings that are not known open ones: new, or fixed once and back."""
        return [(f, label) for f, label in self.false_present if identity(f) not in self.open_false]

    @property
    def open_fixed(self) -> int:
        """Known open false findings that no longer come up (the open list can shrink)."""
        present = {identity(f) for f, _ in self.false_present}
        return len(self.open_false - present)

    # (file, line, key) of every finding: a label whose finding moved to another code is not lost.
    present: frozenset[tuple[str, int, str]] = frozenset()

    @property
    def lost(self) -> list[Label]:
        """Findings labelled true that no longer come up under any code: lost recall (or a moved line)."""
        return [
            label
            for label in self.stale
            if label.verdict == "true" and (label.file, label.line, label.key) not in self.present
        ]

    @property
    def gate_failures(self) -> list[str]:
        problems = [f"{_where(f)} {f.code}: labelled false ({label.reason})" for f, label in self.false_new]
        problems += [
            f"{_where(f)} {f.code}: error severity, unjudged" for f in self.unjudged if f.severity == "error"
        ]
        return problems


def _where(finding: Finding) -> str:
    return f"{finding.file}:{finding.line}"


def identity(finding: Finding) -> tuple[str, int, str, str]:
    return (finding.file, finding.line, finding.code, finding.key)


# --- running listlint ------------------------------------------------------------------------


def finding_key(
    url: str | None, line_text: str, column: int, end_line: int, line: int, end_column: int
) -> str:
    """A short key that tells apart findings of one code on one line: the URL, else the span's text."""
    if url:
        key = url
    elif end_line == line and end_column > column:
        key = line_text[column - 1 : end_column - 1]
    else:
        key = line_text[column - 1 :]
    return " ".join(key.split())[:KEY_LENGTH]


def list_paths(corpora: Path, names: Sequence[str] = ()) -> list[Path]:
    if not corpora.is_dir():
        raise LedgerError(f"{corpora}: no such folder (the real lists are not here)")
    paths = sorted(p for p in corpora.glob("*.md") if p.name != "README.md")
    if names:
        wanted = {name if name.endswith(".md") else f"{name}.md" for name in names}
        unknown = wanted - {p.name for p in paths}
        if unknown:
            raise LedgerError(f"no such list in {corpora}: {', '.join(sorted(unknown))}")
        paths = [p for p in paths if p.name in wanted]
    return paths


def run_listlint(
    paths: Sequence[Path], *, select_all: bool = False, src: Path | None = None
) -> list[Finding]:
    """Lint ``paths`` offline with this checkout's listlint (default selection, or every offline rule).

    ``src`` is another listlint source folder to run instead (an older version, for a before/after).
    """
    sys.path.insert(0, str(src or PROJECT / "src"))
    from listlint.config import Settings
    from listlint.pipeline import RunOptions, lint_paths

    settings = Settings()
    if select_all:
        # Every offline rule by its code: plain "ALL" leaves out the rules that are off by default.
        from listlint.rules.registry import find_plugins, load_rules

        codes = [rule.code for rule in load_rules(find_plugins()) if not rule.needs_network]
        settings = settings.with_values(select=codes)
    findings: list[Finding] = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        for d in lint_paths([str(path)], settings, RunOptions()).diagnostics:
            text = lines[d.line - 1] if 0 < d.line <= len(lines) else ""
            key = finding_key(d.url, text, d.column, d.end_line, d.line, d.end_column)
            findings.append(
                Finding(path.name, d.line, d.column, d.code, d.name, d.severity.value, d.message, key, text)
            )
    return findings


# --- the ledger --------------------------------------------------------------------------------


def read_ledger(path: Path) -> list[Label]:
    if not path.exists():
        return []
    labels = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            label = Label(
                file=str(data["file"]),
                line=int(data["line"]),
                code=str(data["code"]),
                verdict=str(data["verdict"]),
                reason=str(data["reason"]),
                key=str(data.get("key", "")),
                message=str(data.get("message", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise LedgerError(f"{path}:{number}: not a label ({error})") from None
        if label.verdict not in VERDICTS:
            raise LedgerError(f"{path}:{number}: verdict must be one of {', '.join(VERDICTS)}")
        if not label.reason.strip():
            raise LedgerError(f"{path}:{number}: a label needs a reason")
        labels.append(label)
    return labels


def read_open_false(path: Path) -> frozenset[tuple[str, int, str, str]]:
    """The known open false findings: ``file<TAB>line<TAB>code<TAB>key`` a line, ``#`` comments."""
    if not path.exists():
        return frozenset()
    entries = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 4 or not parts[1].isdigit():
            raise LedgerError(f"{path}:{number}: expected file, line, code and key separated by tabs")
        entries.add((parts[0], int(parts[1]), parts[2], parts[3]))
    return frozenset(entries)


def format_open_false(report: Report) -> str:
    lines = [
        "# False findings still reported, known and described in FALSE_PATTERNS.md (file, line, code, key).",
        "# Rewritten by: python3 benchmarks/ecosystem.py --write-open-false",
    ]
    lines += [
        "\t".join(map(str, identity(f)))
        for f, _ in sorted(report.false_present, key=lambda p: identity(p[0]))
    ]
    return "\n".join(lines) + "\n"


def match(findings: Iterable[Finding], labels: Iterable[Label]) -> tuple[dict[Finding, Label], list[Label]]:
    """Pair findings with labels of the same file, line and code.

    Within one (file, line, code): equal keys pair first; then, if exactly one
    finding and one label are left, they pair (the key drifted, e.g. a
    reworded span).  Returns the pairs and the labels no finding took.
    """
    found: dict[tuple[str, int, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        found[(finding.file, finding.line, finding.code)].append(finding)
    ledger: dict[tuple[str, int, str], list[Label]] = defaultdict(list)
    for label in labels:
        ledger[(label.file, label.line, label.code)].append(label)
    pairs: dict[Finding, Label] = {}
    stale: list[Label] = []
    for where, candidates in ledger.items():
        left = list(found.get(where, ()))
        unpaired = []
        for label in candidates:
            same = next((f for f in left if f.key == label.key), None)
            if same is None:
                unpaired.append(label)
            else:
                pairs[same] = label
                left.remove(same)
        if len(left) == 1 and len(unpaired) == 1:
            pairs[left[0]] = unpaired.pop()
        stale += unpaired
    return pairs, stale


def sample_rank(finding: Finding) -> str:
    identity = f"{SAMPLE_SEED}\0{finding.file}\0{finding.line}\0{finding.code}\0{finding.key}"
    return hashlib.sha256(identity.encode()).hexdigest()


def sample_of(findings: Sequence[Finding]) -> set[Finding]:
    """The findings of one rule on one list that are judged: all, or a seeded sample of a big group."""
    if len(findings) <= SAMPLE_THRESHOLD or any(f.severity == "error" for f in findings):
        return set(findings)
    return set(sorted(findings, key=sample_rank)[:SAMPLE_SIZE])


# --- the report --------------------------------------------------------------------------------


def evaluate(
    findings: Sequence[Finding],
    labels: Sequence[Label],
    open_false: frozenset[tuple[str, int, str, str]] = frozenset(),
) -> Report:
    pairs, stale = match(findings, labels)
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.file, finding.code)].append(finding)
    report = Report(
        stale=stale, open_false=open_false, present=frozenset((f.file, f.line, f.key) for f in findings)
    )
    for (file, code), members in sorted(groups.items()):
        sampled = sample_of(members)
        tally = Tally(findings=len(members))
        for finding in sorted(members, key=lambda f: (f.line, f.column, f.key)):
            label = pairs.get(finding)
            if label is not None and label.verdict == "false":
                report.false_present.append((finding, label))
            if label is not None and label.message and label.message != finding.message:
                report.reworded.append((finding, label))
            if finding.severity == "error":
                report.errors.findings += 1
                if label is not None:
                    report.errors.judged += 1
                    setattr(report.errors, label.verdict, getattr(report.errors, label.verdict) + 1)
            if finding not in sampled:
                tally.unsampled += 1
                continue
            if label is None:
                tally.unjudged += 1
                report.unjudged.append(finding)
                continue
            tally.judged += 1
            setattr(tally, label.verdict, getattr(tally, label.verdict) + 1)
        if tally.judged:
            tally.est_base = tally.findings
            tally.est_true = tally.findings * tally.true / tally.judged
            tally.est_noise = tally.findings * tally.noise / tally.judged
        report.per_group[(file, code)] = tally
        report.per_list.setdefault(file, Tally()).add(tally)
        report.per_rule.setdefault(code, Tally()).add(tally)
        report.overall.add(tally)
    report.errors.est_base = report.errors.judged
    report.errors.est_true = report.errors.true
    report.errors.est_noise = report.errors.noise
    return report


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _row(name: str, tally: Tally) -> str:
    return (
        f"{name:34} {tally.findings:6} {tally.judged:6} {tally.true:5} {tally.false:5} {tally.noise:5}"
        f" {tally.unjudged:6} {tally.unsampled:6}"
        f" {_percent(tally.precision):>7} {_percent(tally.noise_share):>6}"
    )


def format_text(report: Report, *, show_unjudged: bool, names: dict[str, str]) -> str:
    header = (
        f"{'':34} {'found':>6} {'judged':>6} {'true':>5} {'false':>5} {'noise':>5}"
        f" {'unjdg':>6} {'unsmp':>6} {'prec':>7} {'noise':>6}"
    )
    out = ["per list", header]
    out += [_row(file, tally) for file, tally in sorted(report.per_list.items())]
    out += ["", "per rule", header]
    out += [_row(f"{code} {names.get(code, '')}", tally) for code, tally in sorted(report.per_rule.items())]
    big = {group: t for group, t in report.per_group.items() if t.unsampled or t.judged < t.findings}
    if big:
        out += ["", "sampled or partly judged (rule on list)", header]
        out += [_row(f"{code} {file}", t) for (file, code), t in sorted(big.items())]
    out += ["", _row("overall", report.overall)]
    errors = report.errors
    out.append(
        f"error severity: {errors.findings} findings, {errors.judged} judged, {errors.true} true, "
        f"{errors.false} false, {errors.noise} noise: precision {_percent(errors.precision)}"
    )
    out.append(
        f"precision (true / judged, estimated over all findings) {_percent(report.overall.precision)}; "
        f"noise share {_percent(report.overall.noise_share)}; "
        f"false labels present {len(report.false_present)} ({len(report.false_new)} not in the open list, "
        f"{report.open_fixed} open ones fixed); unjudged {len(report.unjudged)}; "
        f"stale labels (finding gone) {len(report.stale)}, of them true {len(report.lost)}; "
        f"judged under another message {len(report.reworded)}"
    )
    shown = report.unjudged if show_unjudged else [f for f in report.unjudged if f.severity == "error"]
    if shown:
        out += ["", "unjudged" if show_unjudged else "unjudged at error severity"]
        for f in shown:
            out.append(f"{f.file}:{f.line}:{f.column} {f.code} [{f.severity}] {f.message}")
            out.append(f"    key: {f.key}")
            out.append(f"    | {f.text.strip()[:200]}")
    elif report.unjudged:
        out.append(f"({len(report.unjudged)} unjudged below error severity: --unjudged lists them)")
    if show_unjudged and report.lost:
        out += ["", "labelled true and no longer reported (lost findings, or the line moved)"]
        out += [
            f"{label.file}:{label.line} {label.code} {label.key!r}: {label.reason}" for label in report.lost
        ]
    if show_unjudged and report.reworded:
        out += ["", "judged under another message (check the verdict still holds)"]
        for f, label in report.reworded:
            out.append(f"{_where(f)} {f.code} [{label.verdict}] {f.message}")
            out.append(f"    was: {label.message}")
    if report.false_new:
        out += ["", "labelled false and reported, not in the open list (new, or fixed once and back)"]
        out += [f"{_where(f)} {f.code} {f.key!r}: {label.reason}" for f, label in report.false_new]
    return "\n".join(out)


def format_markdown(report: Report, names: dict[str, str]) -> str:
    """The two tables of a closing note: per list and per rule."""

    def row(name: str, t: Tally) -> str:
        return (
            f"| {name} | {t.findings} | {t.judged} | {t.true} | {t.false} | {t.noise} "
            f"| {_percent(t.precision)} | {_percent(t.noise_share)} |"
        )

    head = (
        "| {} | findings | judged | true | false | noise | precision | noise share |\n| --- |" + " ---: |" * 7
    )
    out = [head.format("list")]
    out += [row(file, t) for file, t in sorted(report.per_list.items())]
    out += [row("**all**", report.overall), "", head.format("rule")]
    out += [row(f"{code} {names.get(code, '')}", t) for code, t in sorted(report.per_rule.items())]
    e = report.errors
    out += [
        "",
        f"Error severity: {e.findings} findings, {e.true} true, {e.false} false: {_percent(e.precision)}.",
    ]
    return "\n".join(out)


def format_json(report: Report) -> str:
    data = {
        "overall": report.overall.to_dict(),
        "errors": report.errors.to_dict(),
        "per_list": {file: t.to_dict() for file, t in sorted(report.per_list.items())},
        "per_rule": {code: t.to_dict() for code, t in sorted(report.per_rule.items())},
        "per_rule_and_list": {
            f"{code} {file}": t.to_dict() for (file, code), t in sorted(report.per_group.items())
        },
        "unjudged": [asdict(f) for f in report.unjudged],
        "false_present": [
            {"finding": asdict(f), "label": asdict(label)} for f, label in report.false_present
        ],
        "false_new": [{"finding": asdict(f), "label": asdict(label)} for f, label in report.false_new],
        "open_fixed": report.open_fixed,
        "reworded": [{"finding": asdict(f), "label": asdict(label)} for f, label in report.reworded],
        "stale": [asdict(label) for label in report.stale],
        "lost": [asdict(label) for label in report.lost],
        "gate_failures": report.gate_failures,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def rule_names(findings: Iterable[Finding]) -> dict[str, str]:
    return {f.code: f.name for f in findings}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder of real lists")
    parser.add_argument("--labels", type=Path, default=LEDGER, help="the ledger (JSON lines)")
    parser.add_argument(
        "--src", type=Path, help="run the listlint source in this folder (e.g. an older version's src/)"
    )
    parser.add_argument("--list", action="append", default=[], metavar="NAME", help="only this list")
    parser.add_argument(
        "--select",
        choices=["default", "ALL"],
        default="default",
        help="rule selection: the default one, or ALL offline rules (the ones off by default too)",
    )
    parser.add_argument("--json", action="store_true", help="machine output")
    parser.add_argument(
        "--markdown", action="store_true", help="the per-list and per-rule tables in Markdown"
    )
    parser.add_argument("--unjudged", action="store_true", help="list every unjudged finding")
    parser.add_argument(
        "--strict", action="store_true", help="also fail on the known open false findings (any false label)"
    )
    parser.add_argument("--open-false", type=Path, default=OPEN_FALSE, help="known open false findings")
    parser.add_argument(
        "--write-open-false", action="store_true", help="rewrite the open list from this run (all lists only)"
    )
    args = parser.parse_args(argv)
    try:
        labels = read_ledger(args.labels)
        open_false = read_open_false(args.open_false)
        paths = list_paths(args.corpora, args.list)
    except LedgerError as error:
        print(f"ecosystem: {error}", file=sys.stderr)
        return 2
    if args.src is not None and not (args.src / "listlint" / "__init__.py").is_file():
        print(f"ecosystem: {args.src}: no listlint package here", file=sys.stderr)
        return 2
    findings = run_listlint(paths, select_all=args.select == "ALL", src=args.src)
    files = {p.name for p in paths}
    report = evaluate(
        findings,
        [label for label in labels if label.file in files],
        frozenset(entry for entry in open_false if entry[0] in files),
    )
    if args.write_open_false:
        if args.list:
            print("ecosystem: --write-open-false needs a run over all lists", file=sys.stderr)
            return 2
        args.open_false.write_text(format_open_false(report), encoding="utf-8")
        report.open_false = frozenset(identity(f) for f, _ in report.false_present)
    if args.json:
        print(format_json(report))
    elif args.markdown:
        print(format_markdown(report, rule_names(findings)))
    else:
        print(format_text(report, show_unjudged=args.unjudged, names=rule_names(findings)))
    if args.strict and report.false_present:
        return 1
    return 1 if report.gate_failures else 0


if __name__ == "__main__":
    sys.exit(main())
