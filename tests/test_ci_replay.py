# ruff: noqa: E501  (the seed list has long lines, as real lists do)
"""Acceptance: replay a list's history commit by commit, each commit as a pull request.

For every commit, ``listlint check --changed-since PARENT --output-format
github`` must annotate exactly the findings (of a full lint of that commit)
on the lines the commit added or changed, computed here independently with
difflib.  The same holds in a shallow clone after fetching the parent with
``--depth=1``, the way a workflow would.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ci_support import annotations_of, git, init_repo

from listlint.cli import main

SEED = """# Awesome LLM Systems Papers

A curated list of Large Language Model systems papers.

## LLM Systems
### Pre-Training
- [Megatron-LM](https://arxiv.org/abs/1909.08053): Training Multi-Billion Parameter Language Models Using Model Parallelism
- [Reducing Activation Recomputation in Large Transformer Models](https://arxiv.org/abs/2205.05198)
- [Oobleck](https://arxiv.org/abs/2309.08125): Resilient Distributed Training of Large Models Using Pipeline Templates | SOSP' 23
- [MegaScale](https://arxiv.org/abs/2402.15627): Scaling Large Language Model Training to More Than 10,000 GPUs | NSDI' 24
- [Pipeline Parallelism with Controllable Memory](https://arxiv.org/abs/2405.15362) | Sea AI Lab
- [ByteCheckpoint](https://arxiv.org/abs/2407.20143): A Unified Checkpointing System for LLM Development
- [HybridFlow](https://arxiv.org/abs/2409.19256): A Flexible and Efficient RLHF Framework

### Serving
- [Orca](https://www.usenix.org/conference/osdi22/presentation/yu): A Distributed Serving System for Transformer-Based Generative Models | OSDI' 22
- [Efficiently Scaling Transformer Inference](https://arxiv.org/abs/2211.05102) | MLSys' 23
- [POLCA](https://arxiv.org/abs/2308.12908): Power Oversubscription in LLM Cloud Providers | Microsoft
- [SARATHI](https://arxiv.org/abs/2308.16369): Efficient LLM Inference by Piggybacking Decodes with Chunked Prefills | Microsoft
- [vLLM](https://arxiv.org/abs/2309.06180): Efficient Memory Management for Large Language Model Serving with PagedAttention | SOSP' 23
- [DistServe](https://arxiv.org/abs/2401.09670): Disaggregating Prefill and Decoding for Goodput-optimized LLM Serving | OSDI' 24
- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Large Language Model Serving Throughput | UW
- [Llumnix](https://arxiv.org/abs/2406.03243): Dynamic Scheduling for Large Language Model Serving | OSDI' 24

### Multi-Model Systems
- [AlpaServe](https://arxiv.org/abs/2302.11665): Statistical Multiplexing with Model Parallelism for Deep Learning Serving | OSDI' 23
- [S-LoRA](https://arxiv.org/abs/2311.03285): Serving Thousands of Concurrent LoRA Adapters | MLSys' 24
- [Punica](https://arxiv.org/abs/2310.18547): Multi-Tenant LoRA Serving | MLSys' 24
"""


def insert_after(anchor: str, *lines: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        rows = text.split("\n")
        at = next(i for i, row in enumerate(rows) if anchor in row) + 1
        return "\n".join(rows[:at] + list(lines) + rows[at:])

    return edit


def delete(*needles: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        return "\n".join(row for row in text.split("\n") if not any(n in row for n in needles))

    return edit


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def move(needle: str, after: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        rows = text.split("\n")
        row = next(r for r in rows if needle in r)
        rows.remove(row)
        at = next(i for i, r in enumerate(rows) if after in r) + 1
        return "\n".join(rows[:at] + [row] + rows[at:])

    return edit


HISTORY: list[tuple[str, Callable[[str], str]]] = [
    (
        "add a clean entry",
        insert_after(
            "[Llumnix]",
            "- [DynamoLLM](https://arxiv.org/abs/2408.00741): Designing LLM Inference "
            "Clusters for Performance and Energy Efficiency | HPCA' 25",
        ),
    ),
    (
        "add a duplicate of an old entry",
        insert_after(
            "[DistServe]",
            "- [vLLM again](https://arxiv.org/abs/2309.06180): Efficient Memory "
            "Management for Large Language Model Serving with PagedAttention | SOSP' 23",
        ),
    ),
    (
        "add a reversed link",
        insert_after(
            "[HybridFlow]",
            "- (Malleus)[https://arxiv.org/abs/2410.13333]: Straggler-Resilient "
            "Hybrid Parallel Training of Large-scale Models",
        ),
    ),
    (
        "venue tag drift",
        insert_after(
            "[S-LoRA]",
            "- [dLoRA](https://arxiv.org/abs/2404.02211): Dynamically Orchestrating "
            "Requests and Adapters for LoRA LLM Serving | Osdi 24",
        ),
    ),
    ("move an entry far away", move("[POLCA]", "[Punica]")),
    ("delete entries", delete("[Efficiently Scaling Transformer Inference]", "[Megatron-LM]")),
    (
        "edit a title, add a tracking parameter",
        replace(
            "(https://arxiv.org/abs/2309.08125): Resilient",
            "(https://arxiv.org/abs/2309.08125?utm_source=twitter): Resilient",
        ),
    ),
    (
        "add a section with an http link and odd spacing",
        insert_after(
            "Serving Thousands of Concurrent LoRA Adapters",
            "",
            "### Energy",
            "- [Perseus](http://arxiv.org/abs/2312.06902)：Removing Energy Bloat "
            "from Large Model Training   ",
            "- [Zeus](https://arxiv.org/abs/2208.06102): Understanding and Optimizing GPU Energy "
            "Consumption of DNN Training | NSDI' 23",
        ),
    ),
    ("remove the duplicate again", delete("[vLLM again]")),
    (
        "fix the reversed link and rename",
        replace(
            "- (Malleus)[https://arxiv.org/abs/2410.13333]:", "- [Malleus](https://arxiv.org/abs/2410.13333):"
        ),
    ),
    (
        "duplicate across sections",
        insert_after(
            "[AlpaServe]",
            # A copy that drifted (other tags): identical copies are quiet by default.
            "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal "
            "Large Language Model Serving Throughput | OSDI' 25",
        ),
    ),
    # Added above the original: in a full lint the error is on the later (old)
    # line, but in PR mode the pair rules read unchanged lines first, so the
    # new copy is the error (see PR_MODE_FLIPS).
    (
        "duplicate above the original",
        insert_after(
            "### Serving",
            "- [SARATHI](https://arxiv.org/abs/2308.16369): Efficient LLM Inference "
            "by Piggybacking Decodes with Chunked Prefills | Microsoft",
        ),
    ),
]

LEVEL = {"error": "error", "warning": "warning", "notice": "info"}

# Where PR mode intentionally differs from a full lint: the copy added above
# its original is the duplicate (error), not the original (info).
PR_MODE_FLIPS = {"duplicate above the original": {("LL201", "info"): "error"}}


def added_lines(old: str, new: str) -> frozenset[int]:
    """1-based lines of ``new`` that are inserted or replaced relative to ``old``."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return frozenset(
        line + 1
        for tag, _, _, j1, j2 in matcher.get_opcodes()
        if tag in ("insert", "replace")
        for line in range(j1, j2)
    )


def full_lint(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    main(["check", "list.md", "--output-format", "json"])
    return json.loads(capsys.readouterr().out)["diagnostics"]


def pr_annotations(parent: str, capsys: pytest.CaptureFixture[str]) -> list[tuple]:
    code = main(["check", "list.md", "--changed-since", parent, "--output-format", "github"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    found = annotations_of(out.out)
    assert all("file" in c.properties for c in found), "truncated: a commit introduced too much"
    return sorted(
        (
            c.properties["title"].split()[0],
            LEVEL[c.name],
            int(c.properties["line"]),
            int(c.properties.get("col", 0)),
        )
        for c in found
    )


def expected(diagnostics: list[dict], lines: frozenset[int]) -> list[tuple]:
    return sorted(
        (d["code"], d["severity"], d["line"], d["column"] if d["line"] == d["end_line"] else 0)
        for d in diagnostics
        if any(n in lines for n in range(d["line"], d["end_line"] + 1))
    )


def test_replay_history_as_pull_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    repo = init_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    text = SEED
    (repo / "list.md").write_text(text, encoding="utf-8")
    git(repo, "add", "list.md")
    git(repo, "commit", "-q", "-m", "seed")
    commits: list[tuple[str, str, list[tuple]]] = []
    timings = []
    introduced = {}
    for message, edit in HISTORY:
        parent = git(repo, "rev-parse", "HEAD")
        new_text = edit(text)
        assert new_text != text, message
        (repo / "list.md").write_text(new_text, encoding="utf-8")
        git(repo, "commit", "-q", "-am", message)
        want = expected(full_lint(capsys), added_lines(text, new_text))
        flips = PR_MODE_FLIPS.get(message, {})
        want = sorted((code, flips.get((code, level), level), *rest) for code, level, *rest in want)
        start = time.perf_counter()
        got = pr_annotations(parent, capsys)
        timings.append(time.perf_counter() - start)
        assert got == want, message
        introduced[message] = {code for code, *_ in got}
        commits.append((git(repo, "rev-parse", "HEAD"), parent, want))
        text = new_text
    # The history exercises what it claims to.
    assert "LL201" in introduced["add a duplicate of an old entry"]
    assert "LL101" in introduced["add a reversed link"]
    assert introduced["delete entries"] == set()
    assert introduced["remove the duplicate again"] == set()
    assert introduced["add a clean entry"] == set()
    assert any(code.startswith("LL3") for code in introduced["venue tag drift"])
    assert "LL401" in introduced["edit a title, add a tracking parameter"]
    assert "LL203" in introduced["duplicate across sections"]
    assert "LL201" in introduced["duplicate above the original"]
    assert max(timings) < 5, timings

    # The same PRs in shallow clones, as actions/checkout makes them.
    for commit, parent, want in commits[-4:]:
        clone = tmp_path / f"shallow-{commit[:8]}"
        init_repo(clone)
        git(clone, "remote", "add", "origin", f"file://{repo}")
        git(clone, "fetch", "-q", "--depth=1", "origin", commit)
        git(clone, "checkout", "-q", "FETCH_HEAD")
        monkeypatch.chdir(clone)
        assert main(["check", "list.md", "--changed-since", parent]) == 2
        assert "fetch-depth: 0" in capsys.readouterr().err
        git(clone, "fetch", "-q", "--depth=1", "origin", parent)
        assert pr_annotations(parent, capsys) == want


def test_copy_added_above_the_original_fails_the_pr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    (repo / "list.md").write_text(SEED, encoding="utf-8")
    git(repo, "add", "list.md")
    git(repo, "commit", "-q", "-m", "seed")
    base = git(repo, "rev-parse", "HEAD")
    edit = insert_after(
        "### Serving",
        "- [PagedAttention](https://arxiv.org/abs/2309.06180): a different title for vLLM | SOSP' 23",
    )
    (repo / "list.md").write_text(edit(SEED), encoding="utf-8")
    found = pr_annotations(base, capsys)
    assert ("LL201", "error", 16, 20) in found, found
