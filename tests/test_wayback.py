"""Wayback suggestions for dead links (``--suggest``), against a fake availability API on 127.0.0.1.

One threaded server plays both the web the list links to and the archive:

    /ok/ID      200
    /dead/ID    404 (dead)
    /down/ID    503, always (unreachable, never dead)
    /flip/ID    200 until ``server.flipped``, then 404
    /wayback/available?url=...[&timestamp=...]   the availability API; its
                answer depends on ``server.archive`` ("normal", "garbage", "error")
                and, for "normal", on the asked URL: ".../dead/archived*" and
                ".../flip/*" have a 200 snapshot, ".../dead/snap404*" only a 404
                snapshot, anything else none.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from listlint.cli import main
from listlint.config import Settings
from listlint.gather.sources import Lookup
from listlint.gather.stage import Network
from listlint.net.sources.wayback import parse_answer
from listlint.pipeline import RunOptions, lint_paths

SNAPSHOT_TIME = "20190307123456"
FAST = {"backoff_base": 0.01, "backoff_max": 0.05}


class FakeWeb(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.archive = "normal"
        self.flipped = False
        self.asked: list[dict[str, str]] = []  # the archive's query parameters, in order
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def api(self) -> str:
        return f"{self.base}/wayback/available"


class Handler(BaseHTTPRequestHandler):
    server: FakeWeb
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self.answer(with_body=False)

    def do_GET(self) -> None:
        self.answer(with_body=True)

    def answer(self, *, with_body: bool) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/wayback/available":
            return self.archive(parts.query, with_body)
        kind = parts.path.strip("/").split("/")[0]
        if kind == "flip":
            kind = "dead" if self.server.flipped else "ok"
        status = {"ok": 200, "dead": 404, "down": 503}.get(kind, 404)
        self.send(status, b"page", with_body)

    def archive(self, query: str, with_body: bool) -> None:
        server = self.server
        params = {key: values[0] for key, values in parse_qs(query).items()}
        with server.lock:
            server.asked.append(params)
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            time.sleep(0.05)
            if server.archive == "garbage":
                return self.send(200, b"<html>Wayback is having a bad day</html>", with_body)
            if server.archive == "error":
                return self.send(500, b"oops", with_body)
            url = params.get("url", "")
            snapshots: dict[str, Any] = {}
            if "/dead/archived" in url or "/flip/" in url:
                snapshots = {"closest": closest(url, "200")}
            elif "/dead/snap404" in url:
                snapshots = {"closest": closest(url, "404")}
            body = json.dumps({"url": url, "archived_snapshots": snapshots}).encode()
            self.send(200, body, with_body, "application/json")
        finally:
            with server.lock:
                server.in_flight -= 1

    def send(self, status: int, body: bytes, with_body: bool, kind: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)


def closest(url: str, status: str) -> dict[str, Any]:
    return {
        "available": True,
        "url": f"http://web.archive.org/web/{SNAPSHOT_TIME}/{url}",
        "timestamp": SNAPSHOT_TIME,
        "status": status,
    }


def snapshot(url: str) -> str:
    return f"https://web.archive.org/web/{SNAPSHOT_TIME}/{url}"


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(tmp_path: Path, text: str, *, fix: bool = False, unsafe: bool = False, **values: Any) -> Any:
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    base = {"cache": False, "timeout": 1.0, "max-retries": 1, "select": ["LL6"], "allow-private-hosts": True}
    settings = Settings().with_values(**{**base, **values})
    options = RunOptions(online=True, fix=fix, unsafe_fixes=unsafe, network=Network(policy=FAST))
    return lint_paths([str(path)], settings, options)


def listing(*urls: str) -> str:
    return "# List\n\n" + "".join(f"- [Item {n}]({url}): Title {n}\n" for n, url in enumerate(urls))


def wayback_notes(result: Any) -> list[str]:
    return [str(note) for note in result.notes if note.source == "wayback"]


# -- the fix --------------------------------------------------------------------


def test_a_dead_link_with_a_snapshot_gets_an_unsafe_fix(tmp_path: Path, web: FakeWeb) -> None:
    dead = f"{web.base}/dead/archived-1"
    result = run(
        tmp_path, listing(f"{web.base}/ok/1", f"{dead}#usage"), suggest=True, wayback_api_url=web.api
    )
    [finding] = result.diagnostics
    assert finding.name == "dead-link" and finding.url == f"{dead}#usage"
    assert finding.message == "dead link: 404 Not Found; the Wayback Machine has a snapshot from 2019-03-07"
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert finding.fix.message == f"replace with the snapshot {snapshot(dead)}#usage"
    # Asked once, for the dead URL only, without its fragment, and without a timestamp (none known).
    assert web.asked == [{"url": dead}]
    assert wayback_notes(result) == ["wayback: 1 URL, 0 from the cache, 1 request"]


def test_the_unsafe_fix_is_applied_only_with_unsafe_fixes(tmp_path: Path, web: FakeWeb) -> None:
    dead = f"{web.base}/dead/archived-2"
    text = listing(dead)
    safe_only = run(tmp_path, text, fix=True, suggest=True, wayback_api_url=web.api)
    assert not safe_only.files[0].changed
    applied = run(tmp_path, text, fix=True, unsafe=True, suggest=True, wayback_api_url=web.api)
    assert applied.files[0].fixed_text == listing(snapshot(dead))


def test_the_cli_diff_shows_the_snapshot_and_fix_writes_it(
    tmp_path: Path, web: FakeWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"{web.base}/dead/archived-3"
    path = tmp_path / "README.md"
    text = listing(f"{web.base}/ok/3", dead)
    path.write_text(text, encoding="utf-8")
    config = tmp_path / ".listlint.toml"
    config.write_text(f'wayback-api-url = "{web.api}"\ncache = false\n', encoding="utf-8")
    flags = [
        "check",
        str(path),
        "--config",
        str(config),
        "--online",
        "--allow-private-hosts",
        "--select",
        "LL601",
    ]

    assert main([*flags, "--suggest", "--diff", "--unsafe-fixes"]) == 1
    out = capsys.readouterr().out
    assert f"-- [Item 1]({dead}): Title 1" in out and f"+- [Item 1]({snapshot(dead)}): Title 1" in out
    assert path.read_text(encoding="utf-8") == text  # --diff writes nothing

    assert main([*flags, "--suggest", "--fix"]) == 1  # the fix is unsafe: --fix alone leaves it
    assert path.read_text(encoding="utf-8") == text

    assert main([*flags, "--suggest", "--fix", "--unsafe-fixes"]) == 0
    assert path.read_text(encoding="utf-8") == listing(f"{web.base}/ok/3", snapshot(dead))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".listlint.toml", "README.md"]  # no temp file left
    assert len(web.asked) == 3  # one request per run (no cache here)


def test_without_suggest_the_archive_is_never_asked(tmp_path: Path, web: FakeWeb) -> None:
    result = run(tmp_path, listing(f"{web.base}/dead/archived-4"), wayback_api_url=web.api)
    [finding] = result.diagnostics
    assert finding.fix is None and finding.message == "dead link: 404 Not Found"
    assert web.asked == [] and wayback_notes(result) == []


def test_suggest_as_a_flag_needs_online(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "README.md"
    path.write_text(listing("https://example.org/a"), encoding="utf-8")
    assert main(["check", str(path), "--suggest"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--suggest needs --online" in err and "Traceback" not in err


# -- no snapshot, a bad archive ---------------------------------------------------


def test_no_snapshot_or_a_snapshot_of_an_error_page_gives_no_fix(tmp_path: Path, web: FakeWeb) -> None:
    none, error_page = f"{web.base}/dead/plain-5", f"{web.base}/dead/snap404-5"
    result = run(tmp_path, listing(none, error_page), suggest=True, wayback_api_url=web.api)
    assert [(d.name, d.message, d.fix) for d in result.diagnostics] == [
        ("dead-link", "dead link: 404 Not Found", None),
        ("dead-link", "dead link: 404 Not Found", None),
    ]
    assert sorted(asked["url"] for asked in web.asked) == [none, error_page]


@pytest.mark.parametrize(
    ("archive", "reason"),
    [
        ("down", "the archive did not answer"),
        ("garbage", "the archive's answer was not the expected JSON"),
        ("error", "the archive answered HTTP 500"),
    ],
)
def test_a_failing_archive_is_one_note_and_changes_no_finding(
    tmp_path: Path, web: FakeWeb, archive: str, reason: str
) -> None:
    urls = [f"{web.base}/dead/archived-6{n}" for n in range(4)] + [f"{web.base}/ok/6"]
    text = listing(*urls)
    plain = run(tmp_path, text)
    web.archive = archive
    api = f"http://127.0.0.1:{closed_port()}/wayback/available" if archive == "down" else web.api
    result = run(tmp_path, text, suggest=True, wayback_api_url=api)
    assert result.diagnostics == plain.diagnostics
    assert all(d.fix is None for d in result.diagnostics) and len(result.diagnostics) == 4
    failures = [note for note in wayback_notes(result) if "not checked" in note]
    assert failures == [f"wayback: 4 URLs not checked: {reason}"]
    # After the first failure the archive is left alone (at most the requests already in flight).
    assert len(web.asked) <= (0 if archive == "down" else 2)


def test_a_failing_archive_keeps_the_exit_code(
    tmp_path: Path, web: FakeWeb, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "README.md"
    path.write_text(listing(f"{web.base}/dead/archived-7"), encoding="utf-8")
    config = tmp_path / ".listlint.toml"
    config.write_text(f'wayback-api-url = "{web.api}"\ncache = false\n', encoding="utf-8")
    web.archive = "garbage"
    flags = ["check", str(path), "--config", str(config), "--online", "--allow-private-hosts"]
    assert main([*flags, "--output-format", "json"]) == 1
    plain = json.loads(capsys.readouterr().out)
    assert main([*flags, "--suggest", "--output-format", "json"]) == 1
    suggested = json.loads(capsys.readouterr().out)
    assert suggested["diagnostics"] == plain["diagnostics"]
    notes = [note["message"] for note in suggested["summary"]["notes"] if note["source"] == "wayback"]
    assert "1 URL not checked: the archive's answer was not the expected JSON" in notes


# -- what is asked, and how often ----------------------------------------------------


def test_unreachable_links_are_never_sent_to_the_archive(tmp_path: Path, web: FakeWeb) -> None:
    dead, down = f"{web.base}/dead/archived-8", f"{web.base}/down/8"
    result = run(tmp_path, listing(down, dead, f"{web.base}/ok/8"), suggest=True, wayback_api_url=web.api)
    assert [d.name for d in result.diagnostics] == ["unreachable-link", "dead-link"]
    assert result.diagnostics[0].fix is None
    assert web.asked == [{"url": dead}]


def test_a_warm_cache_asks_the_archive_nothing(tmp_path: Path, web: FakeWeb) -> None:
    urls = [f"{web.base}/dead/archived-9{n}" for n in range(3)] + [f"{web.base}/dead/plain-9"]
    cache = {"cache": True, "cache_dir": str(tmp_path / "cache"), "suggest": True, "wayback_api_url": web.api}
    cold = run(tmp_path, listing(*urls, urls[0]), **cache)
    assert len(web.asked) == 4  # one request per unique URL
    warm = run(tmp_path, listing(*urls, urls[0]), **cache)
    assert len(web.asked) == 4  # none more
    assert [d.fix for d in warm.diagnostics] == [d.fix for d in cold.diagnostics]
    assert sum(d.fix is not None for d in warm.diagnostics) == 4
    assert wayback_notes(warm) == ["wayback: 4 URLs, 4 from the cache, 0 requests"]


def test_requests_to_the_archive_are_polite(tmp_path: Path, web: FakeWeb) -> None:
    urls = [f"{web.base}/dead/archived-10{n}" for n in range(5)]
    started = time.monotonic()
    run(tmp_path, listing(*urls), suggest=True, wayback_api_url=web.api)
    assert len(web.asked) == 5 and web.most_in_flight <= 2
    assert time.monotonic() - started >= 4 * 0.5  # 0.5 s between two starts


def test_the_last_day_seen_alive_is_the_timestamp_asked_for(tmp_path: Path, web: FakeWeb) -> None:
    url = f"{web.base}/flip/11"
    # Successes are not cached by the engine (max age 0), so the second run checks again.
    cache = {"cache": True, "cache_dir": str(tmp_path / "cache"), "cache_max_age": 0.0}
    alive = run(tmp_path, listing(url), suggest=True, wayback_api_url=web.api, **cache)
    assert alive.diagnostics == [] and web.asked == []
    web.flipped = True
    dead = run(tmp_path, listing(url), suggest=True, wayback_api_url=web.api, **cache)
    assert [d.fix is not None for d in dead.diagnostics] == [True]
    assert web.asked == [{"url": url, "timestamp": time.strftime("%Y%m%d", time.gmtime())}]


# -- reading the archive's answer ---------------------------------------------------


def answer(**closest_fields: Any) -> bytes:
    fields = {**closest("https://a.example/x", "200"), **closest_fields}
    return json.dumps({"url": "https://a.example/x", "archived_snapshots": {"closest": fields}}).encode()


def test_parse_answer_takes_a_2xx_snapshot_as_https() -> None:
    assert parse_answer(answer()) == Lookup(
        "found",
        {
            "url": f"https://web.archive.org/web/{SNAPSHOT_TIME}/https://a.example/x",
            "timestamp": SNAPSHOT_TIME,
        },
    )
    assert parse_answer(answer(status=203)).found


@pytest.mark.parametrize(
    "body",
    [answer(status="302"), answer(available=False), b'{"url": "x", "archived_snapshots": {}}'],
)
def test_parse_answer_without_a_working_snapshot_is_missing(body: bytes) -> None:
    assert parse_answer(body).status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"url": "x"}',
        b'{"archived_snapshots": {"closest": "x"}}',
        answer(timestamp="2019"),
        answer(url="javascript:alert(1)"),
        answer(url="http://web.archive.org/web/1/x y"),
        answer(url=None),
        answer(status=None),
    ],
)
def test_parse_answer_rejects_what_is_not_the_documented_json(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_answer(body)
