"""Wayback suggestions for dead links, against a fake availability API on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hostile_servers import HostileServer

from listlint.net.wayback import read_snapshot

SRC = str(Path(__file__).parents[1] / "src")
SNAPSHOT = "http://web.archive.org/web/20200101000000/{url}"


class FakeArchive(ThreadingHTTPServer):
    """``/wayback/available?url=U``: a 200 snapshot for URLs holding "archived", none otherwise."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.broken = False
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/wayback/available"


class Handler(BaseHTTPRequestHandler):
    server: FakeArchive

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        url = parse_qs(urlsplit(self.path).query).get("url", [""])[0]
        self.server.asked.append(url)
        if self.server.broken:
            body, status = b"<html>maintenance</html>", 503
        elif "archived" in url:
            closest = {"available": True, "status": "200", "timestamp": "20200101000000"}
            closest["url"] = SNAPSHOT.format(url=url)
            body, status = json.dumps({"url": url, "archived_snapshots": {"closest": closest}}).encode(), 200
        else:
            body, status = json.dumps({"url": url, "archived_snapshots": {}}).encode(), 200
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def archive() -> Iterator[FakeArchive]:
    server = FakeArchive()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def web() -> Iterator[HostileServer]:
    with HostileServer() as hostile:
        yield hostile


def lint(folder: Path, archive: FakeArchive, *args: str) -> subprocess.CompletedProcess[str]:
    (folder / ".listlint.toml").write_text(f'wayback-api-url = "{archive.api}"\n')
    return subprocess.run(
        [sys.executable, "-m", "listlint", "check", "--online", "--allow-private-hosts", "--select", "LL601"]
        + ["--cache-dir", str(folder / "cache"), *args],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_dead_link_gets_an_unsafe_fix_to_its_snapshot(
    web: HostileServer, archive: FakeArchive, tmp_path: Path
) -> None:
    archived = web.url("/status?s=404&archived")
    lost = web.url("/status?s=404&lost")
    alive = web.url("/ok")
    (tmp_path / ".git").mkdir()
    readme = tmp_path / "README.md"
    readme.write_text(f"# L\n\n- [a]({archived}): gone, archived\n- [b]({lost}): gone\n- [c]({alive}): ok\n")
    result = lint(tmp_path, archive, "--suggest", "--output-format", "json", "README.md")
    assert result.returncode == 1, result.stderr
    found = {d["url"]: d for d in json.loads(result.stdout)["diagnostics"]}
    assert set(found) == {archived, lost}
    fix = found[archived]["fix"]
    assert fix["applicability"] == "unsafe"
    assert fix["edits"][0]["content"] == SNAPSHOT.format(url=archived).replace("http://", "https://", 1)
    assert found[lost]["fix"] is None
    assert sorted(archive.asked) == sorted([archived, lost])  # only dead links are asked about
    # Applied only with --unsafe-fixes; the answer is cached (no second request).
    asked = len(archive.asked)
    lint(tmp_path, archive, "--suggest", "--fix", "--unsafe-fixes", "README.md")
    assert "web.archive.org/web/20200101000000/" in readme.read_text()
    assert len(archive.asked) == asked


def test_without_suggest_the_archive_is_never_asked(
    web: HostileServer, archive: FakeArchive, tmp_path: Path
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text(f"# L\n\n- [a]({web.url('/status?s=404&archived2')}): gone\n")
    result = lint(tmp_path, archive, "--output-format", "json", "README.md")
    assert result.returncode == 1
    assert archive.asked == []
    assert json.loads(result.stdout)["diagnostics"][0]["fix"] is None


def test_an_unreachable_archive_is_one_note(web: HostileServer, archive: FakeArchive, tmp_path: Path) -> None:
    archive.broken = True
    (tmp_path / ".git").mkdir()
    entries = "".join(f"- [a{n}]({web.url(f'/status?s=404&archived-x{n}')}): gone\n" for n in range(5))
    (tmp_path / "README.md").write_text("# L\n\n" + entries)
    result = lint(tmp_path, archive, "--suggest", "--no-cache", "README.md")
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("could not be reached") == 1, result.stdout
    assert result.stdout.count("LL601") == 5


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"archived_snapshots": {"closest": {"available": true, "status": "404", "url": "x"}}}',
    ],
)
def test_a_strange_answer_is_never_a_suggestion(body: bytes) -> None:
    assert not read_snapshot(200, body)
