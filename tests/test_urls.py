"""URL splitting and normalisation: the regex fast path agrees with ``urlsplit``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listlint.urls import PLAIN_WEB_URL_RE, UrlParts, host_of, normalize_url, split_web_url


def reference_parts(url: str) -> UrlParts | None:
    """What ``urllib.parse.urlsplit`` alone says (the behaviour the fast path must keep)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return UrlParts(parts.scheme.lower(), host, port, parts.path, parts.query, parts.fragment)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2408.12757", UrlParts("https", "arxiv.org", None, "/abs/2408.12757", "", "")),
        (
            "HTTP://WWW.Example.COM:8080/a/?q=1&r#frag#more",
            UrlParts("http", "www.example.com", 8080, "/a/", "q=1&r", "frag#more"),
        ),
        ("https://host?q", UrlParts("https", "host", None, "", "q", "")),
        ("https://host", UrlParts("https", "host", None, "", "", "")),
        ("https://user@host/p", UrlParts("https", "host", None, "/p", "", "")),
        ("https://[::1]:8443/p", UrlParts("https", "::1", 8443, "/p", "", "")),
        ("https://例え.jp/パス", UrlParts("https", "例え.jp", None, "/パス", "", "")),
    ],
)
def test_split_web_url_gives_the_parts(url: str, expected: UrlParts) -> None:
    assert split_web_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "ftp://host/file",
        "mailto:a@b.example",
        "#anchor",
        "relative/path",
        "https://host:99999/",
        "https://[::1/",
    ],
)
def test_split_web_url_refuses_other_schemes_and_bad_urls(url: str) -> None:
    assert split_web_url(url) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://www.Example.com/page/", "https://example.com/page#section"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("https://example.com/?", "https://example.com"),
    ],
)
def test_normalize_url_ignores_what_does_not_change_the_page(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)


def test_normalize_url_keeps_path_query_and_odd_ports() -> None:
    assert normalize_url("https://example.com/a?x=1") != normalize_url("https://example.com/a?x=2")
    assert normalize_url("https://example.com:8080/a") == "https://example.com:8080/a"
    assert normalize_url("https://host:99999/a") == "https://host:99999/a"  # kept as written


def test_host_of_reads_any_scheme() -> None:
    assert host_of(" https://GitHub.com/a/b ") == "github.com"
    assert host_of("ftp://Files.Example/x") == "files.example"
    assert host_of("not a url") == ""


@pytest.mark.realworld
def test_the_fast_path_takes_real_list_urls(corpora: Path) -> None:
    urls = re.findall(r"\]\((https?://[^)\s]+)\)", (corpora / "awesome-go.md").read_text(encoding="utf-8"))
    assert len(urls) > 3000
    fast = [url for url in urls if PLAIN_WEB_URL_RE.fullmatch(url)]
    assert len(fast) > 0.98 * len(urls)
    for url in urls:
        assert split_web_url(url) == reference_parts(url), url


URL_PIECES = st.sampled_from(
    [
        "http",
        "https",
        "HTTPS",
        "ftp",
        ":",
        "//",
        "/",
        "www.",
        "Example",
        "com",
        ".",
        "-",
        "@",
        "[",
        "]",
        "::1",
        "8080",
        "99999",
        "0",
        "?",
        "#",
        "&",
        "=",
        "%20",
        " ",
        "\t",
        "\n",
        "\x7f",
        "é",
        "例",
        "\u00a0",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(URL_PIECES, max_size=14).map("".join))
def test_split_web_url_agrees_with_urlsplit(url: str) -> None:
    assert split_web_url(url) == reference_parts(url)


PLAINISH = st.builds(
    "{}://{}{}{}{}{}".format,
    st.sampled_from(["http", "https", "HtTp"]),
    st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9.-]{0,8}", fullmatch=True),
    st.sampled_from(["", ":80", ":443", ":0", ":65535", ":65536", ":", ":x"]),
    st.sampled_from(["", "/", "/a", "/a/", "//", "/a?b"]),
    st.sampled_from(["", "?", "?q=1", "?q#", "??"]),
    st.sampled_from(["", "#", "#f", "#f?g#h"]),
)


@settings(max_examples=1500, deadline=None)
@given(PLAINISH)
def test_plain_urls_split_like_urlsplit(url: str) -> None:
    assert split_web_url(url) == reference_parts(url)


def reference_normalize(url: str) -> str:
    """normalize_url as first written, on urlsplit and urlunsplit alone."""
    from urllib.parse import urlsplit, urlunsplit

    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port if parts.port not in (None, 80, 443) else None
    except ValueError:
        return url
    netloc = f"{host}:{port}" if port else host
    return urlunsplit(("https", netloc, parts.path.rstrip("/"), parts.query, ""))


@settings(max_examples=1500, deadline=None)
@given(st.one_of(PLAINISH, st.lists(URL_PIECES, max_size=14).map("".join)))
def test_normalize_url_agrees_with_the_urlsplit_version(url: str) -> None:
    assert normalize_url(url) == reference_normalize(url)
