"""Config keys of the network subsystem (no heavy imports here)."""

from __future__ import annotations

import re
from typing import Any

from listlint.options import COUNT, SECONDS, Option, check_bounds

__all__ = ["NETWORK_OPTIONS", "parse_status_ranges", "DEFAULT_USER_AGENT"]

DEFAULT_USER_AGENT = "listlint/0.1 (+https://github.com/listlint/listlint)"
HOST_KEYS: dict[str, type] = {"concurrency": int, "interval": float, "headers": dict}
HOST_BOUNDS: dict[str, tuple[float, float]] = {"concurrency": (1, 1_000), "interval": (0.0, 3_600.0)}


def positive(value: Any) -> Any:
    if value <= 0:
        raise ValueError(f"must be greater than 0, not {value}")
    return value


def not_negative(value: Any) -> Any:
    if value < 0:
        raise ValueError(f"must not be negative, not {value}")
    return value


def arxiv_batch_size(value: Any) -> Any:
    if not 1 <= value <= 2000:
        raise ValueError(f"must be between 1 and 2000 (the arXiv API's page limit), not {value}")
    return value


def check_env_name(value: Any) -> Any:
    if value and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError(f"{value!r} is not an environment variable name")
    return value


def check_web_url(value: Any) -> Any:
    if value and not re.match(r"https?://[^/?#\s]+", value, re.IGNORECASE):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def parse_status_ranges(items: list[str]) -> list[tuple[int, int]]:
    """``["200-299", "403"]`` -> ``[(200, 299), (403, 403)]``; ValueError on nonsense."""
    ranges = []
    for item in items:
        match = re.fullmatch(r"\s*(\d{3})\s*(?:(?:-|\.\.=?)\s*(\d{3})\s*)?", item)
        if not match:
            raise ValueError(f"{item!r} is not a status code or a range like '200-299'")
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if not 100 <= low <= high <= 999:
            raise ValueError(f"{item!r} is not a valid status range")
        ranges.append((low, high))
    return ranges


def check_status_list(items: list[str]) -> list[str]:
    parse_status_ranges(items)
    return items


def check_patterns(items: list[str]) -> list[str]:
    from listlint.net.patterns import compile_url_pattern

    for item in items:
        compile_url_pattern(item)  # ValueError naming the pattern
    return items


def check_remap(items: list[str]) -> list[str]:
    """``["REGEX REPLACEMENT", ...]``: the pattern, one space, then the replacement."""
    for item in items:
        pattern, _, replacement = item.strip().partition(" ")
        if not pattern or not replacement.strip():
            raise ValueError(f"{item!r}: expected 'REGEX REPLACEMENT' (separated by a space)")
        check_patterns([pattern])
    return items


HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Control characters (but tab) and anything outside Latin-1 cannot be sent in a header.
BAD_HEADER_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]")
ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def header_value_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as a header value (never quoting it), or None."""
    found = BAD_HEADER_VALUE.search(value)
    if found is None:
        return None
    if found.group() in "\r\n":
        return "contains a line break"
    if ord(found.group()) > 0xFF:
        return "contains a character that cannot be sent in a header"
    return "contains a control character"


def check_header(key: str, name: str, value: str, environ: Any = None) -> None:
    """Raise ValueError naming ``key`` (never the value) if the header cannot be sent as is.

    ``${NAME}`` references are checked as the environment expands them: a token
    read from a file with its trailing newline is a config error, not a request
    that fails on every link.
    """
    import os

    environ = os.environ if environ is None else environ
    if not HEADER_NAME.fullmatch(name):
        raise ValueError(f"{key}: {name!r} is not a valid header name")
    problem = header_value_problem(value)
    if problem:
        raise ValueError(f"{key}.{name}: the value {problem}")
    for variable in ENV_REFERENCE.findall(value):
        if variable in environ:
            problem = header_value_problem(environ[variable])
            if problem:
                raise ValueError(f"{key}.{name}: the environment variable {variable} {problem}")


def check_user_agent(value: str) -> str:
    problem = header_value_problem(value)
    if problem:
        raise ValueError(f"the value {problem}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def check_hosts(table: dict[str, Any]) -> dict[str, Any]:
    """``hosts."name" = {concurrency = 2, interval = 0.5, headers = {...}}``."""
    for host, settings in table.items():
        if not isinstance(settings, dict):
            raise ValueError(f"hosts.{host}: expected a table")
        for key, raw in settings.items():
            value: Any = raw
            kind = HOST_KEYS.get(key)
            if kind is None:
                raise ValueError(
                    f"hosts.{host}: unknown key {key!r} (expected {', '.join(sorted(HOST_KEYS))})"
                )
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(raw if kind is not float else value, kind) or isinstance(raw, bool):
                raise ValueError(f"hosts.{host}.{key}: expected {kind.__name__}")
            if kind is dict and not all(isinstance(v, str) for v in value.values()):
                raise ValueError(f"hosts.{host}.headers: header values must be strings")
            if kind is dict:
                for name, header in value.items():
                    check_header(f"hosts.{host}.headers", name, header)
            if key in HOST_BOUNDS:
                try:
                    check_bounds(value, HOST_BOUNDS[key])
                except ValueError as exc:
                    raise ValueError(f"hosts.{host}.{key}: {exc}") from None
    return table


NETWORK_OPTIONS: tuple[Option, ...] = (
    Option(
        "timeout",
        10.0,
        "Seconds to wait for a server before giving up on a request.",
        validate=positive,
        bounds=SECONDS,
    ),
    Option(
        "max-concurrency",
        64,
        "Requests in flight at once, over all hosts.",
        validate=positive,
        bounds=(1, 10_000),
    ),
    Option(
        "host-concurrency",
        8,
        "Requests in flight at once to one host (default).",
        validate=positive,
        bounds=(1, 1_000),
    ),
    Option(
        "max-redirects",
        10,
        "Redirects followed before a link counts as dead.",
        validate=not_negative,
        bounds=(0, 100),
    ),
    Option(
        "max-retries",
        3,
        "Retries of a request after a transient failure.",
        validate=not_negative,
        bounds=(0, 100),
    ),
    Option(
        "max-retry-after",
        30.0,
        "Longest Retry-After (seconds) honoured before giving up.",
        validate=not_negative,
        bounds=SECONDS,
    ),
    Option(
        "user-agent", DEFAULT_USER_AGENT, "User-Agent header of every request.", validate=check_user_agent
    ),
    Option(
        "accept",
        [],
        "Status codes or ranges ('200-299', '403') that also count as alive.",
        validate=check_status_list,
    ),
    Option(
        "include",
        [],
        "Regexes: only URLs matching one of them are checked (default: all).",
        validate=check_patterns,
    ),
    Option("exclude", [], "Regexes: URLs matching one of them are not checked.", validate=check_patterns),
    Option(
        "remap",
        [],
        "URL rewrites before checking, 'REGEX REPLACEMENT' (the first match wins; the report "
        "names the URL as written).",
        validate=check_remap,
    ),
    Option("hosts", {}, "Per-host tables: concurrency, interval (seconds), headers.", validate=check_hosts),
    Option(
        "allow-private-hosts",
        False,
        "Also check links to loopback, private, link-local and metadata addresses.",
    ),
    Option(
        "suggest",
        False,
        "Suggest a Wayback Machine snapshot (an unsafe fix) for each definitely dead link.",
    ),
    Option(
        "wayback-api-url",
        "https://archive.org/wayback/available",
        "The Wayback Machine availability API asked by 'suggest'.",
    ),
    Option("cache", True, "Keep network results in a persistent cache."),
    Option("cache-dir", "", "Cache folder (default: the user cache directory)."),
    Option(
        "cache-max-age",
        86400.0,
        "Seconds a successful check stays cached.",
        validate=not_negative,
        bounds=(0.0, 31_536_000.0),
    ),
    Option(
        "cache-failure-age",
        3600.0,
        "Seconds a definite failure (404, 410) stays cached.",
        validate=not_negative,
        bounds=(0.0, 31_536_000.0),
    ),
    # arXiv metadata (LL7xx); the env var LISTLINT_ARXIV_API_URL overrides arxiv-api-url.
    Option("arxiv-api-url", "https://export.arxiv.org/api/query", "The arXiv API query endpoint."),
    Option(
        "arxiv-delay",
        3.0,
        "Seconds between two arXiv API requests (arXiv asks for 3).",
        validate=not_negative,
        bounds=(0.0, 3_600.0),
    ),
    Option(
        "arxiv-batch-size",
        200,
        "arXiv IDs asked for in one API request (at most 2000).",
        validate=arxiv_batch_size,
        bounds=(1, 2_000),
    ),
    Option(
        "arxiv-retries",
        3,
        "Retries of an arXiv API request after a 429/5xx or a failed connection.",
        validate=not_negative,
        bounds=COUNT,
    ),
    Option(
        "arxiv-timeout",
        30.0,
        "Seconds one arXiv API request may take in all, from connecting to the last byte.",
        validate=positive,
        bounds=SECONDS,
    ),
    Option(
        "arxiv-cache-days",
        30.0,
        "Days arXiv metadata stays cached.",
        validate=not_negative,
        bounds=(0.0, 3_650.0),
    ),
    # GitHub repositories (LL8xx): the token's variable and the endpoints.
    Option(
        "github-token-env",
        "",
        "Environment variable holding the GitHub token (default: GITHUB_TOKEN).",
        validate=check_env_name,
    ),
    Option(
        "github-graphql-url",
        "",
        "GitHub GraphQL endpoint (default: $GITHUB_GRAPHQL_URL, else from $GITHUB_API_URL, "
        "else https://api.github.com/graphql).",
        validate=check_web_url,
    ),
    Option(
        "github-server-url",
        "",
        "GitHub web host whose repository links the API answers "
        "(default: $GITHUB_SERVER_URL, else https://github.com).",
        validate=check_web_url,
    ),
)
