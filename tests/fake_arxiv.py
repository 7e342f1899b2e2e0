"""A fake arXiv API on 127.0.0.1 that speaks the real Atom format.

The responses copy what export.arxiv.org sends for ``id_list`` queries
(recorded in the ``arxiv`` package's test fixtures): an Atom feed with
opensearch totals, one ``<entry>`` per known ID with its versioned ``<id>``,
``<published>`` (version 1), ``<updated>`` (latest version) and an optional
``<arxiv:comment>``; unknown but well-formed IDs are simply absent; a
malformed ID makes the whole query fail with HTTP 400 and an error entry.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ID_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")


@dataclass
class FakeRecord:
    id: str
    title: str
    versions: int = 1
    published: str = "2024-01-15T18:00:00Z"
    updated: str = ""
    comment: str = ""
    summary: str = "We present a system."

    def entry(self) -> str:
        updated = self.updated or self.published
        comment = f"\n    <arxiv:comment>{escape(self.comment)}</arxiv:comment>" if self.comment else ""
        versioned = f"{self.id}v{self.versions}"
        return f"""  <entry>
    <id>http://arxiv.org/abs/{versioned}</id>
    <title>{escape(self.title)}</title>
    <updated>{updated}</updated>
    <link href="https://arxiv.org/abs/{versioned}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{versioned}" rel="related" type="application/pdf" title="pdf"/>
    <summary>{escape(self.summary)}</summary>
    <category term="cs.DC" scheme="http://arxiv.org/schemas/atom"/>
    <published>{self.published}</published>{comment}
    <arxiv:primary_category term="cs.DC"/>
    <author>
      <name>Ada Lovelace</name>
    </author>
  </entry>
"""


FEED_HEAD = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: {query}</title>
  <updated>2026-04-12T22:09:36Z</updated>
  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
"""

ERROR_ENTRY = """  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{bad}</id>
    <title>Error</title>
    <updated>2026-04-12T22:59:06Z</updated>
    <link href="https://arxiv.org/api/errors#incorrect_id_format_for_{bad}" rel="alternate" type="text/html"/>
    <summary>incorrect id format for {bad}</summary>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
"""


@dataclass
class FakeArxiv:
    """``with FakeArxiv(records) as api: ... api.url ... api.requests``."""

    records: dict[str, FakeRecord] = field(default_factory=dict)
    # Statuses to answer (in order) before answering normally, e.g. [503, 503].
    failures: list[int] = field(default_factory=list)
    requests: list[tuple[float, list[str]]] = field(default_factory=list)
    # IDs this API calls malformed although they look well-formed (HTTP 400).
    rejected: set[str] = field(default_factory=set)
    # The status of the error feed for a malformed ID (arXiv now sends 400; it used to send 200).
    error_status: int = 400
    # Sent as Retry-After with each failure, when set.
    retry_after: str = ""
    # Seconds to think before each answer (a slow API).
    latency: float = 0.0
    # Answer every request with this body and status 200 (a captive portal, say).
    garbage: str = ""
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @classmethod
    def of(cls, *records: FakeRecord, **kwargs: Any) -> FakeArxiv:
        return cls(records={r.id: r for r in records}, **kwargs)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/query"

    @property
    def ids_asked(self) -> list[str]:
        return [i for _, ids in self.requests for i in ids]

    def __enter__(self) -> FakeArxiv:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                status, body = fake.answer(self.path)
                data = body.encode("utf-8")
                self.send_response(status)
                if status >= 500 and fake.retry_after:
                    self.send_header("Retry-After", fake.retry_after)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
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

    def answer(self, path: str) -> tuple[int, str]:
        query = parse_qs(urlsplit(path).query, keep_blank_values=True)
        ids = [i for i in (query.get("id_list") or [""])[0].split(",") if i]
        self.requests.append((time.monotonic(), ids))
        time.sleep(self.latency)
        if self.failures:
            return self.failures.pop(0), "<html><body>Service Unavailable</body></html>"
        if self.garbage:
            return 200, self.garbage
        start = int((query.get("start") or ["0"])[0])
        per_page = int((query.get("max_results") or ["10"])[0])
        head = dict(query=escape(f"id_list={','.join(ids)}"), start=start)
        for arxiv_id in ids:
            if not ID_RE.match(arxiv_id) or arxiv_id in self.rejected:
                return self.error_status, (
                    FEED_HEAD.format(per_page=1, total=1, **head)
                    + ERROR_ENTRY.format(bad=escape(arxiv_id))
                    + "</feed>\n"
                )
        found = [
            self.records[ID_RE.match(i).group(1)]
            for i in ids  # type: ignore[union-attr]
            if ID_RE.match(i).group(1) in self.records
        ]  # type: ignore[union-attr]
        page = found[start : start + per_page]
        return 200, (
            FEED_HEAD.format(per_page=per_page, total=len(found), **head)
            + "".join(record.entry() for record in page)
            + "</feed>\n"
        )
