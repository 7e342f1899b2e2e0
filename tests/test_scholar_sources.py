"""The scholarly sources against fake APIs on 127.0.0.1 (tests/fake_scholar.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import httpx
import pytest
from fake_scholar import FakeScholar, ScholarData, crossref_item, s2_record

from listlint.document.model import Link, Span
from listlint.gather.plain_http import PlainHttp
from listlint.gather.sources import Lookup, MetadataSource
from listlint.net.sources.crossref import CrossrefSource
from listlint.net.sources.doi_registry import DoiRegistrySource
from listlint.net.sources.published_venue import map_venue_name, published_venue
from listlint.net.sources.scholarly_ids import doi_in_url, paper_id
from listlint.net.sources.semantic_scholar import SemanticScholarSource


def link(url: str) -> Link:
    return Link(text="x", url=url, span=Span(0, 1), text_span=Span(0, 1), url_span=Span(0, 1))


def fetch(source: MetadataSource, keys: Sequence[str]) -> tuple[Mapping[str, Lookup], int]:
    async def run() -> tuple[Mapping[str, Lookup], int]:
        async with httpx.AsyncClient(timeout=5) as client:
            http = PlainHttp(client)
            return await source.fetch(keys, http), http.requests

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("url", "doi", "paper"),
    [
        ("https://doi.org/10.1145/3600006.3613165", "10.1145/3600006.3613165", "DOI:10.1145/3600006.3613165"),
        (
            "https://dx.doi.org/10.1145/3600006.3613165",
            "10.1145/3600006.3613165",
            "DOI:10.1145/3600006.3613165",
        ),
        ("https://dl.acm.org/doi/abs/10.1145/3600006.3613165", "10.1145/3600006.3613165", None),
        ("https://dl.acm.org/doi/pdf/10.1145/3600006.3613165", "10.1145/3600006.3613165", None),
        ("https://dl.acm.org/doi/full/10.1145/3600006.3613165#sec", "10.1145/3600006.3613165", None),
        (
            "https://link.springer.com/chapter/10.1007/978-3-031-19775-8_1",
            "10.1007/978-3-031-19775-8_1",
            None,
        ),
        ("https://link.springer.com/article/10.1007/s11263-015-0816-y", "10.1007/s11263-015-0816-y", None),
        ("https://onlinelibrary.wiley.com/doi/abs/10.1002/cpe.5574", "10.1002/cpe.5574", None),
        ("https://doi.org/10.48550/arXiv.2408.12757", "10.48550/arxiv.2408.12757", "ARXIV:2408.12757"),
        ("https://arxiv.org/pdf/2408.12757v2", None, "ARXIV:2408.12757"),
        ("https://ieeexplore.ieee.org/document/9355301", None, None),
        ("https://dl.acm.org/profile/81100", None, None),
        ("https://example.com/10.1145/3600006.3613165", None, None),
    ],
)
def test_identities_of_paper_links(url: str, doi: str | None, paper: str | None) -> None:
    assert doi_in_url(url) == doi
    if paper is not None or doi is None:
        assert paper_id(url) == paper
    else:
        assert paper_id(url) == f"DOI:{doi}"


def test_doi_registry_tells_registered_from_unknown_and_vouches_only_for_answers() -> None:
    data = ScholarData(registered={"10.1145/3600006.3613165"})
    source = DoiRegistrySource()
    with FakeScholar(data) as url:
        source.resolver = url
        found, requests = fetch(source, ["10.1145/3600006.3613165", "10.1145/0000000.0000000"])
    assert found["10.1145/3600006.3613165"].status == "found"
    assert found["10.1145/0000000.0000000"].status == "missing"
    assert requests == 2 == data.requests["handles"]
    page = link("https://dl.acm.org/doi/abs/10.1145/3600006.3613165")
    assert source.key(page) == "10.1145/3600006.3613165"
    assert source.vouches_for(page, found["10.1145/3600006.3613165"])
    assert not source.vouches_for(page, Lookup("unchecked"))
    assert source.ttl(Lookup("unchecked")) == 0


def test_doi_registry_garbage_or_no_server_is_unchecked_never_missing() -> None:
    data = ScholarData(broken={"handles"})
    with FakeScholar(data) as url:
        found, _ = fetch(DoiRegistrySource(resolver=url), ["10.1145/1.2"])
    assert found["10.1145/1.2"].status == "unchecked"
    found, _ = fetch(DoiRegistrySource(resolver="http://127.0.0.1:9"), ["10.1145/1.2"])
    assert found["10.1145/1.2"].status == "unchecked"


def test_crossref_asks_in_one_batch_and_reads_titles_and_venues() -> None:
    data = ScholarData(
        crossref={
            "10.1145/3600006.3613165": crossref_item(
                "10.1145/3600006.3613165",
                "Efficient Memory Management for Large Language Model Serving with PagedAttention",
                "Proceedings of the 29th Symposium on Operating Systems Principles",
                2023,
            )
        }
    )
    source = CrossrefSource(mailto="lists@example.org")
    with FakeScholar(data) as url:
        source.api = url
        found, requests = fetch(source, ["10.1145/3600006.3613165", "10.5281/zenodo.1"])
    assert requests == 1
    record = found["10.1145/3600006.3613165"].record
    assert record["title"].startswith("Efficient Memory Management")
    assert record["year"] == 2023
    assert map_venue_name(record["container"], record["year"]) == "SOSP"
    assert found["10.5281/zenodo.1"].status == "missing"  # not Crossref's: no evidence either way
    agent = data.seen_headers[0]["user-agent"]
    assert "mailto:lists@example.org" in agent
    assert source.key(link("https://doi.org/10.48550/arXiv.2408.12757")) is None  # DataCite's


def test_crossref_malformed_answer_is_unchecked() -> None:
    data = ScholarData(broken={"works"})
    with FakeScholar(data) as url:
        found, _ = fetch(CrossrefSource(api=url), ["10.1145/1.2"])
    assert found["10.1145/1.2"].status == "unchecked"


def test_semantic_scholar_batch_in_order_with_nulls() -> None:
    data = ScholarData(
        papers={
            "ARXIV:2408.12757": s2_record(
                "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
                "USENIX Symposium on Operating Systems Design and Implementation",
                2025,
                arxiv="2408.12757",
                alternates=("OSDI",),
            )
        }
    )
    source = SemanticScholarSource(backoff=0)
    with FakeScholar(data) as url:
        source.api = f"{url}/graph/v1"
        found, requests = fetch(source, ["ARXIV:2408.12757", "ARXIV:2401.00001"])
    assert requests == 1
    record = found["ARXIV:2408.12757"].record
    assert record["arxiv"] == "2408.12757"
    published = published_venue([record["venue"], record["venue_name"], *record["venue_alternates"]], 2025)
    assert published is not None and published.venue == "OSDI" and not published.workshop
    assert found["ARXIV:2401.00001"].status == "missing"


def test_semantic_scholar_retries_429_with_backoff_then_answers() -> None:
    data = ScholarData(papers={"ARXIV:2401.00588": s2_record("Fairness", "OSDI", 2024)}, s2_busy=2)
    source = SemanticScholarSource(backoff=0.01, retries=3)
    with FakeScholar(data) as url:
        source.api = f"{url}/graph/v1"
        found, requests = fetch(source, ["ARXIV:2401.00588"])
    assert found["ARXIV:2401.00588"].status == "found"
    assert requests == 3 == data.requests["batch"]


def test_semantic_scholar_that_will_not_answer_is_unchecked_after_bounded_retries() -> None:
    data = ScholarData(s2_busy=100, s2_retry_after="0")
    source = SemanticScholarSource(backoff=0.01, retries=2)
    with FakeScholar(data) as url:
        source.api = f"{url}/graph/v1"
        found, requests = fetch(source, ["ARXIV:2401.00588", "DOI:10.1145/1.2"])
    assert {lookup.status for lookup in found.values()} == {"unchecked"}
    assert requests == 3


def test_semantic_scholar_garbage_is_unchecked() -> None:
    data = ScholarData(broken={"batch"})
    with FakeScholar(data) as url:
        found, _ = fetch(SemanticScholarSource(api=f"{url}/graph/v1"), ["ARXIV:2401.00588"])
    assert found["ARXIV:2401.00588"].status == "unchecked"


@pytest.mark.parametrize(
    ("names", "year", "venue", "workshop"),
    [
        (["Symposium on Operating Systems Principles"], 2023, "SOSP", False),
        (["Proceedings of the 29th Symposium on Operating Systems Principles"], 2023, "SOSP", False),
        (["USENIX Annual Technical Conference"], 2024, "ATC", False),
        (["Proc. VLDB Endow."], 2024, "VLDB", False),
        (["PVLDB"], 2024, "VLDB", False),
        (["Proc. ACM Manag. Data"], 2024, "SIGMOD", False),
        (["ASPLOS (2)"], 2024, "ASPLOS", False),
        (["NIPS"], 2017, "NeurIPS", False),
        (["Neural Information Processing Systems", "NeurIPS"], 2023, "NeurIPS", False),
        (["NeurIPS Workshop on Efficient Natural Language", "NeurIPS"], 2023, "NeurIPS", True),
    ],
)
def test_published_venue_maps_scholarly_names(
    names: list[str], year: int, venue: str, workshop: bool
) -> None:
    published = published_venue(names, year)
    assert published is not None
    assert (published.venue, published.workshop) == (venue, workshop)


@pytest.mark.parametrize(
    ("names", "year"),
    [
        (["arXiv.org"], 2024),
        (["ArXiv"], 2024),
        ([""], 2024),
        (["Proc. ACM Manag. Data"], 2021),  # before SIGMOD's papers moved there
        (["Asian Conference on Computer Vision"], 2022),  # not a venue we know
        (["XYZ Technical Conference"], 2022),
        (["Machine Learning"], 2020),  # the journal, not ICML
        (["OSDI", "NSDI"], 2024),  # names that disagree: ambiguous
    ],
)
def test_published_venue_declines_what_is_no_evidence(names: list[str], year: int) -> None:
    assert published_venue(names, year) is None
