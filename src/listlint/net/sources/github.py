"""GitHub repositories, looked up through the GraphQL API in batches.

Every ``github.com/OWNER/REPO[/...]`` link is keyed by its repository
(``owner/repo``, case-folded).  One GraphQL request carries up to 100 aliased
``repository(owner:, name:)`` lookups and the ``rateLimit`` of the token, so
a list of 3,000 repositories costs about 30 requests (GitHub's answer to a
crawler: 429 after a burst).

What the answers mean:

- data for an alias: ``found``; the record keeps ``nameWithOwner`` (a
  renamed or transferred repository answers under its new name), archive,
  disabled and fork flags, stars, last push and the default branch;
- ``null`` data with a ``NOT_FOUND`` error entry whose path is the alias:
  ``missing`` (the only way to get ``missing`` besides a name GitHub could
  never have given, which is answered offline);
- anything else (HTTP errors, rate limits, other error types, malformed
  JSON, a redirect): ``unchecked``.  A rate limit or an outage never makes a
  repository missing.

Requests are made one at a time (GitHub asks API clients not to make
concurrent requests), each only when the remaining rate limit covers its
cost.  A secondary rate limit (403/429 with ``Retry-After``) is waited out
when the wait is within ``max-retry-after``; otherwise, and once the quota is
used up, the source stops asking and the rest is ``unchecked``, said once in
the run notes.

The token (``GITHUB_TOKEN``, or the variable named by ``github-token-env``)
is sent only in requests to the GraphQL endpoint and never appears in a
note, a reason or a record.  Without a token the source is inactive and the
link engine crawls repository pages with its per-host budget.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from listlint.gather.sources import Lookup, SourceHttp, SourceNote, SourceUnavailable

if TYPE_CHECKING:
    import httpx

    from listlint.config import Settings
    from listlint.document.model import Link

__all__ = [
    "GithubSource",
    "RepoLink",
    "GithubFactory",
    "github_source",
    "parse_repo_link",
    "TOKEN_NOTE",
]

NAME = "github"
DEFAULT_GRAPHQL_URL = "https://api.github.com/graphql"
DEFAULT_SERVER_URL = "https://github.com"
BATCH_SIZE = 100
TOKEN_NOTE = (
    "no token: {count} repository {noun} not looked up in the GitHub API; "
    "a token (GITHUB_TOKEN, any token, no scopes needed) makes the check exact and fast"
)

# First path segments of github.com that are GitHub's own pages, never an
# owner: asking the API about them would make a page look like a missing
# repository.  (Real organisations such as ``actions``, ``github``,
# ``community`` or ``desktop`` are not here.)
RESERVED_OWNERS: frozenset[str] = frozenset(
    {
        "about", "account", "advisories", "apps", "blog", "codespaces", "collections", "contact",
        "copilot", "customer-stories", "dashboard", "edu", "education", "enterprise", "events",
        "explore", "features", "git-guides", "home", "issues", "join", "login", "logout",
        "marketplace", "new", "nonprofit", "notifications", "organizations", "orgs", "partners",
        "password_reset", "premium-support", "pricing", "pulls", "readme", "resources", "search",
        "security", "sessions", "settings", "signup", "site", "sitemap", "solutions", "sponsors",
        "stars", "team", "topics", "trending", "users", "watching",
    }
)  # fmt: skip

# What GitHub accepts as names.  Owners: letters, digits and hyphens, at most
# 39 (underscores for managed users; legacy names may end in a hyphen).
# Repositories: letters, digits, ``.``, ``-``, ``_``, at most 100.
OWNER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,38}")
REPO_RE = re.compile(r"[A-Za-z0-9._-]{1,100}")

# Pages every existing repository has: a found repository settles them.
ALWAYS_THERE: frozenset[tuple[str, ...]] = frozenset({(), ("releases",), ("tags",)})

FIELDS = (
    "nameWithOwner isArchived archivedAt isDisabled isFork stargazerCount pushedAt defaultBranchRef { name }"
)


# -- links --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepoLink:
    """The repository part of a GitHub URL as written.

    ``owner_at`` and ``name_at`` are ``(start, end)`` offsets into the URL
    (``name_at`` without a ``.git`` suffix), so a fix can replace exactly the
    repository and keep the rest of the URL.
    """

    owner: str
    name: str
    rest: tuple[str, ...]
    owner_at: tuple[int, int]
    name_at: tuple[int, int]

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.name}".casefold()

    @property
    def is_valid_name(self) -> bool:
        return bool(OWNER_RE.fullmatch(self.owner)) and bool(
            REPO_RE.fullmatch(self.name) and self.name not in (".", "..")
        )


def parse_repo_link(url: str, host: str = "github.com") -> RepoLink | None:
    """The repository a ``https://HOST/OWNER/REPO[/...]`` URL points into, else None.

    ``www.HOST`` counts as ``HOST``; one-segment paths (profiles), GitHub's
    own pages (``/features``, ``/orgs/...``, ``/sponsors/...``) and URLs with
    a user, a port or an empty segment in the repository part are not
    repository links.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or port is not None or "@" in parts.netloc:
        return None
    hostname = (parts.hostname or "").removeprefix("www.")
    if hostname != host:
        return None
    path_start = url.find("://") + 3 + len(parts.netloc)
    if not parts.path or url[path_start : path_start + len(parts.path)] != parts.path:
        return None  # urlsplit dropped characters (tabs, newlines): offsets would be wrong
    segments: list[tuple[str, int]] = []
    offset = path_start
    for piece in parts.path.split("/"):
        segments.append((piece, offset))
        offset += len(piece) + 1
    segments = segments[1:]  # the path starts with "/"
    if len(segments) < 2 or not segments[0][0] or not segments[1][0]:
        return None
    (owner_raw, owner_start), (name_raw, name_start) = segments[0], segments[1]
    if owner_raw.casefold() in RESERVED_OWNERS:
        return None
    if name_raw.lower().endswith(".git"):
        name_raw = name_raw[:-4]
        if not name_raw:
            return None
    rest = tuple(unquote(piece) for piece, _ in segments[2:] if piece)
    return RepoLink(
        owner=unquote(owner_raw),
        name=unquote(name_raw),
        rest=rest,
        owner_at=(owner_start, owner_start + len(owner_raw)),
        name_at=(name_start, name_start + len(name_raw)),
    )


# -- settings -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Endpoints:
    graphql_url: str
    server_host: str


def find_endpoints(settings: Settings, environ: Mapping[str, str]) -> Endpoints:
    """Where to ask and which links to ask about: config, then Actions' variables, then github.com.

    A config key wins over the environment: Actions sets ``GITHUB_GRAPHQL_URL``
    on every runner, and a config file says what its author meant.
    """
    graphql = settings.get("github-graphql-url") or environ.get("GITHUB_GRAPHQL_URL", "")
    if not graphql and environ.get("GITHUB_API_URL"):
        api = environ["GITHUB_API_URL"].rstrip("/")
        # GitHub Enterprise Server: https://HOST/api/v3 -> https://HOST/api/graphql.
        graphql = api.removesuffix("/v3") + "/graphql" if api.endswith("/api/v3") else api + "/graphql"
    server = settings.get("github-server-url") or environ.get("GITHUB_SERVER_URL", "") or DEFAULT_SERVER_URL
    host = (urlsplit(server).hostname or "github.com").removeprefix("www.")
    return Endpoints(graphql_url=graphql or DEFAULT_GRAPHQL_URL, server_host=host)


def find_token(settings: Settings, environ: Mapping[str, str]) -> str:
    """The token, or "" (none, or one that cannot be sent as a header)."""
    variable = settings.get("github-token-env") or "GITHUB_TOKEN"
    token = environ.get(variable, "").strip()
    return token if token.isascii() and token.isprintable() and " " not in token else ""


class GithubFactory:
    """The registry's factory: a source when a token is set, else None (inactive)."""

    def __call__(self, settings: Settings) -> GithubSource | None:
        token = find_token(settings, os.environ)
        if not token:
            return None
        endpoints = find_endpoints(settings, os.environ)
        return GithubSource(
            token=token,
            graphql_url=endpoints.graphql_url,
            server_host=endpoints.server_host,
            max_wait=float(settings.get("max-retry-after")),
            found_ttl=float(settings.get("cache-max-age")),
            missing_ttl=float(settings.get("cache-failure-age")),
        )

    def inactive_note(self, settings: Settings, links: Iterable[Link]) -> SourceNote | None:
        """The run note of a run without a token that has repository links."""
        if find_token(settings, os.environ):
            return None
        host = find_endpoints(settings, os.environ).server_host
        count = sum(1 for link in links if parse_repo_link(link.url.strip(), host) is not None)
        if not count:
            return None
        noun = "link" if count == 1 else "links"
        return SourceNote(NAME, TOKEN_NOTE.format(count=count, noun=noun), {"links": count})


github_source = GithubFactory()


# -- the source -----------------------------------------------------------------


class Stop(Exception):
    """No more requests this run; ``reason`` goes into every unchecked lookup."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unanswered(Exception):
    """This request got no usable answer (the next one may)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class GithubSource:
    """The ``github`` metadata source (see the module docstring)."""

    name = NAME
    batch_size = BATCH_SIZE
    key_noun = "repositories"  # the gather stage's note: "2,793 repositories, ..."
    stack_retries = False  # Retry-After and failed batches are handled here

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Configured, so reached even on a private address (see :mod:`listlint.net.source_http`)."""
        return (self.graphql_url,)

    def __init__(
        self,
        *,
        token: str,
        graphql_url: str = DEFAULT_GRAPHQL_URL,
        server_host: str = "github.com",
        max_wait: float = 30.0,
        found_ttl: float = 86400.0,
        missing_ttl: float = 3600.0,
        attempts: int = 2,
        retry_delay: float = 1.0,
    ) -> None:
        self._token = token
        self.graphql_url = graphql_url
        self.server_host = server_host
        self.max_wait = max_wait
        self.found_ttl = found_ttl
        self.missing_ttl = missing_ttl
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.requests = 0
        self.remaining: int | None = None
        self.cost = 1
        self.reset_at = ""
        self.stopped = ""
        self.failed_batches = 0
        self._lock: asyncio.Lock | None = None

    def __repr__(self) -> str:  # never show the token
        return f"GithubSource(graphql_url={self.graphql_url!r}, server_host={self.server_host!r})"

    # -- the protocol ------------------------------------------------------------

    def key(self, link: Link) -> str | None:
        found = parse_repo_link(link.url.strip(), self.server_host)
        return None if found is None else found.key

    def ttl(self, lookup: Lookup) -> float:
        if lookup.status == "found":
            return self.found_ttl
        if lookup.status == "missing":
            return self.missing_ttl
        return 0.0

    def vouches_for(self, link: Link, lookup: Lookup) -> bool:
        """Whether the lookup settles ``link`` so that it is not crawled.

        A missing repository settles every link into it (the rule reports it).
        A found one settles the pages every repository has: its root (any
        query or #fragment), ``/tree/DEFAULT-BRANCH``, ``/releases`` and
        ``/tags``.  Deeper links (a file, a line, another branch, an issue)
        are crawled: the repository existing says nothing about them.
        """
        if lookup.status == "missing":
            return True
        if lookup.status != "found":
            return False
        found = parse_repo_link(link.url.strip(), self.server_host)
        if found is None:
            return False
        if found.rest in ALWAYS_THERE:
            return True
        branch = lookup.record.get("defaultBranch")
        return bool(branch) and found.rest == ("tree", branch)

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
        answers: dict[str, Lookup] = {}
        ask: list[str] = []
        for key in dict.fromkeys(keys):
            owner, _, name = key.partition("/")
            if not (OWNER_RE.fullmatch(owner) and REPO_RE.fullmatch(name) and name not in (".", "..")):
                answers[key] = Lookup("missing", reason="not a possible GitHub repository name")
            else:
                ask.append(key)
        if self._lock is None:
            self._lock = asyncio.Lock()
        for start in range(0, len(ask), BATCH_SIZE):
            batch = ask[start : start + BATCH_SIZE]
            async with self._lock:  # GitHub asks for one request at a time
                answers.update(await self.fetch_batch(batch, http))
        return answers

    def notes(self) -> list[SourceNote]:
        """What the gather stage's own count line does not say: why the source stopped asking."""
        if not self.stopped:
            return []
        counts = {"requests": self.requests}
        if self.remaining is not None:
            counts["rate_limit_remaining"] = self.remaining
        return [SourceNote(NAME, f"stopped asking the GitHub API: {self.stopped}", counts)]

    # -- one batch ---------------------------------------------------------------

    async def fetch_batch(self, keys: list[str], http: SourceHttp) -> dict[str, Lookup]:
        failure = ""
        for attempt in range(self.attempts):
            if self.stopped:
                return unchecked(keys, self.stopped)
            if self.remaining is not None and self.remaining < self.cost:
                self.stopped = f"rate limit used up (resets at {self.reset_at or 'an unknown time'})"
                return unchecked(keys, self.stopped)
            try:
                answers = await self.ask(keys, http)
            except Stop as stop:
                self.stopped = stop.reason
                return unchecked(keys, stop.reason)
            except Unanswered as exc:
                failure = exc.reason
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(self.retry_delay)
                continue
            self.failed_batches = 0
            return answers
        self.failed_batches += 1
        if self.failed_batches >= 2:
            # Two batches in a row without an answer: the API is down for this run.
            self.stopped = f"no answer ({failure})"
        return unchecked(keys, failure)

    async def ask(self, keys: list[str], http: SourceHttp) -> dict[str, Lookup]:
        query, variables, aliases = build_query(keys)
        headers = {
            "Authorization": f"bearer {self._token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        waited = False
        while True:
            self.requests += 1
            try:
                response = await http.request(
                    "POST",
                    self.graphql_url,
                    headers=headers,
                    json={"query": query, "variables": variables},
                    max_bytes=5_000_000,
                )
            except SourceUnavailable as exc:
                raise Unanswered(f"GitHub API unreachable ({exc})") from None
            self.read_rate_headers(response)
            if response.status_code in (403, 429):
                wait = retry_after(response)
                if wait is not None and wait <= self.max_wait and not waited:
                    waited = True
                    await asyncio.sleep(wait)
                    continue
                raise Stop(self.limit_reason(response, wait))
            break
        if response.status_code == 401:
            raise Stop("the GitHub API refused the token (HTTP 401)")
        if response.status_code >= 300:
            raise Unanswered(f"HTTP {response.status_code} from the GitHub API")
        try:
            body = jsonlib.loads(response.content)
        except ValueError:
            raise Unanswered("the GitHub API answered something other than JSON") from None
        return self.read_body(body, aliases)

    def read_rate_headers(self, response: httpx.Response) -> None:
        remaining = response.headers.get("x-ratelimit-remaining", "")
        if remaining.isdigit():
            self.remaining = int(remaining)
        reset = response.headers.get("x-ratelimit-reset", "")
        if reset.isdigit():
            from datetime import UTC, datetime

            self.reset_at = datetime.fromtimestamp(int(reset), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def limit_reason(self, response: httpx.Response, wait: float | None) -> str:
        if response.headers.get("x-ratelimit-remaining") == "0":
            return f"rate limit used up (resets at {self.reset_at or 'an unknown time'})"
        if wait is not None:
            return f"secondary rate limit (asked to wait {wait:.0f} s, more than {self.max_wait:.0f} s)"
        return f"rate limited (HTTP {response.status_code})"

    def read_body(self, body: Any, aliases: dict[str, str]) -> dict[str, Lookup]:
        if not isinstance(body, dict):
            raise Unanswered("malformed GitHub API answer")
        errors = body.get("errors") or []
        if not isinstance(errors, list):
            raise Unanswered("malformed GitHub API answer")
        if any(isinstance(e, dict) and e.get("type") == "RATE_LIMITED" for e in errors):
            self.remaining = 0
            raise Stop(f"rate limit used up (resets at {self.reset_at or 'an unknown time'})")
        data = body.get("data")
        if not isinstance(data, dict):
            raise Unanswered("GitHub API answered without data")
        self.read_rate_limit(data.get("rateLimit"))
        not_found: set[str] = set()
        failed: dict[str, str] = {}
        for error in errors:
            if not isinstance(error, dict):
                continue
            path = error.get("path")
            alias = path[0] if isinstance(path, list) and len(path) >= 1 else None
            if not isinstance(alias, str) or alias not in aliases:
                continue
            if error.get("type") == "NOT_FOUND" and path == [alias]:
                not_found.add(alias)
            else:
                failed[alias] = f"GitHub API error {str(error.get('type') or 'unknown')[:40]}"
        answers: dict[str, Lookup] = {}
        for alias, key in aliases.items():
            value = data.get(alias, ...)
            if alias in failed:
                answers[key] = Lookup("unchecked", reason=failed[alias])
            elif value is None and alias in not_found:
                answers[key] = Lookup("missing", reason="GitHub: no such repository")
            elif isinstance(value, dict) and (record := read_record(value)) is not None:
                answers[key] = Lookup("found", record)
            else:
                answers[key] = Lookup("unchecked", reason="malformed GitHub API answer")
        return answers

    def read_rate_limit(self, value: Any) -> None:
        if not isinstance(value, dict):
            return
        remaining, cost, reset = value.get("remaining"), value.get("cost"), value.get("resetAt")
        if isinstance(remaining, int) and not isinstance(remaining, bool):
            self.remaining = remaining
        if isinstance(cost, int) and not isinstance(cost, bool) and cost > 0:
            self.cost = cost
        if isinstance(reset, str) and len(reset) <= 40:
            self.reset_at = reset


def unchecked(keys: Sequence[str], reason: str) -> dict[str, Lookup]:
    return {key: Lookup("unchecked", reason=reason) for key in keys}


def build_query(keys: Sequence[str]) -> tuple[str, dict[str, str], dict[str, str]]:
    """The GraphQL query for ``keys`` (names passed as variables, never spliced in)."""
    params: list[str] = []
    fields: list[str] = ["rateLimit { cost remaining resetAt }"]
    variables: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for index, key in enumerate(keys):
        owner, _, name = key.partition("/")
        params.append(f"$o{index}: String!, $n{index}: String!")
        fields.append(f"r{index}: repository(owner: $o{index}, name: $n{index}) {{ ...repo }}")
        variables[f"o{index}"], variables[f"n{index}"] = owner, name
        aliases[f"r{index}"] = key
    query = (
        f"query({', '.join(params)}) {{\n  "
        + "\n  ".join(fields)
        + f"\n}}\nfragment repo on Repository {{ {FIELDS} }}\n"
    )
    return query, variables, aliases


def read_record(value: Mapping[str, Any]) -> dict[str, Any] | None:
    """The record kept for a found repository, or None if the data is not what was asked."""
    name = value.get("nameWithOwner")
    if not isinstance(name, str) or name.count("/") != 1:
        return None
    branch = value.get("defaultBranchRef")
    record = {
        "nameWithOwner": name,
        "isArchived": value.get("isArchived") is True,
        "archivedAt": text_or_none(value.get("archivedAt")),
        "isDisabled": value.get("isDisabled") is True,
        "isFork": value.get("isFork") is True,
        "stargazerCount": value.get("stargazerCount")
        if isinstance(value.get("stargazerCount"), int)
        else None,
        "pushedAt": text_or_none(value.get("pushedAt")),
        "defaultBranch": text_or_none(branch.get("name")) if isinstance(branch, dict) else None,
    }
    return record


def text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= 200 else None


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), else None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        from datetime import UTC, datetime

        when = parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None
