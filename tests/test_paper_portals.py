"""paperswithcode-link (LL717): a dead paper portal, fixed to arXiv when the entry names the paper."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.pipeline import RunOptions, lint_paths

Lint = Callable[..., list[Diagnostic]]


def portal(lint: Lint, text: str) -> list[Diagnostic]:
    return [d for d in lint(text, select=["LL717"]) if d.code == "LL717"]


def test_paper_page_with_an_arxiv_link_in_the_entry_gets_a_safe_fix(tmp_path: Path) -> None:
    text = (
        "- [ReAct](https://paperswithcode.com/paper/react-synergizing) Reasoning and Acting "
        "[[arXiv](https://arxiv.org/abs/2210.03629v3)]\n"
    )
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    result = lint_paths([str(path)], Settings().with_values(select=["LL717"]), RunOptions(fix=True))
    assert result.files[0].fixed_text == text.replace(
        "https://paperswithcode.com/paper/react-synergizing", "https://arxiv.org/abs/2210.03629"
    )
    (finding,) = result.files[0].fixed
    assert finding.line == 1 and finding.column == 11
    assert "arXiv:2210.03629" in finding.message


def test_leaderboard_and_dataset_pages_are_reported_without_a_fix(lint: Lint) -> None:
    found = portal(
        lint,
        "- [ToolLLM](https://arxiv.org/abs/2307.16789) [[dataset](https://paperswithcode.com/dataset/toolbench)]\n"
        "- [SOTA](https://paperswithcode.com/sota/image-classification-on-imagenet)\n",
    )
    assert [(d.line, d.fix) for d in found] == [(1, None), (2, None)]
    assert all("shut down in July 2025" in d.message for d in found)


def test_no_fix_when_the_entry_names_no_or_several_arxiv_papers(lint: Lint) -> None:
    found = portal(
        lint,
        "- [A](https://paperswithcode.com/paper/a)\n"
        "- [B](https://paperswithcode.com/paper/b) [x](https://arxiv.org/abs/2210.03629) "
        "[y](https://arxiv.org/abs/2307.16789)\n",
    )
    assert [d.fix for d in found] == [None, None]


def test_other_hosts_are_not_portals(lint: Lint) -> None:
    assert (
        portal(
            lint,
            "- [A](https://paperswithcode.example.com/paper/a)\n- [B](https://huggingface.co/papers/2210.03629)\n",
        )
        == []
    )
