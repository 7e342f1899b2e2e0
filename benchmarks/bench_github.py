"""GitHub repository links: the GraphQL source versus crawling github.com, in one run.

    python3 benchmarks/bench_github.py                          # awesome-go.md
    python3 benchmarks/bench_github.py --corpus ../shared/corpora/awesome-rust.md --skip-lychee

Both paths run on 127.0.0.1 against the same planted truth:

- a fake GitHub GraphQL API (tests/fake_github.py: graphql-core, GitHub's
  answer shapes, rateLimit) that knows every repository of the list, with a
  few planted missing, archived, renamed and disabled ones;
- a simulated github.com that serves the same repositories as pages (404
  for missing ones, 301 for renamed ones) and, like the real site, answers
  429 once a burst is used up: a token bucket of ``--burst`` requests refilled
  at ``--rate`` per second, ``Retry-After`` saying when the next token comes.

Measured: requests, wall time (as ratios), and verdicts against the truth
(false "missing"/dead, missed ones, unchecked), for

1. the API path: the github source asks the API (batches of 100), then the
   links it does not vouch for (deep links) are crawled on the simulated site;
   then a second run over the same cache must make 0 API requests;
2. the crawl path: listlint's link engine crawls every repository link on the
   simulated site (what a run without a token does);
3. lychee on the same simulated site (``--remap`` points github.com at it),
   when the ``lychee`` command is installed.

The source runs over the gather stage's cache when that stage exists
(``listlint.gather.stage``); otherwise the warm run is skipped and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402
from fake_github import FakeGithub, FakeRepo  # noqa: E402

from listlint.gather.plain_http import PlainHttp  # noqa: E402
from listlint.gather.sources import Lookup  # noqa: E402
from listlint.net.sources.github import GithubSource, parse_repo_link  # noqa: E402
from listlint.pipeline import parse  # noqa: E402
from listlint.source import Source  # noqa: E402

TOKEN = "bench-token-5f1c0a"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "awesome-go.md"


# -- the truth -------------------------------------------------------------------


@dataclass
class Truth:
    """Every repository of the list, as written first, and what is planted on it."""

    names: dict[str, str] = field(default_factory=dict)  # key -> OWNER/REPO as written
    missing: set[str] = field(default_factory=set)
    archived: set[str] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)  # key -> new OWNER/REPO
    disabled: set[str] = field(default_factory=set)

    def expected(self, key: str) -> str:
        if key in self.missing:
            return "missing"
        if key in self.renamed:
            return "renamed"
        if key in self.archived:
            return "archived"
        if key in self.disabled:
            return "disabled"
        return "ok"


def read_links(corpus: Path) -> tuple[list[str], dict[str, str]]:
    """The list's repository links (unique, without #fragment) and each one's key."""
    document = parse(Source(path=str(corpus), text=corpus.read_text(encoding="utf-8")))
    source = GithubSource(token=TOKEN)
    links: dict[str, str] = {}
    for link in document.links:
        key = source.key(link)
        if key is not None:
            links.setdefault(strip_fragment(link.url.strip()), key)
    return list(links), links


def strip_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def plant(urls: Iterable[str], seed: int) -> Truth:
    truth = Truth()
    for url in urls:
        found = parse_repo_link(url)
        assert found is not None
        truth.names.setdefault(found.key, f"{found.owner}/{found.name}")
    keys = sorted(truth.names)
    rng = random.Random(seed)
    chosen = rng.sample(keys, k=max(4, len(keys) * 45 // 1000))
    quarter = len(chosen) // 9
    truth.missing = set(chosen[: 2 * quarter])
    truth.renamed = {
        key: f"{truth.names[key].split('/')[0]}-moved/{truth.names[key].split('/')[1]}"
        for key in chosen[2 * quarter : 4 * quarter]
    }
    truth.archived = set(chosen[4 * quarter : 8 * quarter])
    truth.disabled = set(chosen[8 * quarter :])
    return truth


def fake_api(truth: Truth) -> FakeGithub:
    repos = []
    for key, name in truth.names.items():
        if key in truth.missing:
            continue
        repos.append(
            FakeRepo(
                truth.renamed.get(key, name),
                archived_at="2023-02-01T09:00:00Z" if key in truth.archived else None,
                disabled=key in truth.disabled,
                default_branch="master",
            )
        )
    return FakeGithub.of(*repos, renames=dict(truth.renamed), token=TOKEN)


# -- a simulated github.com --------------------------------------------------------


@dataclass
class SimulatedGithub:
    """github.com's repository pages, with its 429 after a burst."""

    truth: Truth
    burst: int = 100
    rate: float = 40.0
    requests: int = 0
    throttled: int = 0
    authorizations: int = 0
    tokens: float = 0.0
    last: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    moved_to: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)
        self.moved_to = {name.lower() for name in self.truth.renamed.values()}

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def take(self) -> float:
        """0 when a request may be served now, else the seconds until the next token."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            self.requests += 1
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            self.throttled += 1
            return (1 - self.tokens) / self.rate

    def page(self, path: str) -> tuple[int, dict[str, str]]:
        segments = [s for s in path.split("?")[0].split("/") if s]
        if len(segments) < 2:
            return 200, {}
        key = f"{segments[0]}/{segments[1].removesuffix('.git')}".lower()
        if key in self.moved_to:
            return 200, {}
        if key not in self.truth.names or key in self.truth.missing:
            return 404, {}
        if key in self.truth.renamed:
            rest = "/".join(segments[2:])
            return 301, {"Location": f"/{self.truth.renamed[key]}" + (f"/{rest}" if rest else "")}
        return 200, {}

    def __enter__(self) -> SimulatedGithub:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self, body: bool) -> None:
                if self.headers.get("Authorization"):
                    site.authorizations += 1
                wait = site.take()
                headers: dict[str, str] = {"Content-Type": "text/html; charset=utf-8"}
                if wait:
                    status = 429
                    headers["Retry-After"] = str(max(1, math.ceil(wait)))
                    data = b"<html><body>Too many requests</body></html>"
                else:
                    status, extra = site.page(self.path)
                    headers.update(extra)
                    data = (
                        b"<html><body>"
                        + (b"Page not found" if status == 404 else b"Repository")
                        + b"</body></html>"
                    )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                self.answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self.answer(False)

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.request_queue_size = 256
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()


class RemapTransport(httpx.AsyncBaseTransport):
    """Sends github.com requests to the simulation (the benchmark's stand-in for ``remap``)."""

    def __init__(self, origin: str) -> None:
        self.inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=100))
        self.target = httpx.URL(origin)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (request.url.host or "").removeprefix("www.") == "github.com":
            request.url = request.url.copy_with(
                scheme=self.target.scheme, host=self.target.host, port=self.target.port
            )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


# -- the two paths ---------------------------------------------------------------


async def crawl(urls: list[str], origin: str) -> dict[str, Any]:
    """listlint's link engine over ``urls``, github.com remapped to ``origin``."""
    from listlint.config import Settings
    from listlint.net.engine import LinkEngine
    from listlint.net.policy import EnginePolicy

    policy = EnginePolicy.from_settings(Settings())
    engine = LinkEngine(policy, transport=RemapTransport(origin))
    try:
        verdicts = await asyncio.gather(*(engine.check(url) for url in urls))
    finally:
        await engine.aclose()
    return {url: verdict for url, verdict in zip(urls, verdicts, strict=True)}


async def ask_api(keys: list[str], api_url: str) -> tuple[dict[str, Lookup], GithubSource]:
    source = GithubSource(token=TOKEN, graphql_url=api_url)
    async with httpx.AsyncClient(timeout=30.0) as client:
        http = PlainHttp(client)
        batches = [keys[i : i + source.batch_size] for i in range(0, len(keys), source.batch_size)]
        answers: dict[str, Lookup] = {}
        for found in await asyncio.gather(*(source.fetch(batch, http) for batch in batches)):
            answers.update(found)
    return answers, source


def api_verdict(key: str, lookup: Lookup | None) -> str:
    if lookup is None or lookup.status == "unchecked":
        return "unchecked"
    if lookup.status == "missing":
        return "missing"
    record = lookup.record
    if str(record.get("nameWithOwner", "")).lower() != key:
        return "renamed"
    if record.get("isArchived"):
        return "archived"
    if record.get("isDisabled"):
        return "disabled"
    return "ok"


def score_api(truth: Truth, answers: dict[str, Lookup]) -> dict[str, int]:
    wrong = Counter()
    for key in truth.names:
        expected, got = truth.expected(key), api_verdict(key, answers.get(key))
        if got == "unchecked":
            wrong["unchecked"] += 1
        elif got != expected:
            wrong["wrong"] += 1
            if got == "missing":
                wrong["false_missing"] += 1
    found = Counter(api_verdict(key, answers.get(key)) for key in truth.names)
    return {
        "wrong": wrong["wrong"],
        "false_missing": wrong["false_missing"],
        "unchecked": wrong["unchecked"],
        **{f"found_{name}": found[name] for name in ("missing", "archived", "renamed", "disabled")},
    }


def score_crawl(truth: Truth, links: dict[str, str], verdicts: dict[str, Any]) -> dict[str, int]:
    counts = Counter()
    for url, verdict in verdicts.items():
        dead = truth.expected(links[url]) == "missing"
        kind = str(verdict.kind)
        counts[kind] += 1
        if kind == "dead" and not dead:
            counts["false_dead"] += 1
        if dead and kind != "dead":
            counts["missed_dead"] += 1
        if kind == "ok" and verdict.moved_to:
            counts["moved"] += 1
    return dict(counts)


def run_lychee(
    urls: list[str], truth: Truth, links: dict[str, str], origin: str, work: Path
) -> dict[str, Any]:
    """lychee's defaults, github.com remapped to the simulation."""
    listing = work / "links.md"
    listing.write_text("".join(f"- <{url}>\n" for url in urls), encoding="utf-8")
    output = work / "lychee.json"
    command = [
        "lychee",
        "--no-progress",
        "--format",
        "json",
        "--output",
        str(output),
        "--remap",
        f"^https?://(www\\.)?github\\.com/ {origin}/",
        str(listing),
    ]
    started = time.perf_counter()
    subprocess.run(command, cwd=work, capture_output=True, check=False, timeout=1800)
    wall = time.perf_counter() - started
    data = json.loads(output.read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    flagged: set[str] = set()
    for map_name in ("error_map", "fail_map", "timeout_map"):
        for entries in (data.get(map_name) or {}).values():
            for entry in entries:
                url = ((entry.get("remap") or {}).get("original") or {}).get("url") or entry["url"]
                status = json.dumps(entry.get("status"))
                flagged.add(url)
                counts["404" if "404" in status else "429" if "429" in status else "other"] += 1
                if truth.expected(links.get(url, "")) != "missing":
                    counts["false_failed"] += 1
    dead = {url for url in urls if truth.expected(links[url]) == "missing"}
    return {"wall": wall, "failed": len(flagged), "missed_dead": len(dead - flagged), **counts}


# -- main ------------------------------------------------------------------------


def show(name: str, values: dict[str, Any]) -> None:
    shown = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in values.items()}
    print(f"{name}: {json.dumps(shown)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--burst", type=int, default=100, help="requests the simulated site serves at once")
    parser.add_argument("--rate", type=float, default=40.0, help="its sustained requests per second")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--skip-lychee", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: not found (the corpora live in ../shared/corpora)")

    urls, links = read_links(args.corpus)
    truth = plant(urls, args.seed)
    keys = sorted(truth.names)
    print(
        f"{args.corpus.name}: {len(urls)} repository links, {len(keys)} repositories; planted "
        f"{len(truth.missing)} missing, {len(truth.archived)} archived, {len(truth.renamed)} renamed, "
        f"{len(truth.disabled)} disabled"
    )
    print(f"simulated github.com: 429 after a burst of {args.burst}, then {args.rate:g} requests/s")
    results: dict[str, dict[str, Any]] = {}

    # 1. the API path, then a crawl of what it does not vouch for
    with fake_api(truth) as api:
        started = time.perf_counter()
        answers, source = asyncio.run(ask_api(keys, api.url))
        api_wall = time.perf_counter() - started
        from listlint.document.model import Link, Span

        def as_link(url: str) -> Link:
            return Link(text="", url=url, span=Span(0, 0), text_span=Span(0, 0), url_span=Span(0, 0))

        rest = [url for url in urls if not source.vouches_for(as_link(url), answers[links[url]])]
        with SimulatedGithub(truth, burst=args.burst, rate=args.rate) as site:
            started = time.perf_counter()
            rest_verdicts = asyncio.run(crawl(rest, site.origin)) if rest else {}
            rest_wall = time.perf_counter() - started
            rest_requests, rest_throttled, leaked = site.requests, site.throttled, site.authorizations
        results["api"] = {
            "graphql_requests": len(api.requests),
            "over_limit": api.over_limit,
            "api_wall": api_wall,
            "crawled_after": len(rest),
            "crawl_requests": rest_requests,
            "crawl_429": rest_throttled,
            "wall": api_wall + rest_wall,
            "token_sent_to_site": leaked,
            **score_api(truth, answers),
            **{f"deep_{k}": v for k, v in score_crawl(truth, links, rest_verdicts).items()},
        }

    show("api", results["api"])

    # 2. the crawl path (no token)
    with SimulatedGithub(truth, burst=args.burst, rate=args.rate) as site:
        started = time.perf_counter()
        verdicts = asyncio.run(crawl(urls, site.origin))
        results["crawl"] = {
            "wall": time.perf_counter() - started,
            "requests": site.requests,
            "throttled": site.throttled,
            **score_crawl(truth, links, verdicts),
        }

    show("crawl", results["crawl"])

    # 3. lychee
    if not args.skip_lychee and shutil.which("lychee"):
        with (
            tempfile.TemporaryDirectory() as folder,
            SimulatedGithub(truth, burst=args.burst, rate=args.rate) as site,
        ):
            results["lychee"] = run_lychee(urls, truth, links, site.origin, Path(folder))
            results["lychee"].update(requests=site.requests, throttled=site.throttled)
        show("lychee", results["lychee"])

    api_wall = results["api"]["wall"]
    print(f"wall-time ratio crawl/api: {results['crawl']['wall'] / api_wall:.1f}")
    if "lychee" in results:
        print(f"wall-time ratio lychee/api: {results['lychee']['wall'] / api_wall:.1f}")
    ok = results["api"]["graphql_requests"] <= 40 and results["api"]["false_missing"] == 0
    ok = ok and results["api"]["wrong"] == 0 and results["api"]["token_sent_to_site"] == 0
    print(
        "goals (<= 40 GraphQL requests, 0 wrong verdicts, 0 false missing, no token leak): "
        + ("met" if ok else "NOT met")
    )


if __name__ == "__main__":
    main()
