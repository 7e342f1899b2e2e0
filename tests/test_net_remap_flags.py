"""remap, the repeatable network flags, the notes' counts, and the engine's SourceHttp."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_servers import HostileServer

from listlint.gather.sources import SourceUnavailable
from listlint.net.addresses import static_resolver
from listlint.net.engine import LinkEngine
from listlint.net.patterns import compile_url_pattern
from listlint.net.policy import EnginePolicy, parse_remap

SRC = str(Path(__file__).parents[1] / "src")


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer(drip=0.2) as hostile:
        yield hostile


def lint(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listlint", "check", "--online", "--no-cache", "--select", "LL6", *args],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_list(folder: Path, *urls: str) -> None:
    (folder / ".git").mkdir(exist_ok=True)
    entries = "".join(f"- [P{n}]({url}): paper {n}\n" for n, url in enumerate(urls))
    (folder / "README.md").write_text("# L\n\n" + entries)


def test_remap_checks_the_rewritten_url_and_reports_the_written_one(
    server: HostileServer, tmp_path: Path
) -> None:
    write_list(tmp_path, "https://gone.example/paper/1", "https://alive.example/paper/2")
    local = f"http://127.0.0.1:{server.port}"
    remaps = [
        "--remap",
        rf"^https://gone\.example/(.*) {local}/status?s=404&p=$1",
        "--remap",
        rf"^https://alive\.example/(.*) {local}/ok/$1",
    ]
    before = len(server.requests)
    # Without --allow-private-hosts a remap to loopback is refused, not fetched.
    guarded = lint(tmp_path, *remaps, "--output-format", "json", "README.md")
    assert guarded.returncode in (0, 1), guarded.stderr
    assert len(server.requests) == before
    assert all(d["name"] != "dead-link" for d in json.loads(guarded.stdout)["diagnostics"])
    result = lint(tmp_path, *remaps, "--allow-private-hosts", "--output-format", "json", "README.md")
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["diagnostics"]
    assert [(d["name"], d["url"]) for d in found] == [("dead-link", "https://gone.example/paper/1")]
    paths = [r.path for r in server.requests[before:]]
    assert "/status?s=404&p=paper/1" in paths and "/ok/paper/2" in paths


def test_exclude_include_and_accept_flags_add_to_the_config(server: HostileServer, tmp_path: Path) -> None:
    urls = [server.url("/status?s=404&a"), server.url("/status?s=404&b"), server.url("/status?s=403&c")]
    write_list(tmp_path, *urls)
    (tmp_path / ".listlint.toml").write_text('exclude = ["s=404&a"]\n')
    result = lint(
        tmp_path,
        "--allow-private-hosts",
        "--exclude",
        "s=404&b",
        "--accept",
        "403",
        "--output-format",
        "text",
        "README.md",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 excluded by config" in result.stdout + result.stderr
    included = lint(tmp_path, "--allow-private-hosts", "--include", "s=403", "README.md")
    assert "1 links checked" in included.stdout + included.stderr, included.stdout


def test_a_catastrophic_pattern_runs_in_linear_time() -> None:
    pattern = compile_url_pattern("(a+)+$")
    started = time.monotonic()
    assert not pattern.search("a" * 100_000 + "!")
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("flag", ["--exclude", "--include"])
def test_a_pattern_the_engine_cannot_run_is_exit_2_naming_it(tmp_path: Path, flag: str) -> None:
    write_list(tmp_path, "https://example.org/")
    result = lint(tmp_path, flag, r"(x)\1", "README.md")
    assert result.returncode == 2
    assert r"(x)\\1" in result.stderr and flag in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_remap_accepts_lychee_style_groups() -> None:
    pattern, replacement = parse_remap(r"https://github\.com/(\w+)/(\w+) http://sim/$2/$1")
    assert pattern.sub(replacement, "https://github.com/a/b", count=1) == "http://sim/b/a"


# -- the engine's SourceHttp ------------------------------------------------------------------


def source_request(server: HostileServer, path: str, **overrides: object) -> tuple[int, bytes, int]:
    policy = EnginePolicy(
        allow_private_hosts=True, timeout=1.0, max_retries=2, backoff_base=0.05, backoff_max=0.1, **overrides
    )

    async def go() -> tuple[int, bytes, int]:
        engine = LinkEngine(policy, resolver=static_resolver({"api.test": "127.0.0.1"}))
        http = engine.source_http()
        try:
            response = await http.request("GET", server.url(path, host="api.test"), max_bytes=1000)
            return response.status_code, response.content, http.requests  # type: ignore[attr-defined]
        finally:
            await engine.aclose()

    return asyncio.run(go())


def test_source_http_answers_and_retries_within_the_budget(server: HostileServer) -> None:
    status, body, requests = source_request(server, "/anything")
    assert (status, body, requests) == (200, b"ok", 1)
    with pytest.raises(SourceUnavailable):
        source_request(server, "/status?s=503&ra=0")
    before = len(server.requests)
    with pytest.raises(SourceUnavailable):
        source_request(server, "/status?s=429&ra=0&x")
    assert len(server.requests) - before == 3  # one request and max-retries retries


def test_source_http_caps_the_size_and_the_time(server: HostileServer) -> None:
    with pytest.raises(SourceUnavailable, match="larger than"):
        source_request(server, "/endless")
    started = time.monotonic()
    with pytest.raises(SourceUnavailable):
        source_request(server, "/drip-body", url_deadline=1.5)
    assert time.monotonic() - started < 3


def test_source_http_sends_headers_to_their_origin_only(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HostileServer() as other:
        monkeypatch.setenv("LISTLINT_TEST_TOKEN", "tok-0123456789")
        hosts = {"api.test": {"headers": {"Authorization": "Bearer ${LISTLINT_TEST_TOKEN}"}}}
        target = other.url("/headers?away")
        before = len(other.requests)
        status, _, _ = source_request(server, f"/redirect?to={target}", hosts=hosts)
        assert status == 200
        assert other.requests[before:], "the redirect was followed"
        assert all("tok-0123456789" not in json.dumps(r.headers) for r in other.requests[before:])
        assert any("tok-0123456789" in json.dumps(r.headers) for r in server.requests)


def test_source_http_refuses_private_addresses_by_default() -> None:
    async def go() -> None:
        engine = LinkEngine(EnginePolicy(timeout=1.0))
        try:
            await engine.source_http().request("GET", "http://127.0.0.1:9/")
        finally:
            await engine.aclose()

    with pytest.raises(SourceUnavailable, match="private"):
        asyncio.run(go())
