"""GitHub heading slugs, LL501 broken-anchor and LL502 toc-missing-heading."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.document import parse_document
from listlint.fixes import apply_fixes
from listlint.pipeline import RunOptions, lint_text
from listlint.source import Source

Lint = Callable[..., list[Diagnostic]]


def anchors(text: str) -> list[str]:
    return [s.anchor for s in parse_document(Source(path="x.md", text=text)).sections]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("## LLM Benchmark / Leaderboard / Traces", "llm-benchmark--leaderboard--traces"),
        ("## Systems for Post-training / RLHF", "systems-for-post-training--rlhf"),
        ("## Q&A", "qa"),
        ("## Tips & Tricks", "tips--tricks"),
        ("## v1.0 Release", "v10-release"),
        ("## `listlint` usage", "listlint-usage"),
        ("## [ML Systems](mlsystems.md)", "ml-systems"),
        ("## 🚀 Getting Started", "-getting-started"),
        (
            "# Awesome-LLM [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)",
            "awesome-llm-",
        ),
        ("## snake_case and CamelCase", "snake_case-and-camelcase"),
        ("## Über Caf\u00e9", "über-café"),
        ("## 中文 资源", "中文-资源"),
        ("## LLM Evaluation:", "llm-evaluation"),
        ("## What's new?", "whats-new"),
        ("## Area m² ① 2024", "area-m--2024"),
        ("## :rocket: Launch", "rocket-launch"),
    ],
)
def test_github_slugs(heading: str, anchor: str) -> None:
    assert anchors(heading + "\n") == [anchor]


def test_repeated_headings_get_suffixes() -> None:
    assert anchors("## Training\n## Serving\n## Training\n## Training\n") == [
        "training",
        "serving",
        "training-1",
        "training-2",
    ]


def test_broken_anchor(lint: Lint) -> None:
    text = (
        "# Papers\n\n"
        "- [Serving](#serving)\n"
        "- [Training](#Training)\n"  # case differs: GitHub still scrolls
        "- [Benchmarks](#benchmark--traces)\n"  # a real heading anchor
        "- [Top](#top)\n"
        "- [Marked](#marked-spot)\n"  # an explicit <a name>
        "- [Gone](#fine-tuning)\n"  # no such heading
        "- [Typo](#servng)\n"  # near match
        "- [Encoded](#%E4%B8%AD%E6%96%87)\n"  # percent-encoded heading
        "\n## Serving\n## Training\n## Benchmark / Traces\n## 中文\n"
        '<a name="marked-spot"></a>\n'
    )
    result = [(d.line, d.message, d.fix is not None) for d in lint(text, select=["LL501"])]
    assert result == [
        (8, "no heading or anchor '#fine-tuning' in this file", False),
        (9, "no heading or anchor '#servng' in this file; did you mean '#serving'?", True),
    ]
    settings = Settings().with_values(select=["LL501"])
    diagnostics = lint_text(text, settings, options=RunOptions())
    assert apply_fixes(text, diagnostics)[0] == text  # the fix is unsafe
    assert "- [Typo](#serving)\n" in apply_fixes(text, diagnostics, unsafe=True)[0]


def test_near_match_prefers_same_letters(lint: Lint) -> None:
    text = "- [A](#ml-systems-and-more)\n\n## ML Systems & More\n"
    assert lint(text, select=["LL501"]) != []
    [diagnostic] = lint(text, select=["LL501"])
    assert "did you mean '#ml-systems--more'" in diagnostic.message


TOC = (
    "# Papers\n\n"
    "## Contents\n\n"
    "- [Training](#training)\n"
    "  - [Pre-training](#pre-training)\n"
    "  - [Fine-tuning](#fine-tuning)\n"
    "- [Serving](#serving)\n"
    "- [Surveys](#surveys)\n"
    "\n## Training\n### Pre-training\n### Fine-tuning\n### RLHF\n"
    "## Serving\n### Edge\n### Cloud\n"
    "## Surveys\n## Benchmarks\n"
)


def test_toc_missing_heading(lint: Lint) -> None:
    result = [(d.line, d.message) for d in lint(TOC, select=["LL502"])]
    assert result == [
        (14, "heading 'RLHF' is missing from the table of contents (line 5)"),
        (19, "heading 'Benchmarks' is missing from the table of contents (line 5)"),
    ]


def test_toc_scope_and_misnamed_links(lint: Lint) -> None:
    # The misnamed link is broken-anchor's business; the scan stops at a higher heading.
    text = TOC.replace("#surveys", "#survey").replace("## Benchmarks\n", "# Appendix\n## Notes\n")
    assert [d.line for d in lint(text, select=["LL502"])] == [14]
    # toc-missing-heading is off by default: a prefix alone does not select it.
    assert sorted(d.code for d in lint(text, select=["LL5"])) == ["LL501"]
    assert sorted(d.code for d in lint(text, select=["LL5", "LL502"])) == ["LL501", "LL502"]


def test_no_toc_no_findings(lint: Lint) -> None:
    text = "# A\n\n- [x](https://x.example/)\n- [y](#b)\n\n## B\n## C\n"
    assert lint(text, select=["LL502"]) == []


def test_toc_back_matter_is_not_expected(lint: Lint) -> None:
    text = TOC + "## Contributing\n## License\n"
    assert [d.line for d in lint(text, select=["LL502"])] == [14, 19]
    rules = {"toc-missing-heading": {"ignore-headings": ["Benchmarks"]}}
    assert [d.line for d in lint(text, select=["LL502"], rules=rules)] == [14, 20, 21]
