"""The LL7xx arXiv metadata rules against a fake arXiv API on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fake_arxiv import FakeArxiv, FakeRecord
from markdown_it import MarkdownIt

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.pipeline import RunOptions, lint_paths, lint_text

DOCS = Path(__file__).resolve().parent.parent / "rules"
ARXIV_RULES = (
    "arxiv-not-found",
    "arxiv-title-mismatch",
    "arxiv-title-typo",
    "arxiv-withdrawn",
    "arxiv-pinned-version",
    "venue-year-mismatch",
    "arxiv-unchecked",
    "arxiv-name-not-in-title",
)

NANOFLOW = FakeRecord(
    "2408.12757",
    "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
    versions=3,
    published="2024-08-22T17:12:51Z",
)
DISTSERVE = FakeRecord(
    "2401.09670",
    "DistServe: Disaggregating Prefill and Decoding for Goodput-optimized Large Language Model Serving",
    versions=3,
    published="2024-01-18T07:38:25Z",
)
HELIX = FakeRecord(
    "2406.01566",
    "Helix: Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs",
    published="2024-06-03T17:32:52Z",
)
FLEXGEN = FakeRecord(
    "2303.06865",
    "FlexGen: High-Throughput Generative Inference of Large Language Models with a Single GPU",
    versions=2,
    published="2023-03-13T05:19:28Z",
)
PERSEUS = FakeRecord(
    "2312.06902",
    "Perseus: Reducing Energy Bloat in Large Model Training",
    versions=3,
    published="2023-12-12T01:59:37Z",
)
ALPA = FakeRecord(
    "2201.12023",
    "Alpa: Automating Inter- and Intra-Operator Parallelism for Distributed Deep Learning",
    versions=3,
    published="2022-01-28T10:13:35Z",
)
ALPASERVE = FakeRecord(
    "2302.11665",
    "AlpaServe: Statistical Multiplexing with Model Parallelism for Deep Learning Serving",
    versions=2,
    published="2023-02-22T10:04:17Z",
)
WITHDRAWN = FakeRecord(
    "2402.00001",
    "A Result That Did Not Hold",
    versions=2,
    published="2024-02-01T00:00:00Z",
    comment="This paper has been withdrawn by the authors due to an error in Lemma 2",
)
RECORDS = (NANOFLOW, DISTSERVE, HELIX, FLEXGEN, PERSEUS, ALPA, ALPASERVE, WITHDRAWN)


@pytest.fixture
def api() -> Iterator[FakeArxiv]:
    with FakeArxiv.of(*RECORDS) as fake:
        yield fake


def settings_for(api: FakeArxiv | str, **values: Any) -> Settings:
    url = api if isinstance(api, str) else api.url
    values = {"arxiv_api_url": url, "arxiv_delay": 0.0, "cache": False, "select": ["LL7"], **values}
    return Settings().with_values(**values)


def check(text: str, api: FakeArxiv | str, **values: Any) -> list[Diagnostic]:
    return lint_text(text, settings_for(api, **values), options=RunOptions(online=True))


def found(diagnostics: list[Diagnostic]) -> list[tuple[int, str]]:
    return [(d.line, d.name) for d in diagnostics]


# -- each rule ---------------------------------------------------------------


def test_a_correct_list_yields_nothing(api: FakeArxiv) -> None:
    text = (
        "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Large Language Model "
        "Serving Throughput | OSDI' 25\n"
        "- [Efficient Memory Management for Large Language Model Serving with PagedAttention]"
        "(https://arxiv.org/pdf/2401.09670.pdf) | UCB\n"
        "- [FlexGen](https://arxiv.org/abs/2303.06865): High-throughput Generative Inference of Large "
        "Language Models with a Single GPU | ICML' 23\n"
        "- [Alpa](https://arxiv.org/abs/2201.12023) | OSDI' 22\n"
        "- [paper](https://arxiv.org/abs/2406.01566)\n"
    )
    result = check(text, api)
    # The second entry's text is no title of DistServe: reported, nothing else is.
    assert found(result) == [(2, "arxiv-title-mismatch")]


def test_not_found_malformed_and_missing_version(api: FakeArxiv) -> None:
    text = (
        "- [Ghost](https://arxiv.org/abs/2401.99999): A Paper That Was Never Posted\n"
        "- [Month 13](https://arxiv.org/abs/2413.01234): Not an ID\n"
        "- [NanoFlow](https://arxiv.org/abs/2408.12757v7): Towards Optimal Large Language Model "
        "Serving Throughput\n"
        "- [Six Digits](https://arxiv.org/pdf/2401.123456.pdf): Not an ID Either\n"
        "- [Listing](https://arxiv.org/list/cs.DC/recent): Not a paper link\n"
    )
    result = check(text, api)
    assert found(result) == [
        (1, "arxiv-not-found"),
        (2, "arxiv-not-found"),
        (3, "arxiv-not-found"),
        (4, "arxiv-not-found"),
    ]
    assert "2401.123456 is not a valid arXiv ID" in result[3].message
    assert "arXiv has no paper 2401.99999" in result[0].message
    assert "not a valid arXiv ID" in result[1].message
    assert "no version 7" in result[2].message
    # The malformed ID is never sent; the absent one is asked once more, on its own,
    # before it is called missing (the API drops entries under load).
    assert api.ids_asked == ["2401.99999", "2408.12757", "2401.99999"]


def test_title_mismatch_typo_and_shortened(api: FakeArxiv) -> None:
    text = (
        "- [NanoFlow](https://arxiv.org/abs/2406.01566): Towards Optimal Large Language Model "
        "Serving Throughput\n"
        "- [FlexGen](https://arxiv.org/abs/2303.06865): High-throughput Generative Inference of Large "
        "Language Modls with a Single GPU\n"
        "- [Helix](https://arxiv.org/abs/2406.01566): Distributed Serving of Large Language Models\n"
    )
    result = check(text, api)
    assert found(result) == [(1, "arxiv-title-mismatch"), (2, "arxiv-title-typo"), (3, "arxiv-title-typo")]
    assert result[0].severity == "error" and "Helix: Distributed Serving" in result[0].message
    assert result[0].column == 4  # the link text
    assert "differs slightly" in result[1].message
    assert "shortened" in result[2].message


def test_swapped_ids_are_both_mismatches_naming_each_other(api: FakeArxiv) -> None:
    # The two titles share many words; alone, each could be a renamed paper.
    text = (
        "- [NanoFlow](https://arxiv.org/abs/2401.09670): Towards Optimal Large Language Model "
        "Serving Throughput\n"
        "- [DistServe](https://arxiv.org/abs/2408.12757): Disaggregating Prefill and Decoding for "
        "Goodput-optimized Large Language Model Serving\n"
    )
    result = check(text, api)
    assert found(result) == [(1, "arxiv-title-mismatch"), (2, "arxiv-title-mismatch")]
    assert "that of arXiv:2408.12757, linked at line 2" in result[0].message
    assert "that of arXiv:2401.09670, linked at line 1" in result[1].message


def test_short_names(api: FakeArxiv) -> None:
    text = (
        "- [Alpa](https://arxiv.org/abs/2201.12023)\n"  # in the title: fine
        "- [AlpaServe](https://arxiv.org/abs/2406.01566)\n"  # not in it, no other paper's name
        "- [FlexGenn](https://arxiv.org/abs/2303.06865)\n"  # nearly in it: a typo
    )
    result = check(text, api)
    assert found(result) == [(2, "arxiv-name-not-in-title"), (3, "arxiv-title-typo")]
    assert result[0].severity == "info"


def test_a_short_name_of_another_listed_paper_is_a_mismatch(api: FakeArxiv) -> None:
    text = "- [Alpa](https://arxiv.org/abs/2302.11665)\n- [AlpaServe](https://arxiv.org/abs/2201.12023)\n"
    assert found(check(text, api)) == [(1, "arxiv-title-mismatch"), (2, "arxiv-title-mismatch")]


def test_withdrawn_is_a_warning_and_nothing_else(api: FakeArxiv) -> None:
    text = "- [Gone](https://arxiv.org/abs/2402.00001v1): Something Else Entirely About Cats\n"
    result = check(text, api)
    assert found(result) == [(1, "arxiv-withdrawn")]
    assert result[0].severity == "warning" and "withdrawn by the authors" in result[0].message


def test_pinned_version_is_fixed_to_the_unversioned_url(api: FakeArxiv, tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(
        "- [Perseus](https://arxiv.org/pdf/2312.06902v1.pdf): Reducing Energy Bloat in "
        "Large Model Training\n"
        "- [Helix](https://arxiv.org/abs/2406.01566v1): Distributed Serving of Large "
        "Language Models via Max-Flow on Heterogeneous GPUs\n",
        encoding="utf-8",
    )
    result = lint_paths([str(path)], settings_for(api), RunOptions(online=True, fix=True))
    file = result.files[0]
    assert [(d.line, d.name) for d in file.fixed] == [(1, "arxiv-pinned-version")]
    assert "pins v1 of arXiv:2312.06902, but v3 is the latest" in file.fixed[0].message
    assert file.fixed_text is not None
    assert "https://arxiv.org/pdf/2312.06902.pdf)" in file.fixed_text
    assert "2406.01566v1" in file.fixed_text  # v1 is Helix's latest: nothing to say


@pytest.mark.parametrize(
    ("venue", "published", "reported"),
    [
        ("OSDI' 22", "2024-08-22T17:12:51Z", True),
        ("OSDI' 24", "2024-08-22T17:12:51Z", False),
        ("NeurIPS 2023", "2024-01-20T10:00:00Z", False),  # within the 60 days' tolerance
        ("NeurIPS 2023", "2024-03-05T10:00:00Z", True),
        ("ICML'23", "2024-03-05T10:00:00Z", True),
        ("NAIC' 22", "2024-03-05T10:00:00Z", True),  # a venue the vocabulary does not know
        ("Stanford & UCB", "2024-03-05T10:00:00Z", False),
    ],
)
def test_venue_year(venue: str, published: str, reported: bool) -> None:
    record = FakeRecord("2408.12757", NANOFLOW.title, published=published)
    text = (
        f"- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Large Language Model "
        f"Serving Throughput | {venue}\n"
    )
    with FakeArxiv.of(record) as fake:
        result = check(text, fake)
    assert found(result) == ([(1, "venue-year-mismatch")] if reported else [])
    if reported:
        assert result[0].column == text.index(venue) + 1


def test_venue_year_tolerance_is_an_option(api: FakeArxiv) -> None:
    text = (
        "- [NanoFlow](https://arxiv.org/abs/2408.12757): Towards Optimal Large Language Model "
        "Serving Throughput | OSDI' 23\n"
    )
    assert found(check(text, api)) == [(1, "venue-year-mismatch")]
    relaxed = {"rules": {"venue-year-mismatch": {"tolerance-days": 400}}}
    assert found(check(text, api, **relaxed)) == []


# -- talking to the API ------------------------------------------------------


def many_ids(count: int) -> list[FakeRecord]:
    return [FakeRecord(f"2401.{10000 + i}", f"Paper Number {i}: On Things") for i in range(count)]


def entries_for(records: list[FakeRecord]) -> str:
    return "".join(
        f"- [Paper Number {i}](https://arxiv.org/abs/{r.id}): On Things\n" for i, r in enumerate(records)
    )


def test_600_links_cost_3_requests() -> None:
    records = many_ids(600)
    with FakeArxiv.of(*records) as fake:
        result = check(entries_for(records), fake)
    assert result == []
    assert len(fake.requests) == 3
    assert sorted(fake.ids_asked) == sorted(r.id for r in records)


def test_ids_of_every_file_go_into_one_request(api: FakeArxiv, tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("- [Alpa](https://arxiv.org/abs/2201.12023)\n", encoding="utf-8")
    second.write_text(
        "- [AlpaServe](https://arxiv.org/abs/2302.11665)\n- [Alpa](https://arxiv.org/abs/2201.12023)\n",
        encoding="utf-8",
    )
    result = lint_paths([str(first), str(second)], settings_for(api), RunOptions(online=True))
    assert result.diagnostics == []
    assert [ids for _, ids in api.requests] == [["2201.12023", "2302.11665"]]
    (note,) = [note for note in result.notes if note.source == "arxiv" and "requests" in note.counts]
    assert note.counts["requests"] == 1 and str(note) == "arxiv: 2 IDs, 0 from the cache, 1 request"


def test_requests_keep_the_configured_spacing() -> None:
    records = many_ids(9)
    with FakeArxiv.of(*records) as fake:
        check(entries_for(records), fake, arxiv_batch_size=3, arxiv_delay=0.3)
    times = [t for t, _ in fake.requests]
    assert len(times) == 3
    assert all(b - a >= 0.29 for a, b in zip(times, times[1:], strict=False))


def test_503_is_retried(api: FakeArxiv) -> None:
    api.failures = [503, 503]
    text = "- [Alpa](https://arxiv.org/abs/2302.11665)\n"
    assert found(check(text, api, arxiv_retries=3)) == [(1, "arxiv-name-not-in-title")]
    assert len(api.requests) == 3


def test_retry_after_is_honoured(api: FakeArxiv) -> None:
    api.failures, api.retry_after = [503], "0.4"
    check("- [Alpa](https://arxiv.org/abs/2201.12023)\n", api, arxiv_delay=0.01)
    (first, _), (second, _) = api.requests
    assert second - first >= 0.39


def test_an_api_that_keeps_failing_is_one_warning(api: FakeArxiv) -> None:
    api.failures = [503] * 10
    text = (
        "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
        "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n"
    )
    result = check(text, api, arxiv_retries=2)
    assert found(result) == [(1, "arxiv-unchecked")]
    assert result[0].severity == "warning"
    assert result[0].message.startswith("arXiv metadata not checked for 2 entries")
    assert "HTTP 503" in result[0].message
    assert len(api.requests) == 3


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


def test_an_unreachable_api_is_one_warning_over_every_file(tmp_path: Path) -> None:
    paths = []
    for name in ("a.md", "b.md"):
        path = tmp_path / name
        path.write_text(
            "- [Alpa](https://arxiv.org/abs/2201.12023)\n- [FlexGen](https://arxiv.org/abs/2303.06865)\n",
            encoding="utf-8",
        )
        paths.append(str(path))
    result = lint_paths(paths, settings_for(closed_port_url(), arxiv_retries=1), RunOptions(online=True))
    assert [(Path(d.path).name, d.line, d.name) for d in result.diagnostics] == [
        ("a.md", 1, "arxiv-unchecked")
    ]
    assert "not checked for 4 entries in 2 files" in result.diagnostics[0].message
    assert any(
        str(note).startswith("arxiv: 2 IDs not checked: cannot connect to the arXiv API")
        for note in result.notes
    )


def test_an_answer_that_is_no_feed_is_unreachable_not_not_found(api: FakeArxiv) -> None:
    api.garbage = "<html><body>Please sign in to the Wi-Fi</body>"
    text = "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
    assert found(check(text, api, arxiv_retries=1)) == [(1, "arxiv-unchecked")]


def test_a_400_for_one_id_costs_that_id_only(api: FakeArxiv) -> None:
    # The API may reject an ID that looks well-formed (0808.05394 has a 5-digit
    # number before 2015); the rest of the batch is still checked.
    api.rejected = {"2303.06865"}
    text = (
        "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
        "- [FlexGen](https://arxiv.org/abs/2303.06865)\n"
        "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n"
    )
    result = check(text, api)
    assert found(result) == [(2, "arxiv-not-found"), (3, "arxiv-not-found")]
    assert "not a valid arXiv ID" in result[0].message
    # The error names the ID: no bisection needed; the absent ID is asked once more on its own.
    assert [ids for _, ids in api.requests] == [
        ["2201.12023", "2303.06865", "2401.99999"],
        ["2201.12023", "2401.99999"],
        ["2401.99999"],
    ]


def test_an_error_entry_with_status_200_costs_that_id_only(api: FakeArxiv) -> None:
    # The arxiv package drops the error entry (it has no <published>); the feed
    # announced one entry more than it parsed, so the batch is split to find it.
    api.rejected, api.error_status = {"2303.06865"}, 200
    text = (
        "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
        "- [FlexGen](https://arxiv.org/abs/2303.06865)\n"
        "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n"
    )
    result = check(text, api)
    assert found(result) == [(2, "arxiv-not-found"), (3, "arxiv-not-found")]
    assert len(api.requests) <= 5


def test_the_cache_makes_a_second_run_free(api: FakeArxiv, tmp_path: Path) -> None:
    text = (
        "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
        "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n"
    )
    cached = {"cache": True, "cache_dir": str(tmp_path / "cache")}
    first = check(text, api, **cached)
    assert len(api.requests) == 2  # the ghost is asked twice before it is called missing
    second = check(text, api, **cached)
    assert len(api.requests) == 2
    assert found(first) == found(second) == [(2, "arxiv-not-found")]


def test_the_environment_variable_overrides_the_config(
    api: FakeArxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LISTLINT_ARXIV_API_URL", api.url)
    text = "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n"
    assert found(check(text, closed_port_url())) == [(1, "arxiv-not-found")]
    assert len(api.requests) == 2  # asked, then asked again on its own


def test_only_changed_lines_are_queried(api: FakeArxiv, tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(
        "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
        "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n",
        encoding="utf-8",
    )
    options = RunOptions(online=True, changed_lines={str(path): frozenset({1})})
    assert lint_paths([str(path)], settings_for(api), options).diagnostics == []
    assert api.ids_asked == ["2201.12023"]


def test_only_this_shards_links_are_queried(api: FakeArxiv) -> None:
    text = entries_for(list(RECORDS))
    asked = []
    for shard in ("1/2", "2/2"):
        api.requests.clear()
        check(text, api, shard=shard)
        asked.append(set(api.ids_asked))
    assert asked[0] and asked[1] and not asked[0] & asked[1]
    assert asked[0] | asked[1] == {r.id for r in RECORDS}


def test_offline_runs_do_not_touch_the_api(api: FakeArxiv) -> None:
    text = "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n"
    assert lint_text(text, settings_for(api), options=RunOptions(online=False)) == []
    assert api.requests == []


# -- the doc pages' examples ---------------------------------------------------


def examples(name: str) -> dict[str, str]:
    page = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    fences = {}
    for token in MarkdownIt("commonmark").parse(page):
        words = token.info.split() if token.type == "fence" else []
        if len(words) >= 2 and words[0] == "markdown":
            fences[words[1]] = token.content
    return fences


@pytest.mark.parametrize("name", ARXIV_RULES)
def test_doc_examples_hold_online(api: FakeArxiv, name: str) -> None:
    pages = examples(name)
    if name == "arxiv-unchecked":
        failing = check(pages["failing"], closed_port_url(), arxiv_retries=0)
    else:
        failing = check(pages["failing"], api)
    assert {d.name for d in failing} == {name}, [d.message for d in failing]
    assert check(pages["fixed"], api) == []


# -- the link rules' skip hook ---------------------------------------------------


fetched_at: dict[str, float] = {}


def crawled_with_link_rules(
    text: str, api_url: str, monkeypatch: pytest.MonkeyPatch, **values: Any
) -> tuple[list[str], list[Diagnostic]]:
    """Lint with the LL6 link rules too, the run's transport a mock for every host but the
    API's (which goes to the fake on 127.0.0.1); the URLs the crawl fetched."""
    import httpx

    from listlint.gather.stage import Network

    fetched: list[str] = []
    api_port = urlsplit(api_url).port

    def answer(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        fetched_at[str(request.url)] = time.monotonic()
        return httpx.Response(
            200, headers={"Content-Type": "text/html"}, stream=httpx.ByteStream(b"<html>ok</html>")
        )

    class Routing(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.real = httpx.AsyncHTTPTransport()
            self.mock = httpx.MockTransport(answer)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "127.0.0.1" and request.url.port == api_port:
                return await self.real.handle_async_request(request)
            return await self.mock.handle_async_request(request)

        async def aclose(self) -> None:
            await self.real.aclose()

    options = RunOptions(online=True, network=Network(transport=Routing()))
    result = lint_text(text, settings_for(api_url, select=["LL6", "LL7"], **values), options=options)
    # The link rules' own findings are their tests' business; here: what was crawled.
    return fetched, [d for d in result if d.code.startswith("LL7")]


def test_links_the_api_confirmed_are_not_crawled(api: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
        "- [AlpaServe](https://arxiv.org/pdf/2302.11665v2)\n"
        "- [FlexGen](https://arxiv.org/html/2303.06865)\n"  # an /html/ view may not exist
        "- [Ghost](https://arxiv.org/abs/2401.99999): Never Posted\n"
        "- [Site](https://example.org/)\n"
    )
    fetched, result = crawled_with_link_rules(text, api.url, monkeypatch)
    assert {url.split("//")[1].split("/", 1)[1] for url in fetched} >= {
        "html/2303.06865",
        "abs/2401.99999",
        "",
    }
    assert not any("2201.12023" in url or "2302.11665" in url for url in fetched)
    assert found(result) == [(4, "arxiv-not-found")]


def test_without_the_api_arxiv_links_are_crawled(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "- [Alpa](https://arxiv.org/abs/2201.12023)\n"
    fetched, result = crawled_with_link_rules(text, closed_port_url(), monkeypatch, arxiv_retries=0)
    assert any("2201.12023" in url for url in fetched)
    assert found(result) == [(1, "arxiv-unchecked")]


def test_a_slow_arxiv_api_holds_up_only_arxiv_links(api: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    api.latency = 0.8
    text = "- [Alpa](https://arxiv.org/abs/2201.12023)\n- [Site](https://example.org/)\n"
    fetched, _ = crawled_with_link_rules(text, api.url, monkeypatch)
    ((asked, _),) = api.requests
    assert fetched == ["https://example.org/"]
    assert fetched_at["https://example.org/"] < asked + api.latency / 2
