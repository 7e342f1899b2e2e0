"""Planted defects in a real paper list, against a fake arXiv API (skipped without corpora).

The fake records take each entry's own stated title, except that an entry
that is only a short name (``[Alpa](url)``) gets a longer title (as on arXiv),
and five papers get the titles arXiv really shows today, which differ from
the list's (renamed in a later version).  Then four kinds of defects are
planted; exactly those must be found, and nothing else may be a mismatch or
a not-found.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_arxiv import FakeArxiv, FakeRecord

from listlint.config import Settings
from listlint.document import parse_document
from listlint.identity import parse_arxiv
from listlint.net.arxiv_titles import normalize_title
from listlint.pipeline import RunOptions, lint_paths
from listlint.rules.arxiv_review import stated_of
from listlint.source import Source

# Real current arXiv titles that differ from what the list states.
RENAMED = {
    "2402.01869": "InferCept: Efficient Intercept Support for Augmented Large Language Model Inference",
    "2403.19708": "Cost-Efficient Large Language Model Serving for Multi-turn Conversations with "
    "CachedAttention",
    "2404.02015": "MuxServe: Flexible Spatial-Temporal Multiplexing for Multiple LLM Serving",
    "2406.01566": "Helix: Serving Large Language Models over Heterogeneous GPUs and Network via Max-Flow",
    "2312.06902": "Perseus: Reducing Energy Bloat in Large Model Training",
}
SWAP = ("2308.16369", "2401.09670")  # SARATHI <-> DistServe
GHOST = ("2401.11240", "2401.11249")  # CaraServe's ID, one digit off
WITHDRAWN = "2404.16283"  # Andes
TYPO = (
    "Punica](https://arxiv.org/abs/2310.18547): Multi-Tenant LoRA Serving",
    "Punica](https://arxiv.org/abs/2310.18547): Multi-Tenant LoRA Servng",
)


def records_for(text: str) -> dict[str, FakeRecord]:
    document = parse_document(Source(path="seed.md", text=text))
    records: dict[str, FakeRecord] = {}
    for entry in document.entries:
        for link in entry.links:
            parsed = parse_arxiv(link.url)
            if parsed is None or parsed.id in records:
                continue
            stated = stated_of(entry)
            title = entry.title
            short = len(normalize_title(stated.name).split()) <= 4
            if link is not entry.primary_link or (not stated.composed and short):
                title = f"{stated.name}: Efficient Systems for Large Models"
            records[parsed.id] = FakeRecord(
                parsed.id,
                RENAMED.get(parsed.id, title),
                versions=parsed.version or 1,
                published=f"20{parsed.id[:2]}-{parsed.id[2:4]}-15T12:00:00Z",
            )
    return records


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def plant(text: str) -> str:
    first, second = SWAP
    text = text.replace(first, "SWAPPED").replace(second, first).replace("SWAPPED", second)
    text = text.replace(GHOST[0], GHOST[1])
    assert TYPO[0] in text
    return text.replace(TYPO[0], TYPO[1])


def test_planted_defects_in_the_seed_list(corpora: Path, tmp_path: Path) -> None:
    original = (corpora / "seed.md").read_text(encoding="utf-8")
    records = records_for(original)
    records[WITHDRAWN].comment = "This paper has been withdrawn by the author due to a crucial error"
    records[WITHDRAWN].versions += 1
    del records[GHOST[0]]
    planted = plant(original)
    path = tmp_path / "README.md"
    path.write_text(planted, encoding="utf-8")

    with FakeArxiv(records=records) as api:
        settings = Settings().with_values(
            arxiv_api_url=api.url, arxiv_delay=0.0, cache=False, select=["LL70"]
        )
        result = lint_paths([str(path)], settings, RunOptions(online=True))
    found = {(d.line, d.name) for d in result.diagnostics}

    expected = {
        (line_of(planted, f"abs/{SWAP[1]}): Efficient LLM Inference"), "arxiv-title-mismatch"),
        (line_of(planted, f"abs/{SWAP[0]}): Disaggregating"), "arxiv-title-mismatch"),
        (line_of(planted, GHOST[1]), "arxiv-not-found"),
        (line_of(planted, WITHDRAWN), "arxiv-withdrawn"),
        (line_of(planted, TYPO[1]), "arxiv-title-typo"),
    }
    assert expected <= found
    serious = {f for f in found if f[1] in ("arxiv-title-mismatch", "arxiv-not-found", "arxiv-withdrawn")}
    assert serious == {f for f in expected if f[1] != "arxiv-title-typo"}
    # The renamed papers are at most title differences (info), never mismatches.
    renamed_lines = {
        number
        for number, line in enumerate(planted.splitlines(), 1)
        if any(arxiv_id in line for arxiv_id in RENAMED)
    }
    others = found - expected
    assert others <= {(line, "arxiv-title-typo") for line in renamed_lines}, sorted(others)
    # 100 and some IDs: one request (batches of 200), and the planted ghost asked once more alone.
    ids = len(
        {
            parse_arxiv(link.url).id
            for link in parse_document(  # type: ignore[union-attr]
                Source(path="x", text=planted)
            ).links
            if parse_arxiv(link.url)
        }
    )
    assert -(-ids // 200) == 1
    assert [len(asked) for _, asked in api.requests] == [ids, 1]
    assert api.requests[1][1] == [GHOST[1]]


@pytest.mark.parametrize("name", ["llmsys-paperlist.md", "awesome-llm.md"])
def test_a_faithful_api_finds_nothing_wrong_in_real_lists(corpora: Path, tmp_path: Path, name: str) -> None:
    text = (corpora / name).read_text(encoding="utf-8")
    records = records_for(text)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with FakeArxiv(records=records) as api:
        settings = Settings().with_values(
            arxiv_api_url=api.url, arxiv_delay=0.0, cache=False, select=["LL701", "LL702", "LL704", "LL707"]
        )
        result = lint_paths([str(path)], settings, RunOptions(online=True))
    # One real defect: llmsys-paperlist links eLLM to the ID of the entry above it.
    copied = "[eLLM](https://arxiv.org/abs/2506.14851)"
    expected = [(line_of(text, copied), "arxiv-title-mismatch")] if copied in text else []
    assert [(d.line, d.name) for d in result.diagnostics] == expected
    assert len(api.requests) == -(-len(records) // 200)
