"""The scholarly rules (LL711-LL718) on facts shaped like the gather stage's.

The sources' own behaviour against fake APIs is in test_scholar_sources.py;
here each rule reads a Facts object holding the sources' lookups, as in a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from fake_scholar import s2_record

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.document.model import Document
from listlint.gather.facts import Facts
from listlint.gather.sources import Lookup, MetadataSource
from listlint.net.sources.crossref import CrossrefSource
from listlint.net.sources.doi_registry import DoiRegistrySource
from listlint.net.sources.semantic_scholar import SemanticScholarSource, small_record
from listlint.pipeline import parse
from listlint.rules.base import RuleContext
from listlint.rules.registry import find_plugins, load_rules
from listlint.selection import select_rules
from listlint.services import Services
from listlint.source import Source

RULES = {rule.code: rule for rule in load_rules(find_plugins())}
SOURCES: dict[str, MetadataSource] = {
    "doi": DoiRegistrySource(),
    "crossref": CrossrefSource(),
    "semantic-scholar": SemanticScholarSource(),
}

SEED_STYLE = """\
# Serving
- [Fairness in Serving Large Language Models](https://arxiv.org/abs/2401.00588) | NSDI' 24
- [DistServe](https://arxiv.org/abs/2401.09670): Disaggregating Prefill and Decoding | OSDI' 23
- [Alpa](https://arxiv.org/abs/2201.12023): Automating Inter- and Intra-Operator Parallelism | OSDI' 22
- [Oobleck](https://arxiv.org/abs/2309.08125): Resilient Distributed Training of Large Models
- [FlexGen](https://arxiv.org/abs/2303.06865): High-throughput Generative Inference | ICML' 23
- [Flash-LLM](https://arxiv.org/abs/2309.10285): Unstructured Sparsity | VLDB' 24
- [ServerlessLLM](https://arxiv.org/abs/2401.14351): Locality-Enhanced Serverless Inference | OSDI' 24
- [Helix](https://arxiv.org/abs/2406.01566): Max-Flow on Heterogeneous GPUs | ASPLOS' 25
- [MoE-Lightning](https://arxiv.org/abs/2411.11217): High-Throughput MoE Inference | ASPLOS' 25
- [Orca workshop](https://arxiv.org/abs/2210.00001): A paper | MLSys' 23 Workshop
"""

# What Semantic Scholar answers for the papers above: planted defects and traps.
PAPERS: dict[str, dict[str, Any]] = {
    # Wrong venue tag: NSDI, really OSDI.
    "ARXIV:2401.00588": s2_record(
        "Fairness in Serving Large Language Models", "OSDI", 2024, arxiv="2401.00588"
    ),
    # Wrong venue year: OSDI' 23, really OSDI 2024.
    "ARXIV:2401.09670": s2_record(
        "DistServe",
        "USENIX Symposium on Operating Systems Design and Implementation",
        2024,
        arxiv="2401.09670",
    ),
    # Correct.
    "ARXIV:2201.12023": s2_record(
        "Alpa", "USENIX Symposium on Operating Systems Design and Implementation", 2022, arxiv="2201.12023"
    ),
    # Published preprint without a tag.
    "ARXIV:2309.08125": s2_record(
        "Oobleck",
        "Proceedings of the 29th Symposium on Operating Systems Principles",
        2023,
        arxiv="2309.08125",
    ),
    # Trap: arXiv-keyed record at the right venue with the preprint's year (2023 < ICML' 23? no: equal).
    "ARXIV:2303.06865": s2_record(
        "FlexGen", "International Conference on Machine Learning", 2023, arxiv="2303.06865"
    ),
    # Trap: journal form of a conference, dated the year before the meeting.
    "ARXIV:2309.10285": s2_record("Flash-LLM", "Proc. VLDB Endow.", 2023, arxiv="2309.10285"),
    # Trap: arXiv-only record: no evidence.
    "ARXIV:2401.14351": s2_record("ServerlessLLM", "arXiv.org", 2024, arxiv="2401.14351"),
    # Trap: null venue.
    "ARXIV:2406.01566": s2_record("Helix", "", 2024, arxiv="2406.01566"),
    # Trap: arXiv-keyed record with the published venue but the preprint's year (2024 for ASPLOS' 25).
    "ARXIV:2411.11217": s2_record("MoE-Lightning", "ASPLOS", 2024, arxiv="2411.11217"),
    # Trap: the tag is a workshop; the record names the main conference.
    "ARXIV:2210.00001": s2_record(
        "A paper", "Neural Information Processing Systems", 2023, arxiv="2210.00001"
    ),
}


def facts_for(document: Document, lookups: Mapping[str, Mapping[str, Lookup]]) -> Facts:
    return Facts(sources=SOURCES, lookups=lookups, documents=(document,))


def scholar_lookups(papers: Mapping[str, dict[str, Any] | None]) -> dict[str, Lookup]:
    return {
        key: Lookup("found", small_record(record)) if record else Lookup("missing")
        for key, record in papers.items()
    }


def run(code: str, text: str, lookups: Mapping[str, Mapping[str, Lookup]]) -> list[Diagnostic]:
    settings = Settings().with_values(select=[code])
    (active,) = select_rules([RULES[code]], settings, online=True)
    document = parse(Source(path="README.md", text=text))
    context = RuleContext(
        rule=active.rule,
        document=document,
        settings=settings,
        services=Services(settings),
        options=active.options,
        severity=active.severity,
        facts=facts_for(document, lookups),
    )
    return list(active.rule.check(document, context))  # type: ignore[arg-type]


def test_venue_mismatch_finds_the_planted_tag_and_none_of_the_traps() -> None:
    found = run("LL714", SEED_STYLE, {"semantic-scholar": scholar_lookups(PAPERS)})
    column = SEED_STYLE.splitlines()[1].index("NSDI") + 1
    assert [(d.line, d.column, d.end_column) for d in found] == [(2, column, column + 4)]
    assert "the tag says NSDI' 24" in found[0].message and "OSDI 2024" in found[0].message
    assert found[0].severity.value == "warning"


def test_year_mismatch_finds_the_planted_year_and_none_of_the_traps() -> None:
    found = run("LL716", SEED_STYLE, {"semantic-scholar": scholar_lookups(PAPERS)})
    assert [d.line for d in found] == [3]
    assert "OSDI' 23" in found[0].message and "OSDI 2024" in found[0].message


def test_a_doi_record_later_than_the_tag_is_reported_but_not_for_journal_backed_venues() -> None:
    text = (
        "- [SOSP paper](https://doi.org/10.1145/1.1): Title | SOSP' 24\n"
        "- [VLDB paper](https://doi.org/10.14778/2.2): Title | VLDB' 24\n"
    )
    papers = {
        "DOI:10.1145/1.1": s2_record("SOSP paper", "Symposium on Operating Systems Principles", 2023),
        "DOI:10.14778/2.2": s2_record("VLDB paper", "Proc. VLDB Endow.", 2023),
    }
    found = run("LL716", text, {"semantic-scholar": scholar_lookups(papers)})
    assert [d.line for d in found] == [1]


def test_published_preprint_is_off_by_default_and_fixes_in_the_list_style() -> None:
    assert RULES["LL715"].default is False
    assert select_rules([RULES["LL715"]], Settings(), online=True) == []
    assert select_rules([RULES["LL715"]], Settings().with_values(select=["LL7"]), online=True) == []
    found = run("LL715", SEED_STYLE, {"semantic-scholar": scholar_lookups(PAPERS)})
    assert [d.line for d in found] == [5]
    (finding,) = found
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    (edit,) = finding.fix.edits
    assert edit.content == " | SOSP' 23"
    line = SEED_STYLE.splitlines()[4]
    assert edit.column == len(line) + 1


def test_published_preprint_offers_no_fix_in_a_list_without_tags() -> None:
    text = "- [Oobleck](https://arxiv.org/abs/2309.08125): Resilient Distributed Training\n"
    found = run("LL715", text, {"semantic-scholar": scholar_lookups(PAPERS)})
    assert [(d.line, d.fix) for d in found] == [(1, None)]


def test_doi_not_registered_reports_only_a_definite_answer() -> None:
    text = (
        "- [A](https://dl.acm.org/doi/abs/10.1145/3600006.9999999): Title\n"
        "- [B](https://doi.org/10.1145/3600006.3613165): Title\n"
        "- [C](https://doi.org/10.1145/5.5): Title\n"
    )
    lookups = {
        "doi": {
            "10.1145/3600006.9999999": Lookup("missing", {"doi": "10.1145/3600006.9999999"}),
            "10.1145/3600006.3613165": Lookup("found", {"doi": "10.1145/3600006.3613165"}),
            "10.1145/5.5": Lookup("unchecked", reason="DOI registry answered HTTP 503"),
        }
    }
    found = run("LL711", text, lookups)
    assert [(d.line, d.severity.value) for d in found] == [(1, "error")]
    assert "10.1145/3600006.9999999 is not registered" in found[0].message


RIGHT = "Efficient Memory Management for Large Language Model Serving with PagedAttention"
TYPO = "Efficient Memory Managment for Large Language Model Serving with PagedAttention"
OTHER = "Orca: A Distributed Serving System for Transformer-Based Generative Models"


@pytest.mark.parametrize(
    ("code", "stated", "registered", "expected"),
    [
        ("LL712", RIGHT, RIGHT, []),
        ("LL712", RIGHT, OTHER, [1]),
        ("LL712", TYPO, RIGHT, []),
        ("LL713", TYPO, RIGHT, [1]),
        ("LL713", RIGHT, RIGHT, []),
        ("LL713", RIGHT, OTHER, []),
    ],
)
def test_doi_titles_against_crossref(code: str, stated: str, registered: str, expected: list[int]) -> None:
    text = f"- [{stated}](https://doi.org/10.1145/3600006.3613165) | SOSP' 23\n"
    record = {"doi": "10.1145/3600006.3613165", "title": registered, "container": "SOSP", "year": 2023}
    found = run(code, text, {"crossref": {"10.1145/3600006.3613165": Lookup("found", record)}})
    assert [d.line for d in found] == expected


def test_generic_link_text_is_not_compared_with_the_doi_title() -> None:
    text = "- [paper](https://doi.org/10.1145/3600006.3613165) Efficient Memory Management | SOSP' 23\n"
    record = {"doi": "10.1145/3600006.3613165", "title": "Something Else Entirely", "year": 2023}
    assert run("LL712", text, {"crossref": {"10.1145/3600006.3613165": Lookup("found", record)}}) == []


def test_unchecked_is_one_warning_per_source_and_run() -> None:
    text = (
        "- [A](https://arxiv.org/abs/2401.00588) | OSDI' 24\n" + "- [B](https://arxiv.org/abs/2401.09670)\n"
    )
    lookups = {
        "semantic-scholar": {
            "ARXIV:2401.00588": Lookup("unchecked", reason="HTTP 429"),
            "ARXIV:2401.09670": Lookup("unchecked", reason="HTTP 429"),
        }
    }
    found = run("LL718", text, lookups)
    assert len(found) == 1 and found[0].line == 1
    assert "Semantic Scholar did not answer: 2 papers not checked" in found[0].message


# -- end to end: the pipeline, the gather stage, fake APIs on 127.0.0.1 ---------

PLANTED = """\
# Systems
- [Fairness in Serving Large Language Models](https://arxiv.org/abs/2401.00588) | NSDI' 24
- [DistServe](https://arxiv.org/abs/2401.09670): Disaggregating Prefill and Decoding | OSDI' 23
- [Oobleck](https://arxiv.org/abs/2309.08125): Resilient Distributed Training of Large Models
- [Alpa](https://arxiv.org/abs/2201.12023): Automating Inter- and Intra-Operator Parallelism | OSDI' 22
- [PagedAttention](https://dl.acm.org/doi/abs/10.1145/3600006.9999999): Efficient Memory Management | SOSP' 23
- [PagedAttention](https://doi.org/10.1145/3341301.3359630): Memory Management for LLM Serving | SOSP' 23
- [ReAct](https://paperswithcode.com/paper/react) [[arXiv](https://arxiv.org/abs/2210.03629)]
- [FlexGen](https://arxiv.org/abs/2303.06865): High-throughput Generative Inference | ICML' 23
"""


def test_planted_defects_end_to_end_with_request_counts(tmp_path: Any) -> None:
    from fake_scholar import FakeScholar, ScholarData, crossref_item

    from listlint.pipeline import RunOptions, lint_paths

    data = ScholarData(
        registered={"10.1145/3341301.3359630"},
        crossref={
            "10.1145/3341301.3359630": crossref_item(
                "10.1145/3341301.3359630",
                "Orca: A Distributed Serving System for Transformer-Based Generative Models",
                "Proceedings of the 16th USENIX Symposium on Operating Systems Design and Implementation",
                2022,
            )
        },
        papers=PAPERS,
    )
    path = tmp_path / "README.md"
    path.write_text(PLANTED, encoding="utf-8")
    with FakeScholar(data) as url:
        settings = Settings().with_values(
            select=["LL7", "LL715"],
            ignore=["LL701", "LL702", "LL703", "LL704", "LL705", "LL706", "LL707", "LL708"],
            **{
                "doi-resolver-url": url,
                "crossref-api-url": url,
                "semantic-scholar-api-url": f"{url}/graph/v1",
                "allow-private-hosts": True,
                "cache": False,
            },
        )
        result = lint_paths([str(path)], settings, RunOptions(online=True))
    found = sorted((d.line, d.code) for d in result.diagnostics)
    assert found == [
        (2, "LL714"),  # wrong venue
        (3, "LL716"),  # wrong year
        (4, "LL715"),  # published preprint without a tag
        (6, "LL711"),  # unregistered DOI
        (7, "LL712"),  # a DOI whose title is another paper's
        (8, "LL717"),  # Papers with Code
    ]
    # One Semantic Scholar batch for all papers; one handle request per DOI; one Crossref batch.
    assert data.requests["batch"] == 1
    assert data.requests["handles"] == 2
    assert data.requests["works"] == 1
    notes = " ".join(str(note) for note in result.notes)
    assert "semantic-scholar" in notes and "doi" in notes


def long_names() -> dict[str, str]:
    """Per venue key, the longest scholarly name that maps to it (as Semantic Scholar writes them)."""
    import tomllib
    from importlib import resources

    data = tomllib.loads(
        resources.files("listlint").joinpath("data/scholarly_venues.toml").read_text("utf-8")
    )
    names: dict[str, str] = {}
    for name, key in data["names"].items():
        if len(name) > len(names.get(key, "")):
            names[key] = name
    return names


@pytest.mark.realworld
def test_records_that_agree_with_the_seed_tags_give_no_venue_finding(tmp_path: Any) -> None:
    """Semantic Scholar answers written from seed.md's own tags, in the long forms the
    API uses: the venue rules must find nothing (tag parsing and name mapping agree)."""
    from pathlib import Path

    from fake_scholar import FakeScholar, ScholarData

    from listlint.net.sources.scholarly_ids import paper_id
    from listlint.pipeline import RunOptions, lint_paths
    from listlint.venues import load_vocabulary, read_tags

    seed = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "seed.md"
    if not seed.exists():
        pytest.skip("corpora absent")
    document = parse(Source(path=str(seed), text=seed.read_text(encoding="utf-8")))
    vocabulary, names = load_vocabulary(), long_names()
    data = ScholarData()
    for entry in document.entries:
        key = next((paper_id(link.url) for link in entry.links if paper_id(link.url)), None)
        if key is None or entry.tags_span is None:
            continue
        mentions = [t.venue for t in read_tags(document, entry, vocabulary, 2026) if t.venue and t.venue.year]
        if len(mentions) != 1:
            continue
        venue = mentions[0]
        written = names.get(venue.venue.name, venue.venue.name)
        data.papers[key] = s2_record(entry.name, written, venue.year, arxiv=key.removeprefix("ARXIV:"))
    assert len(data.papers) >= 12
    with FakeScholar(data) as url:
        settings = Settings().with_values(
            select=["LL714", "LL716"],
            **{"semantic-scholar-api-url": f"{url}/graph/v1", "allow-private-hosts": True, "cache": False},
        )
        result = lint_paths([str(seed)], settings, RunOptions(online=True))
    assert [f"{d.line}: {d.message}" for d in result.diagnostics] == []
    assert data.requests["batch"] == 1


def test_a_registered_doi_settles_a_publisher_link_behind_a_bot_wall(tmp_path: Any) -> None:
    """dl.acm.org answers tools with a challenge page (403): with the DOI registered,
    the link is not crawled and gets no blocked-link finding; the unregistered one is
    an error and is not crawled either; a link without a DOI is crawled as usual."""
    import httpx
    from fake_scholar import FakeScholar, ScholarData

    from listlint.gather.stage import Network
    from listlint.pipeline import RunOptions, lint_paths

    crawled: list[str] = []

    def publisher(request: httpx.Request) -> httpx.Response:
        crawled.append(str(request.url))
        return httpx.Response(403, headers={"cf-mitigated": "challenge"}, text="Just a moment...")

    data = ScholarData(registered={"10.1145/3600006.3613165"})
    with FakeScholar(data) as url:
        port = int(url.rsplit(":", 1)[1])

        class Routing(httpx.AsyncBaseTransport):
            def __init__(self) -> None:
                self.real = httpx.AsyncHTTPTransport()
                self.mock = httpx.MockTransport(publisher)

            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.host == "127.0.0.1" and request.url.port == port:
                    return await self.real.handle_async_request(request)
                return await self.mock.handle_async_request(request)

            async def aclose(self) -> None:
                await self.real.aclose()

        path = tmp_path / "README.md"
        path.write_text(
            "- [PagedAttention](https://dl.acm.org/doi/abs/10.1145/3600006.3613165) | SOSP' 23\n"
            "- [Ghost](https://dl.acm.org/doi/10.1145/3600006.0000000) | SOSP' 23\n"
            "- [Xplore](https://ieeexplore.ieee.org/document/9355301) | HPCA' 21\n",
            encoding="utf-8",
        )
        settings = Settings().with_values(
            select=["LL6", "LL711"],
            **{"doi-resolver-url": url, "allow-private-hosts": True, "cache": False},
        )
        result = lint_paths(
            [str(path)], settings, RunOptions(online=True, network=Network(transport=Routing()))
        )
    assert [(d.line, d.code) for d in result.diagnostics] == [(2, "LL711"), (3, "LL603")]
    assert [u.split("/")[2] for u in crawled] == ["ieeexplore.ieee.org"] * len(crawled) and crawled
