"""The entry model on list styles the rules were not written for (issue 11).

Each test is a small hand-written list in one style; the realworld tests at
the end pin the same patterns on the corpora (skipped without them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.document import parse_document
from listlint.document.model import Entry
from listlint.fixes import apply_fixes
from listlint.pipeline import RunOptions, lint_paths, lint_text
from listlint.source import Source

Lint = Callable[..., list[Diagnostic]]


def entries(text: str) -> list[Entry]:
    return parse_document(Source(path="README.md", text=text)).entries


def codes(lint: Lint, text: str, *select: str, **values: object) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lint(text, select=list(select) or ["ALL"], **values)]


# -- markers and titles ----------------------------------------------------------


def test_task_boxes_are_markers_not_titles(lint: Lint) -> None:
    text = (
        "## Papers\n\n"
        "- [x] [Orca: A Distributed Serving System](https://a.org/1)\n"
        "- [ ] [Helix: Serving Over Heterogeneous GPUs](https://b.org/2)\n"
        "- [X] [Punica: Multi-Tenant LoRA Serving](https://c.org/3)\n"
    )
    found = entries(text)
    assert [(e.task, e.markers, e.title) for e in found] == [
        ("done", ("[x]",), "Orca: A Distributed Serving System"),
        ("open", ("[ ]",), "Helix: Serving Over Heterogeneous GPUs"),
        ("done", ("[X]",), "Punica: Multi-Tenant LoRA Serving"),
    ]
    assert all(e.primary_link is e.title_link is not None for e in found)
    assert codes(lint, text, "LL2") == []  # three unrelated papers, not "duplicate titles"


@pytest.mark.parametrize(
    ("line", "markers"),
    [
        ("- ⭐ [Title Of The Paper](https://a.org/x)", ("⭐",)),
        ("- 🔥🔥 [Title Of The Paper](https://a.org/x)", ("🔥🔥",)),
        ("- :star: [Title Of The Paper](https://a.org/x)", (":star:",)),
        ("- **[NEW]** [Title Of The Paper](https://a.org/x)", ("[NEW]",)),
        ("- [2023/06] [Title Of The Paper](https://a.org/x)", ("[2023/06]",)),
        ("- 2023-06-01: [Title Of The Paper](https://a.org/x)", ("2023-06-01",)),
        ("- [x] ✨ **[NEW]** [Title Of The Paper](https://a.org/x)", ("[x]", "✨", "[NEW]")),
    ],
)
def test_markers_before_the_title_link(line: str, markers: tuple[str, ...]) -> None:
    (entry,) = entries(line + "\n")
    assert entry.markers == markers
    assert entry.title == "Title Of The Paper"
    assert entry.primary_link is not None and entry.primary_link.url == "https://a.org/x"


def test_a_badge_before_the_title_is_never_the_primary_link(lint: Lint) -> None:
    badge = "[![Star](https://img.shields.io/github/stars/org/repo)](https://github.com/org/repo)"
    text = (
        "## Papers\n\n"
        f"- {badge} [First Paper On Shared Code](https://arxiv.org/abs/2401.00001)\n"
        f"- {badge} [Second Paper On Shared Code](https://arxiv.org/abs/2401.00002)\n"
    )
    first = entries(text)[0]
    assert first.title == "First Paper On Shared Code"
    assert first.roles == ("badge", "badge", "paper")  # the badge link and its image
    assert first.primary_link is not None and first.primary_link.url.endswith("2401.00001")
    # Two papers sharing one repository are not a duplicate link.
    assert codes(lint, text, "LL2") == []


@pytest.mark.parametrize("generic", ["paper", "[Paper]", "code", "pdf", "Star", "[[Code]]"])
def test_generic_link_texts_are_never_titles(generic: str) -> None:
    (entry,) = entries(f"- [{generic}](https://arxiv.org/abs/2401.00001) A Real Title Here\n")
    assert entry.title_link is None
    assert entry.title == "A Real Title Here"


def test_bold_title_with_paper_and_code_links() -> None:
    (entry,) = entries(
        "- **Orca: A Distributed Serving System** [[Paper]](https://arxiv.org/abs/2401.00001) "
        "[[Code]](https://github.com/o/orca) [[Project]](https://orca.github.io/)\n"
    )
    assert entry.title == "Orca: A Distributed Serving System"
    assert entry.roles == ("paper", "code", "project")
    assert entry.primary_link is entry.links[0]
    assert entry.links_with_role("code") == (entry.links[1],)
    assert entry.role_of(entry.links[2]) == "project"


def test_a_code_link_alone_is_no_primary_link(lint: Lint) -> None:
    text = (
        "## Tools\n\n"
        "- **Tool One**: does one thing [[code]](https://github.com/o/shared)\n"
        "- **Tool Two**: does another [[code]](https://github.com/o/shared)\n"
    )
    assert [e.primary_link for e in entries(text)] == [None, None]
    assert codes(lint, text, "LL2") == []


def test_full_title_then_a_note_compares_the_title_only(lint: Lint) -> None:
    text = (
        "## Papers\n\n"
        "- [Efficient Memory Management For Serving](https://a.org/paper): the vLLM paper.\n"
        "- [Orca](https://b.org/orca): A Distributed Serving System\n"
        "- [Efficient Memory Management For Serving](https://c.org/pdf): read this first.\n"
    )
    first, orca, _ = entries(text)
    assert first.title == "Efficient Memory Management For Serving"
    assert first.description == "the vLLM paper."
    assert orca.title == "Orca: A Distributed Serving System"  # a short name, a colon, the rest
    assert codes(lint, text, "LL204") == [("LL204", 5)]


def test_links_in_a_second_paragraph_belong_to_the_item(lint: Lint) -> None:
    text = (
        "## Papers\n\n"
        "- Learning To Serve Models Fast\n\n"
        "  [[Paper]](https://arxiv.org/abs/2401.00001) [[Code]](https://github.com/a/b)\n\n"
        "- Another Paper About Serving\n\n"
        "  [[Paper]](https://arxiv.org/abs/2401.00002)\n\n"
        "- Learning To Serve Models Fast\n\n"
        "  [[Paper]](https://arxiv.org/abs/2401.00001)\n"
    )
    first = entries(text)[0]
    assert first.title == "Learning To Serve Models Fast"
    assert [link.url for link in first.links] == [
        "https://arxiv.org/abs/2401.00001",
        "https://github.com/a/b",
    ]
    assert first.end_line == 5
    found = codes(lint, text, "LL106", "LL201")
    assert ("LL106", 3) not in found  # not "an entry without a link"
    assert ("LL201", 13) in found  # and the repeat is found (its link is on line 13)


# -- tags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "where", "tag"),
    [
        ("- [A Paper Title Here](https://a.org/x) | OSDI' 24, UW", "bar", "OSDI' 24, UW"),
        ("- [A Paper Title Here](https://a.org/x) (OSDI 2024)", "parentheses", "OSDI 2024"),
        ("- [A Paper Title Here](https://a.org/x) **OSDI'24**", "bold", "OSDI'24"),
        ("- A paper title without a link. SIGMOD'24", "trailing", "SIGMOD'24"),
        ("- [A Paper Title Here](https://a.org/x) `Meta` `2022`", "code", "2022"),
        (
            "- [A Paper Title Here](https://a.org/x) ![](https://img.shields.io/badge/OSDI-2024-blue)",
            "badge",
            "OSDI 2024",
        ),
        ("- **A Paper Title** *Ann Wu et al. ICML 2024.* [[paper](https://a.org/x)]", "italic", "ICML 2024"),
        ("- [A Paper Title Here](https://a.org/x) _B. Li, C. Wu. NeurIPS'23_", "italic", "NeurIPS'23"),
    ],
)
def test_venue_tags_wherever_the_list_puts_them(line: str, where: str, tag: str) -> None:
    (entry,) = entries(line + "\n")
    assert [(t.where, t.text) for t in entry.venue_tags] == [(where, tag)]


@pytest.mark.parametrize(
    "line",
    [
        "- **A Paper Title Here** *Ann Wu et al. arXiv.* [[paper](https://a.org/x)]",  # no year
        "- [A Paper Title Here](https://a.org/x) *published in 2024 by a lab*",  # the year is not at the end
        "- [A Paper Title Here](https://a.org/x) snake_case_name_2024 and_more_2024",  # no emphasis rendered
        "- [A Paper Title Here](https://a.org/x) * not emphasis ICML 2024 *",  # spaces: literal stars
    ],
)
def test_an_italic_span_is_a_tag_place_only_where_markdown_renders_one_ending_in_a_year(line: str) -> None:
    (entry,) = entries(line + "\n")
    assert [t.where for t in entry.venue_tags if t.where == "italic"] == []


def test_venue_drift_in_italic_author_lines_between_copies(lint: Lint) -> None:
    text = (
        "## Planning\n\n"
        "- [2023/10] **Towards Embodied Decision Making** *Liang Chen et al. ICML 2024.* "
        "[[paper](https://arxiv.org/abs/2310.02071)]\n\n"
        "## Reasoning\n\n"
        "- [2023/10] **Towards Embodied Decision Making** *Liang Chen et al. NeurIPS 2023.* "
        "[[paper](https://arxiv.org/abs/2310.02071)]\n"
    )
    found = [(d.code, d.line, d.message) for d in lint(text, select=["LL203"])]
    assert len(found) == 1 and found[0][1] == 7
    assert "ICML 2024" in found[0][2] and "NeurIPS 2023" in found[0][2]


def test_venue_rules_read_every_tag_place(lint: Lint) -> None:
    text = (
        "## Papers\n\n"
        "- A paper title without a link. Eurosys'24\n"
        "- [Another Paper Title](https://a.org/x) (Eurosys 2024)\n"
        "- [Third Paper Title](https://a.org/y) ![](https://img.shields.io/badge/OSDI-1990-blue)\n"
    )
    found = {(d.code, d.line) for d in lint(text, select=["LL3"])}
    assert {("LL301", 3), ("LL301", 4), ("LL303", 5)} <= found


# -- the noise list --------------------------------------------------------------


def test_malformed_link_is_decided_from_the_rendering(lint: Lint) -> None:
    text = (
        "- [A Paper](https://a.org/x) [![badge](https://img.shields.io/badge/a-b-c)]()\n"  # renders fine
        "- [B Paper](https://a.org/y) [Coming soon]()\n"  # a placeholder, meant so
        "- [C Paper](https://a.org/z) [paper]()\n"  # a link to this page: a warning
        "- [D Paper](https://a.org/w) [[Blog]] (https://blog.example/d)\n"  # renders as text
        "- [E Paper](https://a.org/v) [![b](https://img.shields.io/x.svg](https://github.com/o/r)\n"
        "-[F Paper](https://a.org/u) - no space after the marker\n"
        "- [G Paper](https://a.org/t) - [a range](https://a.org/1)-[of links](https://a.org/2)\n"
    )
    found = [(d.line, d.severity.value) for d in lint(text, select=["LL101"])]
    assert found == [(3, "warning"), (4, "error"), (5, "error"), (6, "error")]
    settings = Settings().with_values(select=["LL101"])
    fixed, _ = apply_fixes(text, lint_text(text, settings, options=RunOptions()))
    assert "[[Blog]](https://blog.example/d)" in fixed
    assert "\n- [F Paper](https://a.org/u)" in fixed


def test_cross_listing_reports_drift_and_is_quiet_on_identical_copies(lint: Lint) -> None:
    same = "- [Orca](https://arxiv.org/abs/2401.00001): A Distributed Serving System | OSDI' 22\n"
    identical = "## News\n\n" + same + "\n## Serving\n\n" + same
    assert codes(lint, identical, "LL203") == []
    rules = {"cross-listed-paper": {"report-identical": True}}
    assert codes(lint, identical, "LL203", rules=rules) == [("LL203", 7)]
    drifted = (
        "## Serving\n\n" + same + "\n## Systems\n\n"
        "- [Orca](https://arxiv.org/abs/2401.00001v2): Serving Transformers At Scale Quickly | arXiv' 22\n"
    )
    (finding,) = lint(drifted, select=["LL203"])
    assert "title" in finding.message and "tags" in finding.message and "arXiv version" in finding.message
    # A repository's copies may describe it differently: only its tags can drift.
    repo = "- [vLLM](https://github.com/vllm-project/vllm): Fast Serving Of Large Models\n"
    reworded = "## Serving\n\n" + repo + "\n## Engines\n\n" + repo.replace("Fast Serving", "Easy Serving")
    assert codes(lint, reworded, "LL203") == []


def test_repeats_in_a_news_feed_or_under_two_sub_groups_are_not_duplicates(lint: Lint) -> None:
    news = (
        "## 🔔 News\n\n"
        "- [2024/01] Our paper [Orca](https://arxiv.org/abs/2401.00001) is released.\n"
        "- [2024/05] [Orca](https://arxiv.org/abs/2401.00001) is accepted at OSDI.\n"
    )
    assert codes(lint, news, "LL2") == []
    groups = (
        "## Database\n\n"
        "* NoSQL [[nosql](https://crates.io/keywords/nosql)]\n"
        "  * [aragog](https://gitlab.com/q/aragog) - a mapper\n"
        "* OGM [[ogm](https://crates.io/keywords/ogm)]\n"
        "  * [aragog](https://gitlab.com/q/aragog) - a mapper\n"
    )
    assert codes(lint, groups, "LL201") == []
    item = "* [aragog](https://gitlab.com/q/aragog) - a mapper\n"
    flat = "## Database\n\n" + item + item
    assert codes(lint, flat, "LL201") == [("LL201", 3), ("LL201", 4)]


def test_two_packages_of_one_repository_are_not_a_duplicate(lint: Lint) -> None:
    text = (
        "## Packaging\n\n"
        "- [hatch](https://github.com/pypa/hatch) - Project manager.\n"
        "- [hatchling](https://github.com/pypa/hatch) - Its build backend.\n"
    )
    assert codes(lint, text, "LL2") == []


def test_one_package_under_two_names_is_still_a_duplicate(lint: Lint) -> None:
    text = (
        "## GUI\n\n"
        "- [linebender/xilem](https://github.com/linebender/xilem) - A UI framework.\n"
        "- [xilem](https://github.com/linebender/xilem) - An experimental UI framework.\n"
        "- [DSP](https://github.com/JuliaDSP/DSP.jl) - Signal processing.\n"
        "- [SignalProcessing](https://github.com/JuliaDSP/DSP.jl) - Filters.\n"
    )
    assert [line for code, line in codes(lint, text, "LL2") if code == "LL201"] == [3, 4, 5, 6]
    g3, crate = "https://github.com/bytedance/g3", "https://crates.io/crates/"
    crates = (
        "## Proxies\n\n"
        f"- [g3proxy]({g3}) [[g3proxy]({crate}g3proxy)] - A proxy.\n"
        f"- [g3bench]({g3}) [[g3bench]({crate}g3bench)] - A bench.\n"
    )
    assert codes(lint, crates, "LL2") == []


def test_drift_of_a_repository_is_its_name_and_of_a_paper_its_stated_title(lint: Lint) -> None:
    nupic = "- [NuPIC](https://github.com/numenta/nupic) - Numenta Platform.\n"
    text = "## Python\n\n" + nupic + "\n## Tools\n\n" + nupic.replace("[NuPIC]", "[numpic]")
    (finding,) = lint(text, select=["LL203"])
    assert "name 'NuPIC' here 'numpic'" in finding.message
    rows = (
        "## Papers\n\n- [Fine-tuning Multimodal LLMs to Follow Instructions](https://arxiv.org/abs/2308.04152)\n"
        "\n## Datasets\n\n| Name | Paper |\n| --- | --- |\n"
        "| **I4** | [Empowering Vision-Language Models to Follow Instructions]"
        "(https://arxiv.org/pdf/2308.04152.pdf) |\n"
    )
    (drift,) = lint(rows, select=["LL2"])
    assert drift.code == "LL203" and "Empowering" in drift.message
    # A model's name beside its paper's title is no drift.
    named = rows.replace("Fine-tuning Multimodal LLMs to Follow Instructions", "Cheetah-7B-Instruct")
    assert lint(named, select=["LL2"]) == []


def test_rows_named_by_a_cell_share_their_paper_link(lint: Lint) -> None:
    paper = "[Accountable Textual-Visual Chat](https://arxiv.org/pdf/2303.05983.pdf)"
    text = (
        "## Datasets\n\n| Name | Paper |\n| --- | --- |\n"
        f"| **CLEVR-ATVC** | {paper} |\n| **Fruit-ATVC** | {paper} |\n"
    )
    first = entries(text)[0]
    assert first.title == "CLEVR-ATVC" and first.title_link is None
    assert codes(lint, text, "LL2") == []


def test_venue_alias_differing_in_case_is_never_fixed_into_the_wrong_form(lint: Lint) -> None:
    text = (
        "- [A Paper Title Here](https://a.org/x) | CLUSTER' 23\n"
        "- [B Paper Title Here](https://a.org/y) | Cluster' 23\n"
        "- [C Paper Title Here](https://a.org/z) | cluster' 23\n"
    )
    found = lint(text, select=["LL301"])
    assert [d.line for d in found] == [3]
    assert found[0].fix is not None and found[0].fix.edits[0].content == "CLUSTER"


def test_tracking_parameters(lint: Lint) -> None:
    text = (
        "- [A](https://a.org/x?hss_channel=tw-123) - hubspot social\n"
        "- [B](https://x.com/u/status/1?s=20) - a share source code alone\n"
        "- [C](https://x.com/u/status/2?s=20&t=AbCd) - a per-share token\n"
        "- [D](https://d.org/?utm_source=list) - a plain utm link\n"
        '\n<a href="https://sponsor.example/?utm_source=list"><img src="logo.png"></a>\n'
        "\n**Sponsors:**\n\n- [E](https://sponsor.example/e?utm_campaign=list) - a sponsor\n"
    )
    assert [d.line for d in lint(text, select=["LL401"])] == [1, 3, 4]


def test_identity_of_paper_pages_named_by_an_arxiv_id(lint: Lint) -> None:
    text = (
        "## Papers\n\n"
        "- [Orca: Serving Systems](https://arxiv.org/abs/2401.00001)\n"
        "- [Orca: Serving Systems](https://huggingface.co/papers/2401.00001)\n"
        "- [Orca: Serving Systems](https://www.alphaxiv.org/abs/2401.00001)\n"
    )
    assert codes(lint, text, "LL202") == [("LL202", 4), ("LL202", 5)]


def test_two_papers_on_one_link_is_a_wrong_link_once(lint: Lint) -> None:
    voyager = "- [Voyager: An Open-Ended Embodied Agent with Large Language Models](https://arxiv.org/abs/2305.16291)\n"
    fireact = "- [FireAct: Toward Language Agent Fine-tuning](https://arxiv.org/abs/2305.16291)\n"
    text = "## Agents\n\n" + fireact + voyager + "\n## Planning\n\n" + voyager + fireact
    assert codes(lint, text, "LL2") == [("LL205", 4)]
    renamed = (
        "## Serving\n\n- [AQUA: Network-Accelerated Memory Offloading for LLMs](https://arxiv.org/abs/2407.21255)\n"
        "- [Responsive ML inference in multi-tenanted environments using AQUA](https://arxiv.org/abs/2407.21255)\n"
        "- [Orca](https://arxiv.org/abs/2401.00001)\n"
        "- [Orca: A Distributed Serving System for Transformers](https://arxiv.org/abs/2401.00001)\n"
    )
    assert "LL205" not in {code for code, _ in codes(lint, renamed, "LL2")}


def test_small_style_patterns(lint: Lint) -> None:
    shortcode = "- [Cloudsmith :heavy_dollar_sign:](https://cloudsmith.io) - Hosting.\n"
    assert codes(lint, shortcode, "LL104") == []
    dashes = "## Tools\n\n" + "".join(f"- [T{i}](https://t.org/{i}) - Tool {i}.\n" for i in range(5))
    assert codes(lint, dashes + "- [Shapash](https://s.org) : Explains models.\n", "LL102") == []


def test_entry_without_link_skips_introductions_feeds_and_links_below(lint: Lint) -> None:
    linked = "".join(f"- [Tool {i}](https://t.org/{i}) - does {i}.\n" for i in range(4))
    intro = (
        "# A List\n\n- **How** it is framed\n- **Why** it works\n\n## Contents\n\n- [Tools](#tools)\n\n"
        "## Tools\n\n" + linked
    )
    assert codes(lint, intro, "LL106") == []
    below = "## Tools\n\n" + linked + "- **A Highlight**\n\n<p><a href='https://h.org'>Paper</a></p>\n"
    assert codes(lint, below, "LL106") == []
    missing = "## Tools\n\n" + linked + "- A tool without a link\n"
    assert codes(lint, missing, "LL106") == [("LL106", 7)]


# -- severity policy -------------------------------------------------------------


def test_rules_that_cannot_be_precise_are_off_by_default_and_selectable(lint: Lint) -> None:
    text = (
        "## Contents\n\n- [A](#a)\n\n## A\n\n## B\n\n"
        + "".join(f"- [T{i}](https://t.org/{i}): Tool {i}.\n" for i in range(5))
        + "- [T9](https://t.org/9) - Tool 9.\n"
    )
    from listlint.rules.registry import find_plugins, load_rules

    off = {rule.code for rule in load_rules(find_plugins()) if not rule.default}
    assert off == {"LL105", "LL502", "LL715"}
    assert {d.code for d in lint(text)} & off == set()
    assert {d.code for d in lint(text, select=["LL105"])} == {"LL105"}
    assert {d.code for d in lint(text, extend_select=["entry-shape"])} >= {"LL105"}
    assert "LL105" not in {d.code for d in lint(text, select=["ALL"])}


# -- the real lists ---------------------------------------------------------------


def findings(corpora: Path, name: str) -> set[tuple[str, int]]:
    result = lint_paths([str(corpora / name)], Settings(), RunOptions())
    return {(d.code, d.line) for d in result.diagnostics}


def test_realworld_placeholders_and_badges_in_empty_links(corpora: Path) -> None:
    found = findings(corpora, "awesome-multimodal-llm.md")
    assert not any(code == "LL101" for code, _ in found)  # [Coming soon]() and [![..](..)]()
    assert ("LL201", 751) not in found  # two datasets citing one paper
    deep = findings(corpora, "awesome-deep-learning-papers.md")
    assert ("LL101", 356) in deep  # "[[pdf]] (url)" renders as text


def test_realworld_sub_groups_feeds_and_sponsors(corpora: Path) -> None:
    rust = findings(corpora, "awesome-rust.md")
    assert ("LL201", 1664) not in rust and ("LL201", 2334) not in rust
    agents = findings(corpora, "llm-agent-papers.md")
    assert ("LL201", 14) not in agents
    go = findings(corpora, "awesome-go.md")
    assert ("LL401", 14) not in go  # the Product Hunt badge's attribution
    week = findings(corpora, "ml-papers-of-the-week.md")
    assert sum(1 for code, _ in week if code == "LL401") < 100  # not one per ?s=20 share link


def test_realworld_errors_are_all_judged_true(corpora: Path) -> None:
    """Every error-severity finding on the corpora, each read in context (see the ecosystem ledger)."""
    errors = set()
    for path in sorted(corpora.glob("*.md")):
        if path.name == "README.md":
            continue
        result = lint_paths([str(path)], Settings(), RunOptions())
        errors |= {(path.name, d.code, d.line) for d in result.diagnostics if d.severity.value == "error"}
    judged_true = {
        ("awesome-go.md", "LL101", 270),  # "-[voxrai-ai](...)": no list item
        ("awesome-production-ml.md", "LL201", 366),  # MTEB linking MLPerf Inference's repository
        ("awesome-machine-learning.md", "LL201", 808),  # DSP.jl twice, as DSP and SignalProcessing
        ("awesome-rust.md", "LL201", 1996),  # xilem twice, as linebender/xilem and xilem
        ("ml-papers-of-the-week.md", "LL205", 804),  # the NL2SQL survey's ID under another paper
        ("applied-ml.md", "LL202", 245),
        ("applied-ml.md", "LL201", 289),
        ("awesome-deep-learning-papers.md", "LL101", 356),
        ("awesome-mac.md", "LL501", 116),
        ("awesome-mac.md", "LL201", 999),
        ("awesome-mac.md", "LL101", 1414),
        ("awesome-machine-learning.md", "LL501", 41),
        ("awesome-machine-learning.md", "LL501", 127),
        ("awesome-machine-learning.md", "LL501", 128),
        ("awesome-machine-learning.md", "LL501", 157),
        ("awesome-machine-learning.md", "LL501", 158),
        ("awesome-machine-learning.md", "LL201", 1524),
        ("awesome-machine-learning.md", "LL201", 1613),
        ("awesome-production-ml.md", "LL501", 20),
        ("awesome-rust.md", "LL101", 774),
        ("awesome-rust.md", "LL101", 1652),
        ("llm-agent-papers.md", "LL201", 454),
        ("llmsys-paperlist.md", "LL501", 24),
        ("llmsys-paperlist.md", "LL201", 295),
        ("llmsys-paperlist.md", "LL201", 325),
        ("llmsys-paperlist.md", "LL205", 336),  # eLLM and another paper on one arXiv ID
        ("llmsys-paperlist.md", "LL205", 654),  # GMorph and HAP on one DOI
        ("llm-agent-papers.md", "LL205", 286),  # Voyager on FireAct's arXiv ID
        ("llmsys-paperlist.md", "LL101", 895),
        ("llmsys-paperlist.md", "LL101", 896),
        ("llmsys-paperlist.md", "LL101", 897),
    }
    other = {item for item in errors if item[0] != "seed.md"}
    assert other == judged_true
