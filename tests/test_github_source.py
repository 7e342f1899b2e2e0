"""The GitHub source against a fake GraphQL API on 127.0.0.1 (tests/fake_github.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pytest
from fake_github import FakeGithub, FakeRepo, Sniffer

from listlint.config import Settings
from listlint.document.model import Link, Span
from listlint.gather.plain_http import PlainHttp
from listlint.gather.sources import Lookup, MetadataSource
from listlint.net.sources.github import GithubSource, github_source, parse_repo_link

TOKEN = "fake-token-0123456789"

REPOS = (
    FakeRepo("gin-gonic/gin"),
    FakeRepo("golang/dep", archived_at="2020-09-08T17:56:23Z"),
    FakeRepo("spf13/cobra"),
    FakeRepo("gone/disabled", disabled=True),
    FakeRepo("new-owner/new-name"),
    FakeRepo("empty/repo", default_branch=None),
)
RENAMES = {"old-owner/old-name": "new-owner/new-name"}


def link(url: str) -> Link:
    return Link(text="x", url=url, span=Span(0, 1), text_span=Span(0, 1), url_span=Span(0, 1))


def source(api: FakeGithub | str, **kwargs: Any) -> GithubSource:
    url = api if isinstance(api, str) else api.url
    return GithubSource(token=TOKEN, graphql_url=url, **kwargs)


def fetch(src: GithubSource, keys: Sequence[str], *, follow_redirects: bool = False) -> Mapping[str, Lookup]:
    async def run() -> Mapping[str, Lookup]:
        async with httpx.AsyncClient(follow_redirects=follow_redirects) as client:
            http = PlainHttp(client)
            found: dict[str, Lookup] = {}
            # The gather stage hands over at most batch_size keys per call, maybe concurrently.
            calls = [
                src.fetch(keys[i : i + src.batch_size], http) for i in range(0, len(keys), src.batch_size)
            ]
            for answer in await asyncio.gather(*calls):
                found.update(answer)
            return found

    return asyncio.run(run())


@pytest.fixture
def api() -> Any:
    with FakeGithub.of(*REPOS, renames=dict(RENAMES), token=TOKEN) as fake:
        yield fake


# -- keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://github.com/gin-gonic/gin", "gin-gonic/gin"),
        ("https://github.com/Gin-Gonic/Gin/", "gin-gonic/gin"),
        ("http://www.github.com/gin-gonic/gin.git", "gin-gonic/gin"),
        ("https://github.com/gin-gonic/gin/blob/master/README.md#L10", "gin-gonic/gin"),
        ("https://github.com/gin-gonic/gin/tree/master/binding", "gin-gonic/gin"),
        ("https://github.com/gin-gonic/gin/releases/tag/v1.9.1", "gin-gonic/gin"),
        ("https://github.com/gin-gonic/gin/issues/3", "gin-gonic/gin"),
        ("https://github.com/gin-gonic/gin/pull/12", "gin-gonic/gin"),
        ("https://github.com/gin-gonic/gin?tab=readme-ov-file#installation", "gin-gonic/gin"),
        ("https://github.com/actions/checkout", "actions/checkout"),
        ("https://github.com/features/actions", None),
        ("https://github.com/orgs/golang/repositories", None),
        ("https://github.com/sponsors/spf13", None),
        ("https://github.com/topics/go", None),
        ("https://github.com/marketplace/actions/setup-go", None),
        ("https://github.com/settings/tokens", None),
        ("https://github.com/about/careers", None),
        ("https://github.com/spf13", None),
        ("https://github.com/", None),
        ("https://gist.github.com/spf13/0123456789abcdef", None),
        ("https://raw.githubusercontent.com/spf13/cobra/main/README.md", None),
        ("https://spf13.github.io/cobra", None),
        ("https://api.github.com/repos/spf13/cobra", None),
        ("https://github.com:8443/spf13/cobra", None),
        ("https://user@github.com/spf13/cobra", None),
        ("ftp://github.com/spf13/cobra", None),
        ("https://notgithub.com/spf13/cobra", None),
    ],
)
def test_key(url: str, key: str | None) -> None:
    assert GithubSource(token=TOKEN).key(link(url)) == key


def test_a_source_is_a_metadata_source() -> None:
    assert isinstance(GithubSource(token=TOKEN), MetadataSource)


def test_offsets_of_the_repository_in_the_url() -> None:
    url = "https://www.github.com/Old-Owner/Old-Name.git#readme"
    found = parse_repo_link(url)
    assert found is not None
    assert url[slice(*found.owner_at)] == "Old-Owner"
    assert url[slice(*found.name_at)] == "Old-Name"


# -- answers ---------------------------------------------------------------------


def test_one_request_answers_found_missing_renamed_archived_disabled(api: FakeGithub) -> None:
    keys = [
        "gin-gonic/gin",
        "golang/dep",
        "gone/disabled",
        "old-owner/old-name",
        "nobody/nothing",
        "empty/repo",
    ]
    found = fetch(source(api), keys)
    assert len(api.requests) == 1 and api.requests[0].aliases == len(keys)
    assert {k: v.status for k, v in found.items()} == {
        "gin-gonic/gin": "found",
        "golang/dep": "found",
        "gone/disabled": "found",
        "old-owner/old-name": "found",
        "nobody/nothing": "missing",
        "empty/repo": "found",
    }
    assert found["golang/dep"].record["isArchived"] is True
    assert found["golang/dep"].record["archivedAt"] == "2020-09-08T17:56:23Z"
    assert found["gin-gonic/gin"].record["isArchived"] is False
    assert found["gone/disabled"].record["isDisabled"] is True
    assert found["old-owner/old-name"].record["nameWithOwner"] == "new-owner/new-name"
    assert found["gin-gonic/gin"].record["defaultBranch"] == "main"
    assert found["empty/repo"].record["defaultBranch"] is None
    assert found["gin-gonic/gin"].record["stargazerCount"] == 42


def test_batches_of_at_most_100_one_at_a_time(api: FakeGithub) -> None:
    api.latency = 0.02
    keys = [f"owner{i}/repo{i}" for i in range(250)]
    src = source(api)
    found = fetch(src, keys)
    assert [seen.aliases for seen in api.requests] == [100, 100, 50]
    assert api.most_in_flight == 1
    assert {lookup.status for lookup in found.values()} == {"missing"}
    assert src.requests == 3 and src.notes() == []


def test_impossible_names_are_answered_offline(api: FakeGithub) -> None:
    keys = ["a/b c", "-owner/repo", "owner/..", "o" * 40 + "/repo", "owner/" + "r" * 101]
    found = fetch(source(api), keys)
    assert api.requests == []
    assert {lookup.status for lookup in found.values()} == {"missing"}


def test_forbidden_is_unchecked_not_missing(api: FakeGithub) -> None:
    api.forbidden = {"spf13/cobra"}
    found = fetch(source(api), ["spf13/cobra", "gin-gonic/gin", "nobody/nothing"])
    assert found["spf13/cobra"].status == "unchecked"
    assert found["gin-gonic/gin"].status == "found"
    assert found["nobody/nothing"].status == "missing"


# -- rate limits -------------------------------------------------------------------


def test_never_asks_beyond_the_rate_limit(api: FakeGithub) -> None:
    api.remaining = 2
    keys = ["gin-gonic/gin", *[f"owner{i}/repo{i}" for i in range(349)]]
    src = source(api)
    found = fetch(src, keys)
    assert len(api.requests) == 2 and api.over_limit == 0
    statuses = [found[k].status for k in keys]
    assert statuses[:200].count("unchecked") == 0
    assert set(statuses[200:]) == {"unchecked"}
    assert "rate limit" in found[keys[-1]].reason
    stopped = [note.message for note in src.notes() if "stopped" in note.message]
    assert stopped == [
        f"stopped asking the GitHub API: rate limit used up (resets at {'2030-03-17T17:46:40Z'})"
    ]


def test_a_used_up_quota_is_unchecked_and_asked_once(api: FakeGithub) -> None:
    api.remaining = 0
    found = fetch(source(api), [f"owner{i}/repo{i}" for i in range(300)])
    assert len(api.requests) == 1
    assert {lookup.status for lookup in found.values()} == {"unchecked"}


def test_secondary_rate_limit_waits_for_retry_after(api: FakeGithub) -> None:
    api.secondary = ["1"]
    started = time.monotonic()
    found = fetch(source(api), ["gin-gonic/gin", "nobody/nothing"])
    assert time.monotonic() - started >= 0.9
    assert found["gin-gonic/gin"].status == "found"
    assert found["nobody/nothing"].status == "missing"
    assert [seen.status for seen in api.requests] == [403, 200]


@pytest.mark.parametrize("status", [403, 429])
def test_a_long_secondary_rate_limit_stops_asking(api: FakeGithub, status: int) -> None:
    api.secondary = ["600"]
    api.secondary_status = status
    started = time.monotonic()
    found = fetch(source(api, max_wait=30.0), [f"owner{i}/repo{i}" for i in range(250)])
    assert time.monotonic() - started < 5
    assert len(api.requests) == 1
    assert {lookup.status for lookup in found.values()} == {"unchecked"}
    assert "secondary rate limit" in next(iter(found.values())).reason


# -- failures ----------------------------------------------------------------------


def test_a_502_is_retried_once(api: FakeGithub) -> None:
    api.failures = [502]
    found = fetch(source(api), ["gin-gonic/gin", "nobody/nothing"])
    assert found["gin-gonic/gin"].status == "found"
    assert found["nobody/nothing"].status == "missing"


def test_an_api_that_keeps_failing_is_unchecked_and_left_alone(api: FakeGithub) -> None:
    api.failures = [502] * 100
    src = source(api)
    found = fetch(src, [f"owner{i}/repo{i}" for i in range(500)])
    assert {lookup.status for lookup in found.values()} == {"unchecked"}
    assert len(api.requests) == 4  # two batches, two attempts each; then it stops asking
    assert any("stopped asking" in note.message for note in src.notes())


@pytest.mark.parametrize(
    "garbage",
    [
        "<html>Sign in to your network</html>",
        '{"data": null}',
        '{"data": {"r0": {"name": "no nameWithOwner"}}}',
        '{"errors": [{"message": "Something went wrong while executing your query."}]}',
        "[1, 2, 3]",
        '{"data": {}, "errors": "NOT_FOUND"}',
    ],
)
def test_garbage_is_unchecked_never_missing(api: FakeGithub, garbage: str) -> None:
    api.garbage = garbage
    found = fetch(source(api), ["gin-gonic/gin", "nobody/nothing"])
    assert {lookup.status for lookup in found.values()} == {"unchecked"}


def test_no_server_is_unchecked() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    found = fetch(source(f"http://127.0.0.1:{port}/graphql"), ["gin-gonic/gin"])
    assert found["gin-gonic/gin"].status == "unchecked"


def test_a_refused_token_is_unchecked(api: FakeGithub) -> None:
    api.token = "another-token"
    src = source(api)
    found = fetch(src, [f"owner{i}/repo{i}" for i in range(300)])
    assert len(api.requests) == 1
    assert {lookup.status for lookup in found.values()} == {"unchecked"}
    assert "401" in next(iter(found.values())).reason


# -- the token ---------------------------------------------------------------------


def test_the_token_goes_to_the_api_and_nowhere_else(api: FakeGithub) -> None:
    with Sniffer() as elsewhere:
        api.redirect_to = elsewhere.url
        src = source(api)
        found = fetch(src, ["gin-gonic/gin"], follow_redirects=True)
        assert elsewhere.authorizations == [None]
    assert api.requests[0].authorization == f"bearer {TOKEN}"
    assert found["gin-gonic/gin"].status == "unchecked"
    seen = [repr(src), *(n.message for n in src.notes()), *(str(v) for v in found.values())]
    assert not any(TOKEN in text for text in seen)


def test_a_redirect_is_not_an_answer(api: FakeGithub) -> None:
    with Sniffer() as elsewhere:
        api.redirect_to = elsewhere.url
        found = fetch(source(api), ["gin-gonic/gin"])
        assert elsewhere.authorizations == []
    assert found["gin-gonic/gin"].status == "unchecked"


# -- vouching ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "vouched"),
    [
        ("https://github.com/gin-gonic/gin", True),
        ("https://github.com/gin-gonic/gin/", True),
        ("https://github.com/gin-gonic/gin.git", True),
        ("https://github.com/gin-gonic/gin#readme", True),
        ("https://github.com/gin-gonic/gin/tree/main", True),
        ("https://github.com/gin-gonic/gin/releases", True),
        ("https://github.com/gin-gonic/gin/tree/develop", False),
        ("https://github.com/gin-gonic/gin/blob/main/README.md", False),
        ("https://github.com/gin-gonic/gin/blob/main/gin.go#L10", False),
        ("https://github.com/gin-gonic/gin/issues/3", False),
        ("https://github.com/gin-gonic/gin/wiki", False),
    ],
)
def test_a_found_repository_vouches_for_its_root_pages(url: str, vouched: bool) -> None:
    found = Lookup("found", {"nameWithOwner": "gin-gonic/gin", "defaultBranch": "main"})
    assert GithubSource(token=TOKEN).vouches_for(link(url), found) is vouched


def test_missing_vouches_and_unchecked_does_not() -> None:
    src = GithubSource(token=TOKEN)
    deep = link("https://github.com/nobody/nothing/blob/main/x.py")
    assert src.vouches_for(deep, Lookup("missing")) is True
    assert src.vouches_for(link("https://github.com/a/b"), Lookup("unchecked")) is False


def test_ttl_per_outcome() -> None:
    src = GithubSource(token=TOKEN, found_ttl=100.0, missing_ttl=10.0)
    assert src.ttl(Lookup("found", {"nameWithOwner": "a/b"})) == 100.0
    assert src.ttl(Lookup("missing")) == 10.0
    assert src.ttl(Lookup("unchecked")) == 0.0


# -- the factory -------------------------------------------------------------------


def test_without_a_token_the_source_is_inactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert github_source(Settings()) is None
    note = github_source.inactive_note(Settings(), [link("https://github.com/a/b"), link("https://x.org")])
    assert note is not None and "GITHUB_TOKEN" in note.message and "1 repository link " in note.message
    assert github_source.inactive_note(Settings(), [link("https://github.com/features")]) is None


def test_the_factory_reads_token_and_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GITHUB_GRAPHQL_URL", raising=False)
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    made = github_source(Settings())
    assert made is not None and made.graphql_url == "https://api.github.com/graphql"
    assert github_source.inactive_note(Settings(), [link("https://github.com/a/b")]) is None
    assert TOKEN not in repr(made)
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://ghe.example.com")
    made = github_source(Settings())
    assert made is not None and made.graphql_url == "https://ghe.example.com/api/graphql"
    assert made.key(link("https://ghe.example.com/tools/linter")) == "tools/linter"
    assert made.key(link("https://github.com/tools/linter")) is None
    monkeypatch.setenv("GITHUB_GRAPHQL_URL", "https://ghe.example.com/api/graphql-env")
    made = github_source(Settings())
    assert made is not None and made.graphql_url.endswith("/graphql-env")
    configured = Settings(values={"github-graphql-url": "http://127.0.0.1:9/graphql"})
    made = github_source(configured)
    assert made is not None and made.graphql_url == "http://127.0.0.1:9/graphql"


def test_a_token_that_cannot_be_a_header_is_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "two words")
    assert github_source(Settings()) is None
    monkeypatch.setenv("GITHUB_TOKEN", "line\nbreak")
    assert github_source(Settings()) is None


def test_github_token_env_names_another_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("LIST_BOT_TOKEN", TOKEN)
    settings = Settings(values={"github-token-env": "LIST_BOT_TOKEN"})
    assert github_source(settings) is not None
    assert github_source(Settings()) is None


def test_options_are_validated() -> None:
    from listlint.config import OPTIONS as options

    with pytest.raises(ValueError, match="environment variable"):
        options["github-token-env"].clean("NOT A NAME")
    with pytest.raises(ValueError, match="http"):
        options["github-graphql-url"].clean("file:///etc/passwd")


# -- the fake speaks GitHub's shapes -------------------------------------------------


def test_the_fake_answers_in_githubs_documented_shape(api: FakeGithub) -> None:
    query = (
        "query { rateLimit { cost remaining resetAt } "
        'a: repository(owner: "gin-gonic", name: "gin") { nameWithOwner } '
        'b: repository(owner: "nobody", name: "nothing") { nameWithOwner } '
        'c: repository(owner: "old-owner", name: "old-name") { nameWithOwner } }'
    )
    answer = httpx.post(api.url, json={"query": query}, headers={"Authorization": f"bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["x-ratelimit-resource"] == "graphql"
    body = answer.json()
    assert body["data"]["a"] == {"nameWithOwner": "gin-gonic/gin"}
    assert body["data"]["b"] is None
    assert body["data"]["c"] == {"nameWithOwner": "new-owner/new-name"}
    assert body["data"]["rateLimit"] == {"cost": 1, "remaining": 4999, "resetAt": "2030-03-17T17:46:40Z"}
    assert body["errors"] == [
        {
            "type": "NOT_FOUND",
            "message": "Could not resolve to a Repository with the name 'nobody/nothing'.",
            "locations": [{"line": 1, "column": 111}],
            "path": ["b"],
        }
    ]
    bad = httpx.post(api.url, json={"query": query}, headers={"Authorization": "bearer wrong"})
    assert bad.status_code == 401 and bad.json()["message"] == "Bad credentials"
