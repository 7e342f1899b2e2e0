"""What the link engine may do: limits, timeouts, per-host settings, filters.

Built from the run's settings (``listlint.net.options``); no network imports,
so the rules can decide which links to check before anything heavy loads.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from listlint.net.options import (
    ENV_REFERENCE,
    NETWORK_OPTIONS,
    check_header,
    check_user_agent,
    parse_status_ranges,
)
from listlint.net.patterns import UrlPattern, compile_url_pattern

__all__ = ["EnginePolicy", "HostPolicy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HostPolicy:
    """Settings of one host: its concurrency, pacing and private headers."""

    concurrency: int
    interval: float = 0.0
    # Sent to this host only, never across a redirect to another host.
    headers: Mapping[str, str] = field(default_factory=dict)


# The defaults of the config keys, declared once in ``net/options.py``.
DEFAULTS = {option.key: option.default for option in NETWORK_OPTIONS}


@dataclass(frozen=True, slots=True, kw_only=True)
class EnginePolicy:
    timeout: float = DEFAULTS["timeout"]
    max_concurrency: int = DEFAULTS["max-concurrency"]
    host_concurrency: int = DEFAULTS["host-concurrency"]
    max_redirects: int = DEFAULTS["max-redirects"]
    max_retries: int = DEFAULTS["max-retries"]
    max_retry_after: float = DEFAULTS["max-retry-after"]
    user_agent: str = DEFAULTS["user-agent"]
    accept: tuple[tuple[int, int], ...] = ()
    include: tuple[UrlPattern, ...] = ()
    exclude: tuple[UrlPattern, ...] = ()
    hosts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    allow_private_hosts: bool = DEFAULTS["allow-private-hosts"]
    cache_max_age: float = DEFAULTS["cache-max-age"]
    cache_failure_age: float = DEFAULTS["cache-failure-age"]
    # Backoff between retries: base * 2**(n-1), capped, with jitter.
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    # A server that accepted the connection but did not answer in time rarely
    # answers the next time; retry such timeouts this often (connect
    # timeouts are retried once).
    timeout_retries: int = 0
    # A host with this many timeouts and no answer at all is given up on.
    host_failure_limit: int = 3
    # Bytes of a GET body read to recognise a bot wall; the rest is never read.
    sniff_bytes: int = 16384
    # Hedged requests: a HEAD that has not answered within the host's p95
    # latency (bounded by these) gets a GET started beside it.
    hedge: bool = True
    hedge_min: float = 0.5
    hedge_max: float = 2.0
    # Seconds one URL may take, redirects and retries included, from its first
    # request (0: ``url_deadline_factor`` x timeout).
    url_deadline: float = 0.0
    url_deadline_factor: float = 3.0
    # A host's retry budget: retries per link it carries (plus a constant),
    # and seconds it may spend throttling us (429/503) before its remaining
    # links are given up as rate-limited.
    host_retry_share: float = 1.0
    host_retry_base: int = 8
    host_budget_seconds: float = 30.0
    host_budget_per_link: float = 0.25
    # URL rewrites (``remap``): (pattern, replacement), applied in order.
    remap: tuple[tuple[UrlPattern, str], ...] = ()

    def backoff(self, failures: int) -> float:
        """Seconds before the retry after ``failures`` failures: exponential, capped,
        with "equal jitter" (half fixed, half random)."""
        delay = min(self.backoff_max, self.backoff_base * 2.0 ** max(0, failures - 1))
        return delay / 2 + random.uniform(0, delay / 2)

    @property
    def deadline(self) -> float:
        """Seconds one URL may take in all (redirects and retries included)."""
        return self.url_deadline or self.timeout * self.url_deadline_factor

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> EnginePolicy:
        """The policy of a run (``settings`` may be None: defaults)."""

        def get(key: str) -> Any:
            return settings.get(key) if settings is not None else None

        values: dict[str, Any] = {}
        for key in (
            "timeout",
            "max-concurrency",
            "host-concurrency",
            "max-redirects",
            "max-retries",
            "max-retry-after",
            "user-agent",
            "allow-private-hosts",
            "cache-max-age",
            "cache-failure-age",
            "hosts",
        ):
            value = get(key)
            if value is not None:
                values[key.replace("-", "_")] = value
        if get("accept"):
            values["accept"] = tuple(parse_status_ranges(get("accept")))
        for key in ("include", "exclude"):
            if get(key):
                values[key] = tuple(compile_url_pattern(pattern) for pattern in get(key))
        if get("remap"):
            values["remap"] = tuple(parse_remap(item) for item in get("remap"))
        values.update(overrides)
        return cls(**values)

    def validate(self) -> None:
        """Raise ConfigError (naming the key, never the value) for a request
        setting that cannot be sent: a header with a line break, a bad name."""
        from listlint.errors import ConfigError

        try:
            check_user_agent(self.user_agent)
        except ValueError as exc:
            raise ConfigError(f"user-agent: {exc}") from None
        for host, table in self.hosts.items():
            for name, value in dict(table.get("headers", {})).items():
                try:
                    check_header(f"hosts.{host}.headers", str(name), str(value))
                except ValueError as exc:
                    raise ConfigError(str(exc)) from None

    @property
    def secrets(self) -> frozenset[str]:
        """Every configured header value (as expanded), in the forms a server may echo."""
        from listlint.redact import secret_forms

        values = [
            value
            for table in self.hosts.values()
            for value in expand_headers(dict(table.get("headers", {}))).values()
        ]
        return secret_forms(values)

    def wants(self, url: str) -> bool:
        """Whether the include/exclude patterns let ``url`` be checked."""
        if self.include and not any(pattern.search(url) for pattern in self.include):
            return False
        return not any(pattern.search(url) for pattern in self.exclude)

    def accepts(self, status: int) -> bool:
        """Whether ``status`` means the link is alive."""
        return 200 <= status < 300 or any(low <= status <= high for low, high in self.accept)

    def host(self, host: str) -> HostPolicy:
        """The settings of ``host``: an exact entry, else ``*.parent`` wildcards."""
        table = self.hosts.get(host)
        if table is None:
            parts = host.split(".")
            for index in range(1, len(parts)):
                table = self.hosts.get("*." + ".".join(parts[index:]))
                if table is not None:
                    break
        table = table or {}
        return HostPolicy(
            concurrency=int(table.get("concurrency", self.host_concurrency)),
            interval=float(table.get("interval", 0.0)),
            headers=expand_headers(table.get("headers", {})),
        )


def parse_remap(item: str) -> tuple[UrlPattern, str]:
    """``"REGEX REPLACEMENT"`` -> (pattern, replacement); ``$1``/``\\1`` name groups."""
    pattern, _, replacement = item.strip().partition(" ")
    replacement = re.sub(r"\$(\d+)", r"\\\1", replacement.strip())  # lychee writes $1
    return compile_url_pattern(pattern), replacement


def expand_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Replace ``${NAME}`` with the environment variable, so tokens stay out of config.

    A header whose variable is unset is left out rather than sent half-filled.
    """
    expanded = {}
    for name, value in headers.items():
        missing = [ref for ref in ENV_REFERENCE.findall(value) if ref not in os.environ]
        if missing:
            continue
        expanded[name] = ENV_REFERENCE.sub(lambda match: os.environ[match.group(1)], value)
    return expanded
