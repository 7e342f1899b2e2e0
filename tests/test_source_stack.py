"""Metadata sources and the crawl share one HTTP stack: the link engine's.

A fake DOI registry on 127.0.0.1 (a real server, counting requests in
flight) stands for a source's configured API.  It is reached without
``allow-private-hosts``, because its URL is configuration, while a list link
to the same machine is still refused; its requests keep the engine's host
limits; and a 429 with ``Retry-After`` is retried by the stack.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from listlint.config import Settings
from listlint.document import parse_document
from listlint.gather.stage import LINKS, Network, gather
from listlint.net.addresses import static_resolver
from listlint.net.sources.doi_registry import DoiRegistrySource
from listlint.net.verdicts import Kind
from listlint.source import Source

DOIS = [f"10.1234/paper.{n}" for n in range(6)]


class FakeRegistry(ThreadingHTTPServer):
    """``/api/handles/DOI`` answers "registered" after a short pause; ``/page`` is a list's page."""

    daemon_threads = True

    def __init__(self, *, throttle_first: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.paths: list[str] = []
        self.throttle_first = throttle_first  # this many 429s (Retry-After: 0) before answering

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class Handler(BaseHTTPRequestHandler):
    server: FakeRegistry

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        server = self.server
        with server.lock:
            server.paths.append(self.path)
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
            throttled = server.throttle_first > 0
            server.throttle_first -= 1 if throttled else 0
        try:
            time.sleep(0.05)
            if throttled:
                self.answer(429, b"slow down", {"Retry-After": "0"})
            elif self.path.startswith("/api/handles/"):
                doi = self.path.removeprefix("/api/handles/")
                self.answer(200, json.dumps({"responseCode": 1, "handle": doi}).encode())
            else:
                self.answer(200, b"<html>a page</html>", {"Content-Type": "text/html"})
        finally:
            with server.lock:
                server.in_flight -= 1

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        return


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    server = FakeRegistry()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def run(text: str, settings: Settings, network: Network | None = None) -> Any:
    document = parse_document(Source(path="README.md", text=text))
    resolver = str(settings.get("doi-resolver-url"))
    facts = gather(
        [document],
        settings,
        uses=[(LINKS,)],
        network=network,
        sources=[DoiRegistrySource(resolver=resolver)],
    )
    return document, facts


def doi_list(*extra: str) -> str:
    lines = [f"- [P{n}](https://doi.org/{doi}): T" for n, doi in enumerate(DOIS)]
    return "\n".join([*lines, *(f"- [X]({url}): T" for url in extra)]) + "\n"


def settings_for(resolver: str, **values: Any) -> Settings:
    return Settings().with_values(cache=False, doi_resolver_url=resolver, **values)


def test_the_configured_api_is_reached_on_a_private_address_and_a_list_link_there_is_not(
    registry: FakeRegistry,
) -> None:
    # Names resolved to 127.0.0.1: the guard acts where connections are made.
    network = Network(resolver=static_resolver({"api.test": "127.0.0.1", "site.test": "127.0.0.1"}))
    page = f"http://site.test:{registry.port}/page"
    document, facts = run(doi_list(page), settings_for(f"http://api.test:{registry.port}"), network)
    *papers, listed = document.links
    assert [facts.lookup("doi", link).status for link in papers] == ["found"] * len(DOIS)
    verdict = facts.verdict(listed)
    assert verdict is not None and verdict.kind is Kind.PRIVATE, verdict
    assert sorted(registry.paths) == sorted(f"/api/handles/{doi}" for doi in DOIS)  # never /page
    # With the flag, the same list link is checked (so the refusal above was the guard's).
    _, allowed = run(
        doi_list(page), settings_for(f"http://api.test:{registry.port}", allow_private_hosts=True), network
    )
    assert allowed.verdict(listed).kind is Kind.OK  # type: ignore[union-attr]
    assert "/page" in registry.paths


@pytest.mark.parametrize("limit", [1, 3])
def test_a_sources_requests_keep_the_engines_host_concurrency(registry: FakeRegistry, limit: int) -> None:
    # The DOI source would send 8 at once; the engine's per-host limit decides.
    settings = settings_for(f"http://127.0.0.1:{registry.port}", hosts={"127.0.0.1": {"concurrency": limit}})
    document, facts = run(doi_list(), settings)
    assert [facts.lookup("doi", link).status for link in document.links] == ["found"] * len(DOIS)
    assert registry.most_in_flight == limit


def test_a_429_from_the_api_is_retried_by_the_stack(registry: FakeRegistry) -> None:
    registry.throttle_first = 2
    settings = settings_for(f"http://127.0.0.1:{registry.port}", hosts={"127.0.0.1": {"concurrency": 1}})
    document, facts = run(doi_list(), settings, Network(policy={"backoff_base": 0.01, "backoff_max": 0.02}))
    assert [facts.lookup("doi", link).status for link in document.links] == ["found"] * len(DOIS)
    assert len(registry.paths) == len(DOIS) + 2  # each 429 cost one retry, no more
    note = next(str(n) for n in facts.notes if str(n).startswith("doi: "))
    assert note == f"doi: {len(DOIS)} DOIs, 0 from the cache, {len(DOIS)} requests"


def test_a_source_may_give_its_requests_longer_than_the_crawl_timeout() -> None:
    """arXiv's batches may take longer than a page: its view of the stack uses arxiv-timeout."""
    from listlint.gather.stage import request_timeout
    from listlint.net.sources.arxiv import ArxivConfig, ArxivSource

    source = ArxivSource(ArxivConfig(timeout=45.0))
    assert request_timeout(source) == 45.0
    assert request_timeout(object()) is None  # type: ignore[arg-type]
