"""Fake scholarly APIs on 127.0.0.1: the DOI registry, Crossref and Semantic Scholar.

Answers are shaped after the documented responses:

- DOI handle API ``GET /api/handles/DOI``: ``200 {"responseCode": 1,
  "handle": DOI, "values": [...]}`` for a registered DOI, ``404
  {"responseCode": 100, "handle": DOI}`` for an unknown one.
- Crossref ``GET /works?filter=doi:A,doi:B&rows=N``: ``{"status": "ok",
  "message-type": "work-list", "message": {"total-results": n, "items":
  [...]}}`` with one item per known DOI (``title`` and ``container-title``
  are lists, dates are ``{"date-parts": [[Y, M, D]]}``), and the
  ``x-rate-limit-limit`` / ``x-rate-limit-interval`` headers.
- Semantic Scholar ``POST /graph/v1/paper/batch?fields=...`` with ``{"ids":
  [...]}``: a list in the order asked, ``null`` for an unknown paper; ``429
  {"message": "Too Many Requests..."}`` while ``s2_busy`` is above zero.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class ScholarData:
    registered: set[str] = field(default_factory=set)  # DOIs (lower case)
    crossref: dict[str, dict[str, Any]] = field(default_factory=dict)  # DOI -> Crossref item
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)  # "ARXIV:x" / "DOI:y" -> S2 record
    s2_busy: int = 0  # answer 429 to this many batch requests first
    s2_retry_after: str = "0"
    broken: set[str] = field(default_factory=set)  # endpoints that answer garbage: handles, works, batch
    requests: Counter[str] = field(default_factory=Counter)
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    batch_sizes: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def crossref_item(
    doi: str, title: str, container: str, year: int, kind: str = "proceedings-article"
) -> dict[str, Any]:
    return {
        "DOI": doi.upper() if doi.startswith("10.1145") else doi,
        "title": [title],
        "container-title": [container],
        "published": {"date-parts": [[year, 10, 23]]},
        "issued": {"date-parts": [[year]]},
        "type": kind,
        "publisher": "ACM",
    }


def s2_record(
    title: str,
    venue: str,
    year: int | None,
    *,
    arxiv: str = "",
    doi: str = "",
    alternates: tuple[str, ...] = (),
    kind: str = "conference",
    date: str | None = None,
) -> dict[str, Any]:
    ids: dict[str, Any] = {"CorpusId": abs(hash(title)) % 10**9}
    if arxiv:
        ids["ArXiv"] = arxiv
    if doi:
        ids["DOI"] = doi
    return {
        "paperId": f"{abs(hash(title)):040x}"[:40],
        "externalIds": ids,
        "title": title,
        "venue": venue,
        "publicationVenue": {"id": "x", "name": venue, "type": kind, "alternate_names": list(alternates)}
        if venue
        else None,
        "year": year,
        "publicationDate": date if date is not None else (f"{year}-07-10" if year else None),
    }


def make_handler(data: ScholarData) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def note(self, endpoint: str) -> None:
            with data.lock:
                data.requests[endpoint] += 1
                data.seen_headers.append({k.lower(): v for k, v in self.headers.items()})

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path.startswith("/api/handles/"):
                self.note("handles")
                doi = unquote(parts.path.removeprefix("/api/handles/"))
                if "handles" in data.broken:
                    return self.send(200, b"<html>maintenance</html>")
                if doi.lower() in data.registered:
                    values = [{"index": 1, "type": "URL", "data": {"format": "string", "value": "https://x"}}]
                    return self.send(200, {"responseCode": 1, "handle": doi, "values": values})
                return self.send(404, {"responseCode": 100, "handle": doi})
            if parts.path == "/works":
                self.note("works")
                if "works" in data.broken:
                    return self.send(200, {"status": "ok", "message": {"items": "nope"}})
                query = parse_qs(parts.query)
                wanted = [f.removeprefix("doi:") for f in query.get("filter", [""])[0].split(",") if f]
                items = [data.crossref[d.lower()] for d in wanted if d.lower() in data.crossref]
                message = {"total-results": len(items), "items": items, "items-per-page": len(items)}
                body = {
                    "status": "ok",
                    "message-type": "work-list",
                    "message-version": "1.0.0",
                    "message": message,
                }
                return self.send(200, body, {"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s"})
            self.send(404, {"error": "not found"})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length", "0"))
            payload = self.rfile.read(length)
            if parts.path != "/graph/v1/paper/batch":
                return self.send(404, {"error": "not found"})
            self.note("batch")
            with data.lock:
                if data.s2_busy > 0:
                    data.s2_busy -= 1
                    return self.send(
                        429,
                        {"message": "Too Many Requests. Please wait and try again or apply for a key."},
                        {"Retry-After": data.s2_retry_after},
                    )
            if "batch" in data.broken:
                return self.send(200, b"[{]")
            ids = json.loads(payload)["ids"]
            with data.lock:
                data.batch_sizes.append(len(ids))
            if len(ids) > 500:
                return self.send(400, {"error": "Cannot process more than 500 ids"})
            self.send(200, [data.papers.get(i) for i in ids])

    return Handler


class FakeScholar:
    """``with FakeScholar(data) as url:`` serves all three APIs under ``url``."""

    def __init__(self, data: ScholarData) -> None:
        self.data = data
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(data))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
