"""The GitHub source in a whole online run: the gather stage, the crawl, the cache, the CLI.

github.com itself is a server on 127.0.0.1 (a transport sends github.com
requests there), so the test sees which links were crawled and what headers
reached the site.  The token must reach the API's origin only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_github import FakeGithub, FakeRepo, Sniffer

from listlint.cli import main
from listlint.config import Settings
from listlint.gather.stage import Network
from listlint.pipeline import RunOptions, lint_paths

TOKEN = "fake-token-0123456789"
REPOS = (
    FakeRepo("gin-gonic/gin"),
    FakeRepo("acme-labs/oldcli", archived_at="2021-03-04T10:00:00Z"),
    FakeRepo("new-owner/newname"),
)
LIST = (
    "# Tools\n\n"
    "- [gin](https://github.com/gin-gonic/gin) - Framework.\n"
    "- [gin docs](https://github.com/gin-gonic/gin/blob/master/docs/doc.md#quick-start) - Docs.\n"
    "- [gone](https://github.com/acme-labs/fastqueue) - Deleted.\n"
    "- [gone file](https://github.com/acme-labs/fastqueue/blob/main/q.go) - Deleted too.\n"
    "- [oldcli](https://github.com/acme-labs/oldcli) - Archived.\n"
    "- [moved](https://github.com/old-owner/oldname) - Renamed.\n"
    "- [features](https://github.com/features/actions) - A GitHub page.\n"
)


class ToSite(httpx.AsyncBaseTransport):
    """Sends every github.com request to ``site`` (the test's github.com)."""

    def __init__(self, site: str) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.site = httpx.URL(site)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (request.url.host or "").removeprefix("www.") == "github.com":
            request.url = request.url.copy_with(scheme="http", host=self.site.host, port=self.site.port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def api() -> Iterator[FakeGithub]:
    with FakeGithub.of(*REPOS, renames={"old-owner/oldname": "new-owner/newname"}, token=TOKEN) as fake:
        yield fake


@pytest.fixture
def site() -> Iterator[Sniffer]:
    with Sniffer() as server:
        yield server


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_TOKEN", "GITHUB_GRAPHQL_URL", "GITHUB_API_URL", "GITHUB_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)


def run(path: Path, api: FakeGithub, site: Sniffer, cache: Path, **values: Any) -> Any:
    settings = Settings(
        values={"github-graphql-url": api.url, "cache-dir": str(cache), "max-retries": 0, **values}
    )
    options = RunOptions(online=True, network=Network(transport=ToSite(site.url)))
    return lint_paths([str(path)], settings, options)


def codes(result: Any) -> list[tuple[int, str]]:
    return sorted((d.line, d.name) for d in result.diagnostics)


def test_one_request_exact_verdicts_and_only_deep_links_crawled(
    api: FakeGithub, site: Sniffer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    listing = tmp_path / "README.md"
    listing.write_text(LIST, encoding="utf-8")
    result = run(listing, api, site, tmp_path / "cache")
    assert codes(result) == [
        (5, "github-repo-not-found"),
        (6, "github-repo-not-found"),
        (7, "github-repo-archived"),
        (8, "github-repo-renamed"),
    ]
    assert len(api.requests) == 1 and api.requests[0].authorization == f"bearer {TOKEN}"
    # Crawled: the deep link of a found repository and GitHub's own page; never a vouched link.
    assert len(site.authorizations) == 2
    assert site.authorizations == [None, None]
    notes = [str(note) for note in result.notes]
    assert any(note.startswith("github: 4 repositories, 0 from the cache, 1 request") for note in notes), (
        notes
    )
    assert not any(TOKEN in note for note in notes)


def test_a_warm_cache_makes_no_request(
    api: FakeGithub, site: Sniffer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    listing = tmp_path / "README.md"
    listing.write_text(LIST, encoding="utf-8")
    first = run(listing, api, site, tmp_path / "cache")
    asked = len(api.requests)
    second = run(listing, api, site, tmp_path / "cache")
    assert len(api.requests) == asked == 1
    assert codes(second) == codes(first)
    cached = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert TOKEN.encode() not in cached


def test_without_a_token_the_pages_are_crawled_and_a_note_says_why(
    api: FakeGithub, site: Sniffer, tmp_path: Path
) -> None:
    listing = tmp_path / "README.md"
    listing.write_text(LIST, encoding="utf-8")
    result = run(listing, api, site, tmp_path / "cache")
    assert api.requests == []
    assert len(site.authorizations) == 7  # every link, page by page
    notes = [str(note) for note in result.notes if note.source == "github"]
    assert len(notes) == 1 and "6 repository links" in notes[0] and "GITHUB_TOKEN" in notes[0]
    assert not any(d.name.startswith("github-") for d in result.diagnostics)


def test_an_api_outage_is_one_warning_and_the_links_are_crawled(
    api: FakeGithub, site: Sniffer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    api.failures = [502] * 10
    listing = tmp_path / "README.md"
    listing.write_text(LIST, encoding="utf-8")
    result = run(listing, api, site, tmp_path / "cache")
    assert [d.name for d in result.diagnostics] == ["github-unchecked"]
    assert len(site.authorizations) == 7 and set(site.authorizations) == {None}
    assert "4 repositories" in result.diagnostics[0].message


def test_a_redirecting_api_gets_no_token_elsewhere(
    api: FakeGithub, site: Sniffer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with Sniffer() as elsewhere:
        api.redirect_to = elsewhere.url
        listing = tmp_path / "README.md"
        listing.write_text(LIST, encoding="utf-8")
        result = run(listing, api, site, tmp_path / "cache")
        assert set(elsewhere.authorizations) <= {None}
    assert [d.name for d in result.diagnostics] == ["github-unchecked"]
    assert set(site.authorizations) == {None}


def test_the_cli_never_prints_the_token(
    api: FakeGithub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LIST_BOT_TOKEN", TOKEN)
    api.failures = [401]
    (tmp_path / ".git").mkdir()
    (tmp_path / ".listlint.toml").write_text(
        f'github-token-env = "LIST_BOT_TOKEN"\ngithub-graphql-url = "{api.url}"\n', encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(LIST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    outputs = []
    for form in ("json", "text", "github", "sarif"):
        main(["check", "--online", "--select", "LL8", "--no-cache", "--output-format", form, "README.md"])
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    assert all(TOKEN not in output for output in outputs)
    report = json.loads(outputs[0])
    assert [d["name"] for d in report["diagnostics"]] == ["github-unchecked"]
    api.failures = []
    main(["check", "--online", "--select", "LL8", "--no-cache", "--output-format", "json", "README.md"])
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err
    names = sorted(d["name"] for d in json.loads(captured.out)["diagnostics"])
    assert names == [
        "github-repo-archived",
        "github-repo-not-found",
        "github-repo-not-found",
        "github-repo-renamed",
    ]
