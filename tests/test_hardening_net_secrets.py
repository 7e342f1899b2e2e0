"""Hardening: secrets and request settings (issue 16, items 1-3, 6).

Headers belong to an origin (scheme, host, port); a token echoed by a server
is never printed or written; a URL's password is never shown; a header that
cannot be sent is a config error, never a verdict on a link; redirects are
resolved by RFC 3986 and a malformed Location is never evidence of a dead link.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hostile_servers import HostileServer

from listlint.net.engine import LinkEngine
from listlint.net.policy import EnginePolicy
from listlint.net.redirects import BadLocation, Hop, origin_of, resolve_location
from listlint.net.verdicts import Kind, Verdict
from listlint.redact import redact, redact_credentials, secret_forms

SECRET = "s3cr3t-t0k3n-never-leaks-42"
FAST: dict[str, Any] = dict(timeout=1.0, allow_private_hosts=True, backoff_base=0.05, backoff_max=0.2)


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer(drip=0.2) as hostile:
        yield hostile


@pytest.fixture(scope="module")
def other() -> Iterator[HostileServer]:
    with HostileServer(drip=0.2) as hostile:
        yield hostile


def check(urls: list[str], **overrides: Any) -> dict[str, Verdict]:
    async def run() -> dict[str, Verdict]:
        engine = LinkEngine(EnginePolicy(**{**FAST, **overrides}))
        try:
            return await engine.check_all(urls)
        finally:
            await engine.aclose()

    return asyncio.run(run())


def token_hosts(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("LISTLINT_TEST_TOKEN", SECRET)
    return {"127.0.0.1": {"headers": {"Authorization": "Bearer ${LISTLINT_TEST_TOKEN}"}}}


def carried(server: HostileServer, before: int) -> list[bool]:
    return [SECRET in json.dumps(request.headers) for request in server.requests[before:]]


# -- headers belong to an origin ---------------------------------------------------------


@pytest.mark.parametrize("status", ["redirect", "moved"])
def test_a_header_never_crosses_to_another_port_of_the_same_host(
    server: HostileServer, other: HostileServer, monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    hosts = token_hosts(monkeypatch)
    target = other.url("/headers?port")
    before, before_other = len(server.requests), len(other.requests)
    verdicts = check([server.url(f"/{status}?to={quote(target, safe='')}")], hosts=hosts)
    assert {v.kind for v in verdicts.values()} == {Kind.OK}, verdicts
    assert carried(server, before) and all(carried(server, before)), "the token went to its origin"
    assert other.requests[before_other:], "the redirect was followed"
    assert not any(carried(other, before_other)), "the token crossed to another port"


def test_origins_differ_by_scheme_host_and_port() -> None:
    assert origin_of("https://a.org/x") == origin_of("https://A.org:443/y")
    assert origin_of("https://a.org/") != origin_of("http://a.org/")  # a downgrade is another origin
    assert origin_of("https://a.org/") != origin_of("https://a.org:8443/")
    assert origin_of("https://a.org/") != origin_of("https://b.a.org/")


# -- secrets in what is printed and written ------------------------------------------------


def run_cli(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listlint", "check", *args],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src"), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_token_echoed_into_a_location_is_never_printed_or_written(
    server: HostileServer, tmp_path: Path
) -> None:
    # The server appends the token it was sent to its Location.
    link = server.url("/echo?s=301&to=/ok")
    chain = server.url(f"/echo?s=302&to={quote('/status?s=404', safe='')}")
    (tmp_path / ".git").mkdir()
    readme = tmp_path / "README.md"
    original = f"# L\n\n- [a]({link}): moved with the token\n- [b]({chain}): gone\n"
    readme.write_text(original)
    (tmp_path / ".listlint.toml").write_text(
        'timeout = 1.0\nmax-retries = 0\n[hosts."127.0.0.1"]\n'
        'headers = { Authorization = "Bearer ${LISTLINT_TEST_TOKEN}" }\n'
    )
    env = {"LISTLINT_TEST_TOKEN": SECRET}
    common = ["--online", "--allow-private-hosts", "--no-cache", "--select", "LL6"]
    for format_name in ("text", "json", "github", "sarif", "markdown", "concise", "junit"):
        result = run_cli(tmp_path, *common, "--output-format", format_name, "README.md", env=env)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1), result.stderr
        assert SECRET not in result.stdout + result.stderr, format_name
        if format_name == "text":
            assert "dead link" in result.stdout and "token=***" in result.stdout, result.stdout
    result = run_cli(tmp_path, *common, "--fix", "--unsafe-fixes", "README.md", env=env)
    assert SECRET not in result.stdout + result.stderr
    assert readme.read_text() == original, "a fix wrote the token into the list"


def test_a_password_in_a_url_is_never_shown(server: HostileServer, tmp_path: Path) -> None:
    password = "hunter2-very-secret"
    link = server.url("/status?s=404").replace("http://", f"http://alice:{password}@")
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text(f"# L\n\n- [a]({link}): gone\n- [b]({link}): twice\n")
    for format_name in ("text", "json", "github", "sarif", "markdown"):
        result = run_cli(
            tmp_path,
            "--online",
            "--allow-private-hosts",
            "--no-cache",
            "--timeout",
            "1",
            "--output-format",
            format_name,
            "README.md",
        )
        assert result.returncode == 1, result.stderr
        assert password not in result.stdout + result.stderr, format_name
        if format_name in ("text", "json"):
            assert "alice:*" in result.stdout, format_name


def test_redaction_masks_every_form_of_a_secret() -> None:
    forms = secret_forms(["Bearer abc/def+ghi=="])
    text = "to https://x.org/?t=abc%2Fdef%2Bghi%3D%3D and abc/def+ghi== and ABC/DEF+GHI=="
    assert "abc" not in redact(text, forms).lower()
    assert redact_credentials("ftp://u:p@h/ and https://u@h/") == "ftp://u:***@h/ and https://u@h/"
    assert secret_forms(["Bearer", "short"]) == frozenset()  # words are not secrets


# -- request settings that cannot be sent: config errors -------------------------------------


@pytest.mark.parametrize(
    ("config", "env", "key"),
    [
        (
            'headers = { Authorization = "Bearer ${LISTLINT_TEST_TOKEN}" }',
            {"LISTLINT_TEST_TOKEN": SECRET + "\n"},
            "hosts.127.0.0.1.headers.Authorization",
        ),
        ('headers = { X-Key = "a\\r\\nX-Injected: 1" }', {}, "hosts.127.0.0.1.headers.X-Key"),
        ('headers = { "Bad Name" = "value" }', {}, "hosts.127.0.0.1.headers"),
        ('headers = { "X-Ok" = "caf\\u0000e" }', {}, "hosts.127.0.0.1.headers.X-Ok"),
    ],
)
def test_a_header_that_cannot_be_sent_is_a_config_error(
    server: HostileServer, tmp_path: Path, config: str, env: dict[str, str], key: str
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text(f"# L\n\n- [a]({server.url('/ok')}): fine\n")
    (tmp_path / ".listlint.toml").write_text(f'[hosts."127.0.0.1"]\n{config}\n')
    before = len(server.requests)
    result = run_cli(tmp_path, "--online", "--allow-private-hosts", "--no-cache", "README.md", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert key in result.stderr, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "dead" not in result.stdout
    assert len(server.requests) == before, "no request with a broken header"


@pytest.mark.parametrize("agent", ["bot\nX-Injected: 1", "bot\r", ""])
def test_a_bad_user_agent_is_a_usage_error(tmp_path: Path, agent: str) -> None:
    (tmp_path / "README.md").write_text("# L\n\n- [a](https://example.org/): fine\n")
    result = run_cli(tmp_path, "--online", "--user-agent", agent, "README.md")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--user-agent" in result.stderr
    assert "Injected" not in result.stderr


def test_the_engine_refuses_a_broken_header_set_in_code() -> None:
    from listlint.errors import ConfigError

    with pytest.raises(ConfigError, match=r"hosts\.a\.test\.headers\.X-Key") as caught:
        LinkEngine(EnginePolicy(hosts={"a.test": {"headers": {"X-Key": "v\nw"}}}))
    assert "v\nw" not in str(caught.value)


# -- redirects: RFC 3986, and malformed Locations -----------------------------------------------


def test_locations_resolve_by_rfc_3986() -> None:
    base = "http://h.test:81/a/b?q=1#f"
    assert resolve_location(base, "?x=1") == Hop("http://h.test:81/a/b?x=1")
    assert resolve_location(base, "//o.test/p") == Hop("http://o.test/p")
    assert resolve_location(base, "../c#frag") == Hop("http://h.test:81/c")
    assert isinstance(resolve_location(base, "/a\nb"), BadLocation)
    assert isinstance(resolve_location(base, "javascript:alert(1)"), BadLocation)
    assert resolve_location(base, "/a b").dubious  # type: ignore[union-attr]


def test_a_query_only_location_is_followed(server: HostileServer) -> None:
    # /redirect?to=?x=1 -> /redirect?x=1 -> 302 to "/" -> 200
    verdict = check([server.url("/redirect?to=%3Fx%3D1")])
    assert next(iter(verdict.values())).kind is Kind.OK, verdict


@pytest.mark.parametrize(
    "raw",
    [
        "/status?s=404\nnot a header line",
        "/status?s=404\r\n x",
        "/status?s=40\r\n\t4",
        "/raw-location?v=%2Fstatus%3Fs%3D404%0D%0A%20x",
    ],
    ids=["lf", "obs-fold", "obs-fold-tab", "fold-then-redirect"],
)
def test_a_malformed_location_is_never_a_dead_link(server: HostileServer, raw: str) -> None:
    url = server.url(f"/raw-location?v={quote(raw, safe='')}")
    verdict = check([url], max_retries=1)[url]
    assert verdict.kind is Kind.UNREACHABLE, verdict
    assert "loop" not in verdict.reason
