"""A hostile or broken arXiv API: never a false "not found", never a crash, never a hang.

Each case answers the ``id_list`` query on a real server on 127.0.0.1.  What
is asserted, for every class: the real paper is not reported missing (no
LL701), the run ends (quickly) with one arxiv-unchecked warning, and nothing
the server sent reaches an output stream.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.pipeline import RunOptions, lint_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_arxiv import FEED_HEAD, FakeRecord  # noqa: E402

ALPA = FakeRecord(
    "2201.12023",
    "Alpa: Automating Inter- and Intra-Operator Parallelism for Distributed Deep Learning",
    versions=3,
    published="2022-01-28T10:13:35Z",
)
TEXT = "- [Alpa](https://arxiv.org/abs/2201.12023) | OSDI' 22\n"

Answer = Callable[[list[str], int], tuple[int, bytes]]


def feed(*entries: str, total: int | None = None) -> bytes:
    head = FEED_HEAD.format(per_page=10, total=len(entries) if total is None else total, query="q", start=0)
    return (head + "".join(entries) + "</feed>\n").encode()


@dataclass
class FeedServer:
    """``answer(ids, n)`` -> (status, body) for the n-th request (0-based); ``drip`` slows the body."""

    answer: Answer
    drip: float = 0.0
    asked: list[list[str]] = field(default_factory=list)

    def __enter__(self) -> FeedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                query = parse_qs(urlsplit(self.path).query)
                ids = [i for i in (query.get("id_list") or [""])[0].split(",") if i]
                server.asked.append(ids)
                status, body = server.answer(ids, len(server.asked) - 1)
                self.send_response(status)
                self.send_header("Content-Type", "application/atom+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if server.drip:
                        for index in range(len(body)):
                            self.wfile.write(body[index : index + 1])
                            self.wfile.flush()
                            time.sleep(server.drip)
                    else:
                        self.wfile.write(body)
                except OSError:
                    pass  # the client gave up, as it should

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/query"


def settings_for(url: str, **values: Any) -> Settings:
    base = {"arxiv_api_url": url, "arxiv_delay": 0.0, "arxiv_retries": 0, "cache": False, "select": ["LL7"]}
    return Settings().with_values(**{**base, **values})


def check(answer: Answer, **values: Any) -> tuple[list[Diagnostic], FeedServer]:
    with FeedServer(answer) as server:
        found = lint_text(TEXT, settings_for(server.url, **values), options=RunOptions(online=True))
    return found, server


def assert_unchecked(found: list[Diagnostic]) -> None:
    assert [(d.name, d.severity) for d in found] == [("arxiv-unchecked", "warning")], [
        d.message for d in found
    ]


def always(status: int, body: bytes) -> Answer:
    return lambda ids, n: (status, body)


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <opensearch:totalResults>1</opensearch:totalResults>
  <entry><id>http://arxiv.org/abs/2201.12023v3</id><title>&e;</title>
    <published>2022-01-28T10:13:35Z</published><updated>2022-01-28T10:13:35Z</updated></entry>
</feed>
"""

HOSTILE: dict[str, Answer] = {
    "truncated feed": always(200, feed(ALPA.entry())[:-400]),
    "garbage after the namespace": always(
        200, b'<feed xmlns="http://www.w3.org/2005/Atom">\x00\xff<<<garbage'
    ),
    "wrong root element": always(
        200,
        feed(ALPA.entry()).replace(b"<feed ", b"<rss ").replace(b"</feed>", b"</rss>"),
    ),
    "html with the atom namespace in a comment": always(
        200, b"<html><!-- http://www.w3.org/2005/Atom --><body>Sign in to the Wi-Fi</body></html>"
    ),
    "an empty body": always(200, b""),
    "entries not asked for": always(200, feed(FakeRecord("2303.06865", "FlexGen: A Paper").entry())),
    "an entry twice": always(200, feed(ALPA.entry(), ALPA.entry())),
    "an entity bomb": always(200, ENTITY_BOMB),
    "a bad published date": always(
        200, feed(FakeRecord(ALPA.id, ALPA.title, versions=3, published="not-a-date").entry())
    ),
    "a title of 200 KB": always(200, feed(FakeRecord(ALPA.id, "Alpa " * 40_000, versions=3).entry())),
    "a comment of 1 MB": always(200, feed(FakeRecord(ALPA.id, ALPA.title, comment="x" * 1_000_000).entry())),
    "no totalResults": always(
        200, feed(ALPA.entry()).replace(b"opensearch:totalResults", b"opensearch:other")
    ),
    "a 404 page": always(404, b"<html>Not Found</html>"),
    "a 400 that names no ID": always(400, b"<html>Bad Request</html>"),
    "an error entry naming another ID": always(
        200,
        feed(
            "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_9999.99999</id>"
            "<title>Error</title></entry>"
        ),
    ),
    "an empty feed, then a broken one": lambda ids, n: (200, feed()) if n == 0 else (200, b"<feed"),
    "entries dropped twice (totalResults says 1)": always(200, feed(total=1)),
}


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.replace(" ", "-"))
def test_a_broken_answer_is_unchecked_never_not_found(case: str) -> None:
    started = time.monotonic()
    found, _ = check(HOSTILE[case])
    assert_unchecked(found)
    assert time.monotonic() - started < 5


def test_not_found_needs_a_complete_feed_twice() -> None:
    # The first answer drops the entry (as arXiv does under load); the second has it.
    def answer(ids: list[str], n: int) -> tuple[int, bytes]:
        return (200, feed()) if n == 0 else (200, feed(ALPA.entry()))

    found, server = check(answer)
    assert found == []
    assert server.asked == [[ALPA.id], [ALPA.id]]


def test_a_paper_absent_from_two_complete_feeds_is_not_found() -> None:
    found, server = check(always(200, feed()))
    assert [d.name for d in found] == ["arxiv-not-found"]
    assert server.asked == [[ALPA.id], [ALPA.id]]


def test_a_slow_body_does_not_outlive_the_timeout() -> None:
    body = feed(ALPA.entry())
    with FeedServer(always(200, body), drip=1.0) as server:
        started = time.monotonic()
        found = lint_text(
            TEXT, settings_for(server.url, arxiv_timeout=1.0, timeout=30.0), options=RunOptions(online=True)
        )
        elapsed = time.monotonic() - started
    assert_unchecked(found)
    assert "within 1 s" in found[0].message
    assert elapsed < 3


def test_a_huge_answer_is_cut_off_without_the_memory() -> None:
    """A 300 MB feed (here 60 MB, sent as fast as possible) is refused at the size cap."""
    chunk = b"<title>" + b"A" * 1_000_000 + b"</title>"
    body = feed(ALPA.entry()).replace(b"</feed>", chunk * 60 + b"</feed>")
    tracemalloc.start()
    try:
        found, _ = check(always(200, body))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_unchecked(found)
    assert "too large" in found[0].message
    assert peak < 40_000_000, f"{peak / 1e6:.0f} MB"


def test_one_broken_entry_costs_only_its_paper() -> None:
    flexgen = FakeRecord(
        "2303.06865",
        "FlexGen: High-Throughput Generative Inference of Large Language Models with a Single GPU",
        published="2023-03-13T00:00:00Z",
    )
    broken = FakeRecord(ALPA.id, ALPA.title, versions=3, published="2022-13-45T99:00:00Z")
    text = TEXT + (
        f"- [FlexGen](https://arxiv.org/abs/{flexgen.id}): High-throughput Generative Inference of Large "
        "Language Models with a Single GPU | ICML' 23\n"
    )
    with FeedServer(always(200, feed(broken.entry(), flexgen.entry()))) as server:
        found = lint_text(text, settings_for(server.url), options=RunOptions(online=True))
    assert [(d.line, d.name) for d in found] == [(1, "arxiv-unchecked")]
    assert "not checked for 1 entry" in found[0].message


INJECTION = "\n::error file=README.md,line=1::INJECTED\n##[error]INJECTED\n"


def run_cli(tmp_path: Path, text: str, body: bytes, output_format: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "README.md").write_text(text, encoding="utf-8")
    (tmp_path / ".listlint.toml").write_text("arxiv-delay = 0.0\narxiv-retries = 0\ncache = false\n")
    (tmp_path / ".git").mkdir(exist_ok=True)
    with FeedServer(always(200, body)) as server:
        env = {**os.environ, "LISTLINT_ARXIV_API_URL": server.url, "PYTHONWARNINGS": "default"}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent / "src")
        command = ["check", "--online", "--select", "LL7", "--output-format", output_format]
        return subprocess.run(
            [sys.executable, "-m", "listlint", *command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )


@pytest.mark.parametrize("output_format", ["github", "text", "json"])
def test_an_id_holding_workflow_commands_reaches_no_stream(tmp_path: Path, output_format: str) -> None:
    """The feed's <id> carries workflow commands: not one character of it is shown, anywhere."""
    entry = ALPA.entry().replace(
        f"<id>http://arxiv.org/abs/{ALPA.id}v3</id>", f"<id>http://arxiv.org/abs/{ALPA.id}v3{INJECTION}</id>"
    )
    result = run_cli(tmp_path, TEXT, feed(entry), output_format)
    assert result.returncode == 0, result.stderr  # one warning (arxiv-unchecked), no error, no crash
    assert "INJECTED" not in result.stdout + result.stderr
    if output_format == "json":
        report = json.loads(result.stdout)
        assert [d["code"] for d in report["diagnostics"]] == ["LL707"]
        notes = report["summary"]["notes"]
        assert {
            "source": "arxiv",
            "message": "1 ID not checked: the feed has an entry with an unexpected ID",
            "counts": {},
        } in notes


@pytest.mark.parametrize("output_format", ["github", "text", "json"])
def test_a_title_holding_workflow_commands_starts_no_line(tmp_path: Path, output_format: str) -> None:
    """A title is shown (in a title finding), but as one line: no command can start a line."""
    entry = ALPA.entry().replace("</title>", f"{INJECTION}</title>")
    text = "- [Alpa](https://arxiv.org/abs/2201.12023): A Survey of Something Else Entirely | OSDI' 22\n"
    result = run_cli(tmp_path, text, feed(entry), output_format)
    assert result.returncode in (0, 1), result.stderr
    assert "INJECTED" in result.stdout  # the title is reported ...
    for line in (result.stdout + result.stderr).splitlines():  # ... but starts no command
        assert not line.lstrip().startswith(("::error file=README.md", "##[error]INJECTED")), line


@pytest.fixture
def quiet_api() -> Iterator[FeedServer]:
    with FeedServer(always(200, feed(ALPA.entry()))) as server:
        yield server


def test_a_well_formed_answer_still_works(quiet_api: FeedServer) -> None:
    found = lint_text(TEXT, settings_for(quiet_api.url), options=RunOptions(online=True))
    assert found == []
    assert quiet_api.asked == [[ALPA.id]]
