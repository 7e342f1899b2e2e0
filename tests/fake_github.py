"""A fake GitHub GraphQL API on 127.0.0.1, shaped after GitHub's documented answers.

Queries are parsed, validated and executed by graphql-core against a small
slice of GitHub's schema (``repository``, ``rateLimit``), so a malformed
query gets GitHub's answer to one: HTTP 200, ``errors`` and no ``data``.

What it answers, as api.github.com does:

- a known repository: its fields under the query's alias;
- a renamed or transferred one (``renames``): the current repository, with
  its new ``nameWithOwner`` (GitHub follows the redirect);
- an unknown one: ``null`` under the alias and an error entry
  ``{"type": "NOT_FOUND", "path": [alias], "locations": [...], "message":
  "Could not resolve to a Repository with the name 'o/n'."}`` beside the
  data of the others;
- ``rateLimit { cost remaining resetAt }`` and the ``x-ratelimit-*`` headers;
  once the quota is used up: ``{"errors": [{"type": "RATE_LIMITED", ...}]}``
  (and the request is counted in ``over_limit``);
- a missing or wrong token: 401 ``{"message": "Bad credentials"}``;
- scripted trouble, in order: ``secondary`` (403 + ``Retry-After``, GitHub's
  secondary rate limit), ``failures`` (a status with an HTML body, like a
  502 from the front end), ``garbage`` (200 with a non-JSON body),
  ``redirect_to`` (307 to another server).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from graphql import DocumentNode, GraphQLError, build_schema, execute, parse, validate

SCHEMA = build_schema(
    """
    scalar DateTime
    type Ref { name: String! }
    type Repository {
      nameWithOwner: String!
      isArchived: Boolean!
      archivedAt: DateTime
      isDisabled: Boolean!
      isFork: Boolean!
      stargazerCount: Int!
      pushedAt: DateTime
      defaultBranchRef: Ref
    }
    type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }
    type Query {
      repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
      rateLimit(dryRun: Boolean = false): RateLimit
    }
    """
)
RESET_AT = 1_900_000_000  # 2030-03-17T17:46:40Z
RESET_AT_ISO = "2030-03-17T17:46:40Z"


@dataclass
class FakeRepo:
    name_with_owner: str
    archived_at: str | None = None
    disabled: bool = False
    fork: bool = False
    stars: int = 42
    pushed_at: str | None = "2026-06-01T12:00:00Z"
    default_branch: str | None = "main"

    def fields(self) -> dict[str, Any]:
        return {
            "nameWithOwner": self.name_with_owner,
            "isArchived": self.archived_at is not None,
            "archivedAt": self.archived_at,
            "isDisabled": self.disabled,
            "isFork": self.fork,
            "stargazerCount": self.stars,
            "pushedAt": self.pushed_at,
            "defaultBranchRef": {"name": self.default_branch} if self.default_branch else None,
        }


@dataclass
class Seen:
    """One request as the server saw it."""

    authorization: str | None
    aliases: int
    status: int


@dataclass
class FakeGithub:
    """``with FakeGithub.of(FakeRepo("a/b"), ...) as api: ... api.url ... api.requests``."""

    repos: dict[str, FakeRepo] = field(default_factory=dict)
    # old "owner/name" (any case) -> current "owner/name"
    renames: dict[str, str] = field(default_factory=dict)
    token: str = "fake-token-0123456789"
    limit: int = 5000
    remaining: int = 5000
    # Statuses to answer (in order, HTML body) before answering normally.
    failures: list[int] = field(default_factory=list)
    # Retry-After values of secondary rate limits (403) to answer first, in order.
    secondary: list[str] = field(default_factory=list)
    secondary_status: int = 403
    garbage: str = ""
    redirect_to: str = ""
    latency: float = 0.0
    # Repositories (lower-case "owner/name") the token may not see: a FORBIDDEN error entry.
    forbidden: set[str] = field(default_factory=set)
    requests: list[Seen] = field(default_factory=list)
    # Requests that arrived after the quota was used up: a client that does
    # not read rateLimit makes these.
    over_limit: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    documents: dict[str, tuple[DocumentNode | None, list[GraphQLError]]] = field(default_factory=dict)

    @classmethod
    def of(cls, *repos: FakeRepo, **kwargs: Any) -> FakeGithub:
        return cls(repos={r.name_with_owner.lower(): r for r in repos}, **kwargs)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/graphql"

    @property
    def repositories_asked(self) -> int:
        return sum(seen.aliases for seen in self.requests)

    def __enter__(self) -> FakeGithub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, headers, data = fake.answer(self.path, self.headers.get("Authorization"), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None and self.thread is not None
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # -- answers ------------------------------------------------------------------

    def rate_headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(max(self.remaining, 0)),
            "x-ratelimit-used": str(self.limit - max(self.remaining, 0)),
            "x-ratelimit-reset": str(RESET_AT),
            "x-ratelimit-resource": "graphql",
        }

    def answer(self, path: str, authorization: str | None, body: bytes) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(self.latency)
        with self.lock:
            status, headers, data, aliases = self.answer_locked(authorization, body)
            self.requests.append(Seen(authorization, aliases, status))
            self.in_flight -= 1
        return status, headers, data

    def answer_locked(self, authorization: str | None, body: bytes) -> tuple[int, dict[str, str], bytes, int]:
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        if self.redirect_to:
            return 307, {"Location": self.redirect_to}, b"", 0
        if authorization is None or authorization.split(" ", 1)[-1] != self.token:
            message = {"message": "Bad credentials", "documentation_url": "https://docs.github.com/graphql"}
            return 401, json_type, json.dumps(message).encode(), 0
        if self.secondary:
            message = {
                "documentation_url": "https://docs.github.com/graphql/overview/"
                "rate-limits-and-node-limits-for-the-graphql-api#secondary-rate-limits",
                "message": "You have exceeded a secondary rate limit. "
                "Please wait a few minutes before you try again.",
            }
            headers = {**json_type, "Retry-After": self.secondary.pop(0)}
            return self.secondary_status, headers, json.dumps(message).encode(), 0
        if self.failures:
            status = self.failures.pop(0)
            return (
                status,
                {"Content-Type": "text/html"},
                b"<html><body><h1>Server Error</h1></body></html>",
                0,
            )
        if self.garbage:
            return 200, json_type, self.garbage.encode(), 0
        try:
            request = json.loads(body)
            query, variables = request["query"], request.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            problem = {"errors": [{"message": "Problems parsing JSON"}]}
            return 400, json_type, json.dumps(problem).encode(), 0
        if self.remaining <= 0:
            self.over_limit += 1
            limited = {
                "errors": [
                    {
                        "type": "RATE_LIMITED",
                        "message": "API rate limit already exceeded for user ID 1.",
                    }
                ]
            }
            return 200, {**json_type, **self.rate_headers()}, json.dumps(limited).encode(), 0
        self.remaining -= 1
        aliases = query.count("repository(")
        document, problems = self.parsed(query)
        answer: dict[str, Any] = {}
        if document is None:
            answer["errors"] = [github_error(error) for error in problems]
        else:
            result = execute(SCHEMA, document, root_value=self, variable_values=variables)
            if result.data is not None:
                answer["data"] = result.data
            if result.errors:
                answer["errors"] = [github_error(error) for error in result.errors]
        return 200, {**json_type, **self.rate_headers()}, json.dumps(answer).encode(), aliases

    def parsed(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        """The query parsed and validated (a client sends the same text for every full batch)."""
        if query not in self.documents:
            try:
                document = parse(query)
            except GraphQLError as error:
                self.documents[query] = (None, [error])
            else:
                problems = validate(SCHEMA, document)
                self.documents[query] = (None, list(problems)) if problems else (document, [])
        return self.documents[query]

    # -- resolvers (graphql-core calls root_value's attributes) ------------------------

    def repository(self, info: Any, owner: str, name: str, followRenames: bool = True) -> dict[str, Any]:  # noqa: N803
        key = f"{owner}/{name}".lower()
        if key in self.forbidden:
            raise GraphQLError(
                "Resource protected by organization SAML enforcement.", extensions={"type": "FORBIDDEN"}
            )
        if followRenames:
            key = self.renames.get(key, key).lower()
        repo = self.repos.get(key)
        if repo is None:
            raise GraphQLError(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                extensions={"type": "NOT_FOUND"},
            )
        return repo.fields()

    def rateLimit(self, info: Any, dryRun: bool = False) -> dict[str, Any]:  # noqa: N802, N803
        return {
            "cost": 1,
            "limit": self.limit,
            "nodeCount": 0,
            "remaining": max(self.remaining, 0),
            "resetAt": RESET_AT_ISO,
            "used": self.limit - max(self.remaining, 0),
        }


def github_error(error: GraphQLError) -> dict[str, Any]:
    """graphql-core's error in GitHub's shape: ``type`` at the top, not in extensions."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = formatted.pop("extensions", None) or {}
    if "type" in extensions:
        formatted = {"type": extensions["type"], **formatted}
    return formatted


@dataclass
class Sniffer:
    """A plain server on another port that records the Authorization header it is sent."""

    authorizations: list[str | None] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/elsewhere"

    def __enter__(self) -> Sniffer:
        sniffer = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                sniffer.authorizations.append(self.headers.get("Authorization"))
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                data = b'{"data": {}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_HEAD = handle_any  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None and self.thread is not None
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
