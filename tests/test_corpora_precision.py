"""The LL1/LL3/LL5 rules on the real lists in ../shared/corpora (skipped when absent).

seed.md has planted problems that must be found at their lines; the other
lists are consistent and must stay nearly quiet.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.pipeline import RunOptions, lint_paths

MINE = ["LL102", "LL103", "LL104", "LL105", "LL106", "LL3", "LL5"]


def check(path: Path) -> list[Diagnostic]:
    settings = Settings().with_values(select=MINE, rules={"implausible-year": {"today": "2026-11-25"}})
    return lint_paths([str(path)], settings, RunOptions()).diagnostics


def test_seed_planted_problems_are_found_at_their_lines(corpora: Path) -> None:
    found = {(d.line, d.code) for d in check(corpora / "seed.md")}
    planted = {
        (48, "LL102"),  # DeepSpeed-MII: fullwidth ｜
        (126, "LL102"),  # LoRAShear: fullwidth ｜
        (36, "LL102"),  # [DeepSpeed Inference](url) : Enabling
        (133, "LL102"),  # [Alpa](url) : Automating
        (58, "LL102"),  # DistServe: "Serving| OSDI' 24"
        (101, "LL102"),  # DistriFusion: "|  MIT"
        (12, "LL104"),  # [Oobleck:]
        (13, "LL104"),  # [GEMINI:]
        (54, "LL104"),  # [SuperServe:]
        (12, "LL302"),  # SOSP 23
        (31, "LL302"),  # OSDI 22
        (38, "LL302"),  # ICLR'23
        (141, "LL302"),  # ATC'22
        (136, "LL302"),  # DeepSpeed-MoE: "... Scale ICML' 2022." (no tags, venue at the end)
        (142, "LL301"),  # Eurosys'23
        (132, "LL301"),  # ATC’ 21
        (140, "LL301"),  # MobiSys ’22
        (34, "LL103"),  # Flover: trailing space
    }
    assert planted <= found, sorted(planted - found)
    # Correct entries stay quiet: MLSys' 23, OSDI' 24, affiliations, the seed's own style.
    assert not {line for line, code in found if code.startswith(("LL105", "LL106", "LL303", "LL304", "LL5"))}


def test_consistent_lists_stay_quiet(corpora: Path) -> None:
    counts = Counter(d.code for d in check(corpora / "awesome-go.md"))
    assert set(counts) <= {"LL103"} and counts["LL103"] <= 5, counts
    counts = Counter(d.code for d in check(corpora / "awesome-llm.md"))
    assert set(counts) <= {"LL103", "LL502"} and sum(counts.values()) <= 15, counts


def test_llmsys_findings(corpora: Path) -> None:
    found = check(corpora / "llmsys-paperlist.md")
    by_code = Counter(d.code for d in found)
    assert {(d.line, d.code) for d in found} >= {(24, "LL501"), (60, "LL106"), (81, "LL301")}
    assert by_code["LL106"] == 1 and by_code["LL501"] == 1 and by_code["LL303"] == 0
