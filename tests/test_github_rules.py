"""The GitHub rules (LL801-LL806) on facts the GitHub source fetched from the fake API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_github import FakeGithub, FakeRepo
from markdown_it import MarkdownIt

from listlint.config import Settings, load_settings
from listlint.diagnostics import Diagnostic
from listlint.document.model import Document
from listlint.fixes import apply_fixes
from listlint.gather.facts import Facts
from listlint.gather.plain_http import PlainHttp
from listlint.gather.sources import Lookup
from listlint.net.sources.github import GithubSource
from listlint.net.verdicts import Kind, Verdict
from listlint.pipeline import parse
from listlint.rules.base import RuleContext
from listlint.rules.registry import find_plugins, load_rules
from listlint.selection import select_rules
from listlint.services import Services
from listlint.source import Source

TOKEN = "fake-token-0123456789"
DOCS = Path(__file__).resolve().parent.parent / "rules"
RULES = {r.name: r for r in load_rules(find_plugins()) if r.code.startswith("LL8")}
NAMES = sorted(RULES)

REPOS = (
    FakeRepo("gin-gonic/gin"),
    FakeRepo("spf13/cobra"),
    FakeRepo("acme-labs/oldcli", archived_at="2021-03-04T10:00:00Z", pushed_at="2021-03-01T00:00:00Z"),
    FakeRepo("acme-labs/takendown", disabled=True),
    FakeRepo("acme-labs/dusty", pushed_at="2015-05-05T05:05:05Z"),
    FakeRepo("new-owner/newname"),
    FakeRepo("Acme-Labs/CaseOnly"),
)
RENAMES = {"old-owner/oldname": "new-owner/newname"}


@pytest.fixture
def api() -> Iterator[FakeGithub]:
    with FakeGithub.of(*REPOS, renames=dict(RENAMES), token=TOKEN) as fake:
        yield fake


def gather(
    documents: Sequence[Document], api: FakeGithub, verdicts: Mapping[str, Verdict] | None = None
) -> Facts:
    """What the gather stage does for this source: key every link, fetch in batches, keep the answers."""
    source = GithubSource(token=TOKEN, graphql_url=api.url)
    keys = sorted({k for d in documents for link in d.links if (k := source.key(link)) is not None})

    async def fetch() -> dict[str, Lookup]:
        async with httpx.AsyncClient() as client:
            http = PlainHttp(client)
            found: dict[str, Lookup] = {}
            for start in range(0, len(keys), source.batch_size):
                found.update(await source.fetch(keys[start : start + source.batch_size], http))
            return found

    lookups = asyncio.run(fetch()) if keys else {}
    return Facts(
        sources={"github": source},
        lookups={"github": lookups},
        documents=tuple(documents),
        verdicts=dict(verdicts or {}),
    )


def check(
    text: str,
    api: FakeGithub,
    *,
    config: Mapping[str, Any] | None = None,
    path: str = "README.md",
    verdicts: Mapping[str, Verdict] | None = None,
) -> list[Diagnostic]:
    return check_many({path: text}, api, config=config, verdicts=verdicts)[path]


def check_many(
    texts: Mapping[str, str],
    api: FakeGithub,
    *,
    config: Mapping[str, Any] | None = None,
    verdicts: Mapping[str, Verdict] | None = None,
) -> dict[str, list[Diagnostic]]:
    settings = Settings(values=dict(config or {}))
    documents = [parse(Source(path=path, text=text)) for path, text in texts.items()]
    facts = gather(documents, api, verdicts)
    active = select_rules(list(RULES.values()), settings, online=True)
    services = Services(settings, frozenset(entry.rule.name for entry in active))
    found: dict[str, list[Diagnostic]] = {}
    for document in documents:
        found[document.path] = []
        for entry in active:
            context = RuleContext(
                rule=entry.rule,
                document=document,
                settings=settings,
                services=services,
                options=entry.options,
                severity=entry.severity,
                facts=facts,
            )
            found[document.path].extend(entry.rule.check(document, context))  # type: ignore[arg-type]
    return found


def names(found: list[Diagnostic]) -> list[str]:
    return [d.name for d in found]


# -- each rule -------------------------------------------------------------------


def test_a_missing_repository_is_an_error_for_every_kind_of_link(api: FakeGithub) -> None:
    text = (
        "- [a](https://github.com/acme-labs/fastqueue) - Gone.\n"
        "- [b](https://github.com/acme-labs/fastqueue/blob/main/queue.go#L10) - Gone file.\n"
        "- <https://github.com/acme-labs/fastqueue/issues/3>\n"
        "- [c](https://github.com/gin-gonic/gin) - Here.\n"
    )
    found = check(text, api)
    assert names(found) == ["github-repo-not-found"] * 3
    assert [d.line for d in found] == [1, 2, 3]
    assert all(d.severity.value == "error" for d in found)
    assert "acme-labs/fastqueue does not exist" in found[0].message


def test_an_impossible_name_is_reported_without_asking(api: FakeGithub) -> None:
    found = check("- [a](https://github.com/acme-labs/fast%20queue) - A space.\n", api)
    assert names(found) == ["github-repo-not-found"]
    assert "cannot be a GitHub repository" in found[0].message
    assert api.requests == []


def test_archived_with_its_date(api: FakeGithub) -> None:
    found = check("- [oldcli](https://github.com/acme-labs/oldcli) - Old.\n", api)
    assert names(found) == ["github-repo-archived"]
    assert "archived on 2021-03-04" in found[0].message
    assert found[0].severity.value == "warning"


def test_disabled(api: FakeGithub) -> None:
    found = check("- [x](https://github.com/acme-labs/takendown) - Down.\n", api)
    assert names(found) == ["github-repo-disabled"]


def test_renamed_gets_a_safe_fix_keeping_the_rest_of_the_url(api: FakeGithub) -> None:
    text = (
        "- [a](https://www.github.com/Old-Owner/OldName.git) - Root.\n"
        "- [b](https://github.com/old-owner/oldname/tree/v2/cmd?x=1#top) - Deep.\n"
        "- <https://github.com/old-owner/oldname/releases>\n"
        "- [c][ref] - Reference.\n\n"
        "[ref]: https://github.com/old-owner/oldname/issues\n"
    )
    found = check(text, api)
    assert names(found) == ["github-repo-renamed"] * 4
    assert found[0].message == "GitHub repository Old-Owner/OldName has moved to new-owner/newname"
    assert all(d.fix is not None and d.fix.applicability == "safe" for d in found[:3])
    assert found[3].fix is None  # a reference use: its span is the label, not the URL
    fixed, applied = apply_fixes(text, found)
    assert len(applied) == 3
    assert fixed == (
        "- [a](https://www.github.com/new-owner/newname.git) - Root.\n"
        "- [b](https://github.com/new-owner/newname/tree/v2/cmd?x=1#top) - Deep.\n"
        "- <https://github.com/new-owner/newname/releases>\n"
        "- [c][ref] - Reference.\n\n"
        "[ref]: https://github.com/old-owner/oldname/issues\n"
    )
    assert names(check(fixed, api)) == ["github-repo-renamed"]


def test_a_case_difference_is_not_a_rename(api: FakeGithub) -> None:
    assert check("- [x](https://github.com/acme-labs/caseonly) - Case.\n", api) == []


def test_a_move_the_crawl_saw_is_left_to_permanent_redirect(api: FakeGithub) -> None:
    url = "https://github.com/old-owner/oldname/blob/main/x.go"
    moved = Verdict(url=url, kind=Kind.OK, moved_to="https://github.com/new-owner/newname/blob/main/x.go")
    assert check(f"- [x]({url}) - Deep.\n", api, verdicts={url: moved}) == []


def test_stale_is_off_until_years_is_set(api: FakeGithub) -> None:
    text = "- [dusty](https://github.com/acme-labs/dusty) - Old.\n- [gin](https://github.com/gin-gonic/gin)\n"
    assert check(text, api) == []
    found = check(text, api, config={"rules": {"github-repo-stale": {"years": 3}}})
    assert names(found) == ["github-repo-stale"]
    assert "last push 2015-05-05" in found[0].message
    assert check(text, api, config={"rules": {"github-repo-stale": {"years": 50}}}) == []


def test_archived_is_not_also_stale(api: FakeGithub) -> None:
    found = check(
        "- [oldcli](https://github.com/acme-labs/oldcli) - Old.\n",
        api,
        config={"rules": {"github-repo-stale": {"years": 1}}},
    )
    assert names(found) == ["github-repo-archived"]


def test_badges_are_not_reported_as_archived(api: FakeGithub) -> None:
    text = (
        "- [oldcli](https://github.com/acme-labs/oldcli) - Old. "
        "![ci](https://github.com/acme-labs/oldcli/actions/workflows/ci.yml/badge.svg)\n"
    )
    assert names(check(text, api)) == ["github-repo-archived"]


def test_non_repository_links_are_not_asked_about(api: FakeGithub) -> None:
    text = (
        "- [a](https://github.com/features/actions)\n"
        "- [b](https://github.com/sponsors/spf13)\n"
        "- [c](https://github.com/spf13)\n"
        "- [d](https://gist.github.com/spf13/0123abcd)\n"
        "- [e](https://raw.githubusercontent.com/spf13/cobra/main/README.md)\n"
    )
    assert check(text, api) == []
    assert api.requests == []


# -- unchecked -------------------------------------------------------------------


def test_an_api_error_is_one_warning_never_missing(api: FakeGithub) -> None:
    api.failures = [502] * 20
    text = "".join(f"- [r{i}](https://github.com/acme-labs/fastqueue{i})\n" for i in range(5))
    found = check(text, api)
    assert names(found) == ["github-unchecked"]
    assert "5 repositories" in found[0].message and "HTTP 502" in found[0].message
    assert found[0].line == 1


def test_unchecked_is_reported_in_the_first_file_only(api: FakeGithub) -> None:
    api.remaining = 0
    found = check_many(
        {
            "a.md": "- [gin](https://github.com/gin-gonic/gin)\n",
            "b.md": "- [cobra](https://github.com/spf13/cobra)\n",
        },
        api,
    )
    assert names(found["a.md"]) == ["github-unchecked"]
    assert found["b.md"] == []
    assert "rate limit" in found["a.md"][0].message


def test_network_down_leaves_unchecked_to_network_unavailable(api: FakeGithub) -> None:
    api.failures = [502] * 4
    document = parse(Source(path="README.md", text="- [gin](https://github.com/gin-gonic/gin)\n"))
    facts = gather([document], api)
    down = Facts(sources=facts.sources, lookups=facts.lookups, documents=facts.documents, network_down=True)
    rule = RULES["github-unchecked"]
    settings = Settings()
    context = RuleContext(
        rule=rule,
        document=document,
        settings=settings,
        services=Services(settings),
        options={},
        severity=rule.severity,
        facts=down,
    )
    assert list(rule.check(document, context)) == []  # type: ignore[arg-type]


# -- config ----------------------------------------------------------------------


def test_the_config_keys_load(tmp_path: Path) -> None:
    config = tmp_path / ".listlint.toml"
    config.write_text(
        'github-token-env = "LIST_BOT_TOKEN"\n'
        'github-graphql-url = "https://ghe.example.com/api/graphql"\n'
        'github-server-url = "https://ghe.example.com"\n'
        "[rules.github-repo-stale]\nyears = 2\n",
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.get("github-token-env") == "LIST_BOT_TOKEN"
    assert settings.get("github-server-url") == "https://ghe.example.com"


# -- the doc pages' examples -------------------------------------------------------


def examples(name: str) -> dict[str, str]:
    fences = {}
    for token in MarkdownIt("commonmark").parse((DOCS / f"{name}.md").read_text(encoding="utf-8")):
        words = token.info.split() if token.type == "fence" else []
        if len(words) >= 2 and words[0] == "markdown":
            fences[words[1]] = token.content
    return fences


@pytest.mark.parametrize("name", NAMES)
def test_doc_examples_hold(api: FakeGithub, name: str) -> None:
    pages = examples(name)
    config = {"rules": {"github-repo-stale": {"years": 3}}}
    if name == "github-unchecked":
        api.failures = [502] * 4
    failing = check(pages["failing"], api, config=config)
    assert names(failing) == [name], [d.message for d in failing]
    api.failures = []
    assert check(pages["fixed"], api, config=config) == []
    if failing[0].fix is not None:
        assert apply_fixes(pages["failing"], failing)[0] == pages["fixed"]
