"""The ecosystem check (benchmarks/ecosystem.py): its matching and precision code on a
tiny synthetic ledger, its command line on a synthetic corpus, and the real check over
../shared/corpora against the committed ledger (marker realworld, skipped when absent).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import ecosystem  # noqa: E402
from ecosystem import Finding, Label, LedgerError  # noqa: E402


def finding(line: int, code: str = "LL201", key: str = "https://a.example/", **kw: object) -> Finding:
    values: dict[str, object] = {
        "file": "list.md",
        "line": line,
        "column": 3,
        "code": code,
        "name": "rule",
        "severity": "warning",
        "message": "message",
        "key": key,
        "text": "- [A](https://a.example/)",
    }
    values.update(kw)
    return Finding(**values)  # type: ignore[arg-type]


def label(line: int, verdict: str = "true", code: str = "LL201", key: str = "", **kw: str) -> Label:
    return Label(file=kw.get("file", "list.md"), line=line, code=code, verdict=verdict, reason="why", key=key)


# --- keys and matching ---------------------------------------------------------------------


def test_key_is_the_url_else_the_span_text() -> None:
    text = "- [Oobleck:](https://x.example/) Title"
    assert ecosystem.finding_key("https://x.example/", text, 4, 1, 1, 12) == "https://x.example/"
    assert ecosystem.finding_key(None, text, 4, 1, 1, 12) == "Oobleck:"
    # A span running past the line: the rest of the line, whitespace (tabs too) folded.
    assert ecosystem.finding_key(None, "-\tfoo  bar", 1, 2, 1, 1) == "- foo bar"


def test_a_single_finding_pairs_with_its_label_even_when_the_key_drifted() -> None:
    found = [finding(10, key="https://new.example/")]
    pairs, stale = ecosystem.match(found, [label(10, key="https://old.example/")])
    assert pairs[found[0]].line == 10 and stale == []


def test_several_findings_on_one_line_pair_by_key() -> None:
    first, second = finding(5, key="https://a.example/"), finding(5, key="https://b.example/")
    labels = [label(5, "false", key="https://b.example/"), label(5, "true", key="https://a.example/")]
    pairs, stale = ecosystem.match([first, second], labels)
    assert pairs[first].verdict == "true" and pairs[second].verdict == "false" and stale == []


def test_ambiguous_leftovers_stay_unpaired() -> None:
    found = [finding(5, key="https://a.example/"), finding(5, key="https://b.example/")]
    labels = [label(5, key="https://c.example/"), label(5, key="https://d.example/")]
    pairs, stale = ecosystem.match(found, labels)
    assert pairs == {} and len(stale) == 2


def test_labels_of_another_code_or_line_do_not_pair() -> None:
    found = [finding(5)]
    pairs, stale = ecosystem.match(found, [label(6), label(5, code="LL202", verdict="noise")])
    assert pairs == {} and len(stale) == 2
    # A true finding that no longer comes up is lost recall; a gone noise finding is not.
    assert [x.line for x in ecosystem.evaluate(found, stale).lost] == [6]
    # A true finding reported under another code now (a new, more precise rule) is not lost.
    moved = label(5, code="LL205", key="https://a.example/")
    assert ecosystem.evaluate(found, [moved]).lost == []


# --- sampling ------------------------------------------------------------------------------


def test_small_groups_and_errors_are_judged_whole() -> None:
    small = [finding(n) for n in range(ecosystem.SAMPLE_THRESHOLD)]
    assert ecosystem.sample_of(small) == set(small)
    errors = [finding(n, severity="error") for n in range(100)]
    assert ecosystem.sample_of(errors) == set(errors)


def test_a_big_group_is_sampled_stably() -> None:
    group = [finding(n, key=f"https://x.example/{n}") for n in range(100)]
    sample = ecosystem.sample_of(group)
    assert len(sample) == ecosystem.SAMPLE_SIZE
    assert sample == ecosystem.sample_of(list(reversed(group)))  # order does not matter
    # A finding outside the sample goes away: the sample stays the same.
    outside = next(f for f in group if f not in sample)
    assert ecosystem.sample_of([f for f in group if f != outside]) == sample


# --- precision -----------------------------------------------------------------------------


def test_precision_counts_noise_against_it_and_reports_the_noise_share() -> None:
    found = [finding(n, key=f"k{n}") for n in range(1, 5)]
    labels = [
        label(1, key="k1"),
        label(2, key="k2"),
        label(3, "noise", key="k3"),
        label(4, "false", key="k4"),
    ]
    report = ecosystem.evaluate(found, labels)
    assert report.overall.precision == pytest.approx(0.5)
    assert report.overall.noise_share == pytest.approx(0.25)
    assert report.per_rule["LL201"].false == 1 and report.per_list["list.md"].judged == 4
    assert [f.line for f, _ in report.false_present] == [4]
    assert report.gate_failures == ["list.md:4 LL201: labelled false (why)"]


def test_a_sampled_group_is_estimated_from_its_sample_only() -> None:
    group = [finding(n, code="LL401", key=f"https://t.example/{n}") for n in range(1, 101)]
    sample = sorted(ecosystem.sample_of(group), key=lambda f: f.line)
    labels = [
        label(f.line, "true" if i < 20 else "noise", code="LL401", key=f.key) for i, f in enumerate(sample)
    ]
    # A label outside the sample (say, a hand-picked false one) does not bias the estimate.
    extra = next(f for f in group if f not in sample)
    labels.append(label(extra.line, "false", code="LL401", key=extra.key))
    report = ecosystem.evaluate(group, labels)
    tally = report.per_group[("list.md", "LL401")]
    assert (tally.judged, tally.unsampled, tally.unjudged) == (25, 75, 0)
    assert tally.precision == pytest.approx(0.8) and tally.est_true == pytest.approx(80.0)
    # ... but it is still a false finding that gates.
    assert [f.line for f, _ in report.false_present] == [extra.line]


def test_unjudged_errors_gate_and_unjudged_warnings_do_not() -> None:
    report = ecosystem.evaluate([finding(1, severity="error"), finding(2, key="other")], [])
    assert len(report.unjudged) == 2
    assert report.gate_failures == ["list.md:1 LL201: error severity, unjudged"]
    assert report.errors.findings == 1 and report.errors.precision is None


def test_error_precision_is_over_error_findings() -> None:
    found = [
        finding(1, severity="error", key="a"),
        finding(2, severity="error", key="b"),
        finding(3, key="c"),
    ]
    report = ecosystem.evaluate(
        found, [label(1, key="a"), label(2, "false", key="b"), label(3, "false", key="c")]
    )
    assert report.errors.precision == pytest.approx(0.5)


def test_open_false_findings_do_not_gate_but_new_ones_do() -> None:
    found = [finding(1, key="a"), finding(2, key="b")]
    labels = [label(1, "false", key="a"), label(2, "false", key="b")]
    report = ecosystem.evaluate(
        found, labels, frozenset({("list.md", 1, "LL201", "a"), ("list.md", 9, "LL201", "z")})
    )
    assert [f.line for f, _ in report.false_new] == [2]
    assert report.open_fixed == 1  # line 9 no longer comes up
    assert report.gate_failures == ["list.md:2 LL201: labelled false (why)"]


# --- the ledger ----------------------------------------------------------------------------


def test_ledger_lines_are_validated(tmp_path: Path) -> None:
    ledger = tmp_path / "labels.jsonl"
    good = {"file": "a.md", "line": 1, "code": "LL201", "verdict": "noise", "reason": "intended"}
    ledger.write_text(json.dumps(good) + "\n\n")
    assert ecosystem.read_ledger(ledger) == [Label("a.md", 1, "LL201", "noise", "intended")]
    for bad, says in [
        ({**good, "verdict": "maybe"}, "verdict"),
        ({**good, "reason": " "}, "reason"),
        ({k: v for k, v in good.items() if k != "line"}, "not a label"),
    ]:
        ledger.write_text(json.dumps(bad) + "\n")
        with pytest.raises(LedgerError, match=says):
            ecosystem.read_ledger(ledger)
    ledger.write_text("{not json\n")
    with pytest.raises(LedgerError, match="labels.jsonl:1"):
        ecosystem.read_ledger(ledger)


def test_open_false_file_round_trips(tmp_path: Path) -> None:
    report = ecosystem.evaluate([finding(3, key="k")], [label(3, "false", key="k")])
    path = tmp_path / "open.tsv"
    path.write_text(ecosystem.format_open_false(report))
    assert ecosystem.read_open_false(path) == {("list.md", 3, "LL201", "k")}
    path.write_text("list.md\tthree\tLL201\tk\n")
    with pytest.raises(LedgerError, match="tabs"):
        ecosystem.read_open_false(path)


# --- the command line on a synthetic corpus -----------------------------------------------

LIST = """# Papers

## Serving

- [Alpha](https://arxiv.org/abs/2401.00001): Fast serving
- [Beta](https://arxiv.org/abs/2401.00002): Slow serving
- [Alpha again](https://arxiv.org/abs/2401.00001): Fast serving
"""


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = ecosystem.main(
        ["--corpora", str(tmp_path / "corpora"), "--labels", str(tmp_path / "labels.jsonl")]
        + ["--open-false", str(tmp_path / "open.tsv"), *args]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_line_gates_on_unjudged_errors_and_false_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    (corpora / "papers.md").write_text(LIST)
    (corpora / "README.md").write_text(
        "# Not a list\n\n- [x](https://x.example/)\n- [x](https://x.example/)\n"
    )

    code, out, _ = run(tmp_path, capsys, "--json")
    data = json.loads(out)
    assert code == 1
    unjudged = {(u["file"], u["line"], u["code"], u["severity"]) for u in data["unjudged"]}
    assert ("papers.md", 7, "LL201", "error") in unjudged
    assert all(u["file"] == "papers.md" for u in data["unjudged"])  # README.md is skipped
    duplicate = next(u for u in data["unjudged"] if u["line"] == 7 and u["code"] == "LL201")
    assert duplicate["key"] == "https://arxiv.org/abs/2401.00001"
    assert duplicate["text"] == "- [Alpha again](https://arxiv.org/abs/2401.00001): Fast serving"

    # Judge every finding true: the check passes, precision 100 %.
    labels = [
        {
            "file": u["file"],
            "line": u["line"],
            "code": u["code"],
            "key": u["key"],
            "verdict": "true",
            "reason": "r",
        }
        for u in data["unjudged"]
    ]
    (tmp_path / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
    code, out, _ = run(tmp_path, capsys)
    assert code == 0 and "error severity: " in out and "precision 100.0%" in out
    code, out, _ = run(tmp_path, capsys, "--markdown")
    assert code == 0 and "| papers.md | " in out and "| LL201 duplicate-link | " in out

    # Label the duplicate false: the check fails and names it ...
    for x in labels:
        if x["line"] == 7 and x["code"] == "LL201":
            x["verdict"] = "false"
    (tmp_path / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
    code, out, _ = run(tmp_path, capsys)
    assert code == 1 and "papers.md:7 LL201" in out
    # ... until it is recorded as a known open false finding.
    assert run(tmp_path, capsys, "--write-open-false")[0] == 0
    assert run(tmp_path, capsys)[0] == 0
    assert run(tmp_path, capsys, "--list", "papers")[0] == 0
    assert run(tmp_path, capsys, "--strict")[0] == 1


def test_command_line_input_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, capsys)
    assert code == 2 and "no such folder" in err
    (tmp_path / "corpora").mkdir()
    code, _, err = run(tmp_path, capsys, "--list", "nope")
    assert code == 2 and "no such list" in err
    code, _, err = run(tmp_path, capsys, "--src", str(tmp_path))
    assert code == 2 and "no listlint package" in err
    (tmp_path / "labels.jsonl").write_text('{"file": "a.md"}\n')
    code, _, err = run(tmp_path, capsys)
    assert code == 2 and err.startswith("ecosystem: ") and "labels.jsonl:1" in err


# --- the real check --------------------------------------------------------------------------


@pytest.mark.realworld
def test_real_lists_match_the_ledger(corpora: Path) -> None:
    findings = ecosystem.run_listlint(ecosystem.list_paths(corpora))
    report = ecosystem.evaluate(
        findings, ecosystem.read_ledger(ecosystem.LEDGER), ecosystem.read_open_false(ecosystem.OPEN_FALSE)
    )
    assert report.overall.findings > 0
    # A finding labelled false that is not a known open one (new, or fixed and back) fails,
    # and so does every error-severity finding nobody has judged.
    assert report.gate_failures == []


def test_a_verdict_judged_under_another_message_is_flagged_for_a_second_look() -> None:
    found = [finding(1, key="a", message="cross-listed: the same URL is also listed under X")]
    same = Label("list.md", 1, "LL201", "noise", "intended", key="a", message=found[0].message)
    assert ecosystem.evaluate(found, [same]).reworded == []
    old = Label("list.md", 1, "LL201", "noise", "intended", key="a", message="duplicate link")
    report = ecosystem.evaluate(found, [old])
    assert [(f.line, label.message) for f, label in report.reworded] == [(1, "duplicate link")]
    assert report.overall.noise == 1  # the verdict still counts until someone re-judges it
