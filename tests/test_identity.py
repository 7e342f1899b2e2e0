"""listlint.identity: one key per paper, whatever URL form a list uses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from listlint.identity import (
    arxiv_id,
    is_tracking_param,
    paper_identity,
    parse_arxiv,
    strip_tracking,
    tracking_params,
)
from listlint.urls import normalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2408.12757", ("2408.12757", None)),
        ("https://arxiv.org/pdf/2408.12757", ("2408.12757", None)),
        ("https://arxiv.org/pdf/2408.12757.pdf", ("2408.12757", None)),
        ("https://arxiv.org/pdf/2312.06902v1.pdf", ("2312.06902", 1)),
        ("https://arxiv.org/abs/2312.06902v12", ("2312.06902", 12)),
        ("https://arxiv.org/html/2407.08980v1", ("2407.08980", 1)),
        ("https://arxiv.org/html/2407.08980v1/#S3", ("2407.08980", 1)),
        ("https://arxiv.org/abs/2408.12757/", ("2408.12757", None)),
        ("http://arxiv.org/abs/0704.0001", ("0704.0001", None)),
        ("https://www.arxiv.org/abs/2408.03505", ("2408.03505", None)),
        ("https://export.arxiv.org/abs/2408.03505v2", ("2408.03505", 2)),
        ("http://xxx.lanl.gov/abs/hep-th/9901001", ("hep-th/9901001", None)),
        ("https://arxiv.org/abs/hep-th/9901001", ("hep-th/9901001", None)),
        ("https://arxiv.org/abs/cs/0112017v1", ("cs/0112017", 1)),
        ("https://arxiv.org/abs/math.GT/0309136", ("math.GT/0309136", None)),
        ("https://arxiv.org/pdf/2104.10350.pdf?fbclid=IwAR2o0", ("2104.10350", None)),
        ("HTTPS://ARXIV.ORG/abs/2408.12757", ("2408.12757", None)),
        ("https://arxiv.org/abs/2408.12757#comments", ("2408.12757", None)),
    ],
)
def test_arxiv_id_reads_every_form(url: str, expected: tuple[str, int | None]) -> None:
    assert arxiv_id(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/",
        "https://arxiv.org/list/cs.LG/recent",
        "https://arxiv.org/abs/2408.127571",  # one digit too many
        "https://arxiv.org/abs/24081.2757",
        "https://example.org/abs/2408.12757",
        "https://arxiv.org.evil.example/abs/2408.12757",
        "ftp://arxiv.org/abs/2408.12757",
        "not a url",
        "",
        "https://alphaxiv.org/abs/2408.12757",
    ],
)
def test_arxiv_id_rejects_other_urls(url: str) -> None:
    assert arxiv_id(url) is None


def test_parse_arxiv_locates_the_id_and_version_in_the_url() -> None:
    url = "https://www.arxiv.org/pdf/2312.06902v1.pdf?x=1"
    found = parse_arxiv(url)
    assert found is not None
    assert url[found.start : found.end] == "2312.06902v1"
    assert (found.view, found.host, found.suffix) == ("pdf", "www.arxiv.org", ".pdf")


@pytest.mark.parametrize(
    ("urls", "key"),
    [
        (
            [
                "https://arxiv.org/abs/2408.12757",
                "https://arxiv.org/pdf/2408.12757",
                "https://arxiv.org/pdf/2408.12757v3.pdf",
                "http://www.arxiv.org/html/2408.12757v1",
                "https://export.arxiv.org/abs/2408.12757?utm_source=x",
            ],
            "arxiv:2408.12757",
        ),
        (
            [
                "https://doi.org/10.1145/3600006.3613145",
                "http://dx.doi.org/10.1145/3600006.3613145",
                "https://dl.acm.org/doi/10.1145/3600006.3613145",
                "https://dl.acm.org/doi/pdf/10.1145/3600006.3613145",
                "https://dl.acm.org/doi/abs/10.1145/3600006.3613145",
                "https://dl.acm.org/doi/fullHtml/10.1145/3600006.3613145",
                "https://doi.org/10.1145/3600006.3613145/",
                "https://DOI.org/10.1145/3600006.3613145?utm_medium=email",
            ],
            "doi:10.1145/3600006.3613145",
        ),
        (
            [
                "https://doi.org/10.48550/arXiv.2408.12757",
                "https://doi.org/10.48550/ARXIV.2408.12757",
                "https://arxiv.org/abs/2408.12757",
            ],
            "arxiv:2408.12757",
        ),
        (
            [
                "https://github.com/vllm-project/vllm",
                "https://github.com/vllm-project/vllm/",
                "https://github.com/vllm-project/vllm.git",
                "https://github.com/vllm-project/vllm/tree/main",
                "http://www.github.com/VLLM-Project/VLLM",
                "https://github.com/vllm-project/vllm#readme",
            ],
            "github:vllm-project/vllm",
        ),
        (
            [
                "https://openreview.net/forum?id=rJ4km2R5t7",
                "https://openreview.net/pdf?id=rJ4km2R5t7",
                "https://openreview.net/forum?id=rJ4km2R5t7&noteId=abc",
            ],
            "openreview:rJ4km2R5t7",
        ),
    ],
)
def test_every_form_of_one_paper_has_one_identity(urls: list[str], key: str) -> None:
    assert {paper_identity(url) for url in urls} == {key}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://arxiv.org/abs/2408.12757", "https://arxiv.org/abs/2408.12758"),
        ("https://github.com/a/b", "https://github.com/a/c"),
        # A file or folder inside a repository is not the repository.
        ("https://github.com/a/b", "https://github.com/a/b/blob/main/paper.pdf"),
        ("https://github.com/a/b", "https://github.com/a/b/tree/main/examples"),
        ("https://github.com/a/b", "https://github.com/a/b/issues"),
        ("https://github.com/a", "https://github.com/a/b"),
        ("https://openreview.net/forum?id=A", "https://openreview.net/forum?id=a"),
        ("https://example.org/a?x=1", "https://example.org/a?x=2"),
        ("https://doi.org/10.1145/1", "https://doi.org/10.1145/2"),
    ],
)
def test_different_things_have_different_identities(a: str, b: str) -> None:
    assert paper_identity(a) != paper_identity(b)


def test_github_non_repository_pages_are_plain_urls() -> None:
    assert paper_identity("https://github.com/topics/llm") == "https://github.com/topics/llm"
    assert paper_identity("https://github.com/orgs/x/people") == "https://github.com/orgs/x/people"


def test_other_urls_fall_back_to_normalize_url_without_tracking() -> None:
    url = "http://www.Example.org/page/?utm_source=a&id=7&fbclid=x#top"
    assert paper_identity(url) == "https://example.org/page?id=7"
    assert paper_identity("https://example.org/a/") == normalize_url("https://example.org/a/")
    assert paper_identity("mailto:me@example.org") is None
    assert paper_identity("#anchor") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.org/p?utm_source=x", "https://a.org/p"),
        ("https://a.org/p?utm_source=x&utm_medium=y", "https://a.org/p"),
        ("https://a.org/p?a=1&utm_source=x&b=2", "https://a.org/p?a=1&b=2"),
        ("https://a.org/p?b=2&a=1&fbclid=F", "https://a.org/p?b=2&a=1"),
        ("https://a.org/p?fbclid=F#sec", "https://a.org/p#sec"),
        ("https://a.org/p?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref_src=twsrc", "https://a.org/p"),
        ("https://a.org/p?UTM_Source=x&q=A%20B", "https://a.org/p?q=A%20B"),
        ("https://a.org/p?ref=main", "https://a.org/p?ref=main"),
        ("https://a.org/p?si=1", "https://a.org/p?si=1"),
        ("https://youtu.be/abc?si=XYZ", "https://youtu.be/abc"),
        ("https://www.youtube.com/watch?v=abc&si=XYZ", "https://www.youtube.com/watch?v=abc"),
        ("https://a.org/p#frag?utm_source=x", "https://a.org/p#frag?utm_source=x"),
        ("https://a.org/p", "https://a.org/p"),
        ("https://a.org/p?", "https://a.org/p?"),
    ],
)
def test_strip_tracking_removes_only_tracking_params(url: str, expected: str) -> None:
    assert strip_tracking(url) == expected


def test_tracking_params_names_them_in_order() -> None:
    assert tracking_params("https://a.org/?fbclid=1&x=2&utm_source=3") == ["fbclid", "utm_source"]
    assert tracking_params("https://a.org/?x=2") == []
    assert is_tracking_param("utm_whatever")
    assert not is_tracking_param("id")
    assert is_tracking_param("s", "twitter.com") and not is_tracking_param("s", "example.org")


QUERY_NAMES = st.sampled_from(["a", "b", "id", "utm_source", "fbclid", "gclid", "q", "page"])
PAIRS = st.lists(st.tuples(QUERY_NAMES, st.text("xyz019%", max_size=4)), max_size=6)


@given(PAIRS, st.booleans())
def test_strip_tracking_keeps_the_rest_in_order_and_is_idempotent(
    pairs: list[tuple[str, str]], fragment: bool
) -> None:
    query = "&".join(f"{k}={v}" for k, v in pairs)
    url = "https://example.org/x" + (f"?{query}" if query else "") + ("#f" if fragment else "")
    stripped = strip_tracking(url)
    assert strip_tracking(stripped) == stripped
    kept = [f"{k}={v}" for k, v in pairs if not is_tracking_param(k)]
    assert stripped.endswith("#f") == fragment
    assert tracking_params(stripped) == []
    if kept:
        assert stripped.split("?", 1)[1].removesuffix("#f") == "&".join(kept)
    else:
        assert "?" not in stripped


@given(
    st.from_regex(r"\A(0[1-9]|1[0-9]|2[0-4])(0[1-9]|1[0-2])\.\d{5}\Z"),
    st.sampled_from(["abs/", "pdf/", "html/"]),
    st.one_of(st.none(), st.integers(1, 30)),
    st.sampled_from(["", ".pdf", "/"]),
    st.sampled_from(["arxiv.org", "www.arxiv.org", "export.arxiv.org"]),
)
def test_arxiv_roundtrip(number: str, view: str, version: int | None, suffix: str, host: str) -> None:
    pinned = f"v{version}" if version else ""
    url = f"https://{host}/{view}{number}{pinned}{suffix}"
    assert arxiv_id(url) == (number, version)
    assert paper_identity(url) == f"arxiv:{number}"
