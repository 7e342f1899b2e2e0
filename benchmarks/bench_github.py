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

Measured: requests, wall time (as ratios), and findings against the truth
(false "missing"/dead, missed faults, unreachable), for whole
``listlint check --online`` runs of the list's github.com links (``include``),
github.com pointed at the simulation by an httpx transport:

1. with a token: the github source asks the API (batches of 100); the links
   it does not vouch for (deep links) are crawled on the simulated site;
2. the same run again over the same cache: must make 0 API requests;
3. without a token: the link engine crawls every repository page, with its
   per-host budget;
4. with a token that has only ``--quota`` GraphQL points left: the source
   stops asking before the limit, the rest is crawled, one warning;
5. lychee on the same simulated site (``--remap`` points github.com at it),
   when the ``lychee`` command is installed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
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


# -- listlint runs ----------------------------------------------------------------

SELECT = ["LL8", "dead-link", "unreachable-link", "permanent-redirect", "blocked-link", "network-unavailable"]


def lint(corpus: Path, origin: str, *, api_url: str, cache: Path | None, token: bool) -> tuple[Any, float]:
    """One ``listlint check --online`` of the corpus (its github.com links only), github.com remapped."""
    from listlint.config import Settings
    from listlint.gather.stage import Network
    from listlint.pipeline import RunOptions, lint_paths

    if token:
        os.environ["GITHUB_TOKEN"] = TOKEN
    else:
        os.environ.pop("GITHUB_TOKEN", None)
    values: dict[str, Any] = {
        "select": SELECT,
        "include": [r"^https?://(www\.)?github\.com/"],
        "github-graphql-url": api_url,
        "cache": cache is not None,
    }
    if cache is not None:
        values["cache-dir"] = str(cache)
    network = None
    if has_remap():
        values["remap"] = [rf"^https?://(www\.)?github\.com/ {origin}/"]
        values["allow-private-hosts"] = True
    else:
        network = Network(transport=RemapTransport(origin))
    settings = Settings(values=values)
    options = RunOptions(online=True, network=network)
    started = time.perf_counter()
    result = lint_paths([str(corpus)], settings, options)
    return result, time.perf_counter() - started


def has_remap() -> bool:
    """Whether listlint has its own ``remap`` key (else an httpx transport stands in)."""
    from listlint.config import OPTIONS

    return "remap" in OPTIONS


def score(truth: Truth, links: dict[str, str], result: Any) -> dict[str, int]:
    """Findings per link against the planted truth.

    false_missing: an existing repository reported not found or dead;
    missed_*: a planted fault without its finding (the crawl cannot see
    archived or disabled repositories at all).
    """
    said: dict[str, set[str]] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.url:
            said.setdefault(strip_fragment(diagnostic.url), set()).add(diagnostic.name)
    expected_names = {
        "missing": {"github-repo-not-found", "dead-link"},
        "renamed": {"github-repo-renamed", "permanent-redirect"},
        "archived": {"github-repo-archived"},
        "disabled": {"github-repo-disabled"},
    }
    counts: Counter[str] = Counter(
        {
            "false_missing": 0,
            "false_other": 0,
            "unreachable": 0,
            **{f"missed_{kind}": 0 for kind in expected_names},
        }
    )
    for url, key in links.items():
        expected = truth.expected(key)
        names = said.get(url, set())
        if names & {"github-repo-not-found", "dead-link"} and expected != "missing":
            counts["false_missing"] += 1
        if "unreachable-link" in names:
            counts["unreachable"] += 1
        if expected != "ok" and not names & expected_names[expected]:
            counts[f"missed_{expected}"] += 1
        if expected == "ok" and names - {"unreachable-link"}:
            counts["false_other"] += 1
    counts["unchecked_warnings"] = sum(1 for d in result.diagnostics if d.name == "github-unchecked")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--burst", type=int, default=100, help="requests the simulated site serves at once")
    parser.add_argument("--rate", type=float, default=40.0, help="its sustained requests per second")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--quota", type=int, default=10, help="GraphQL points left for run 4 (0: skip that run)"
    )
    parser.add_argument("--skip-lychee", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: not found (the corpora live in ../shared/corpora)")

    urls, links = read_links(args.corpus)
    truth = plant(urls, args.seed)
    print(
        f"{args.corpus.name}: {len(urls)} repository links, {len(truth.names)} repositories; planted "
        f"{len(truth.missing)} missing, {len(truth.archived)} archived, {len(truth.renamed)} renamed, "
        f"{len(truth.disabled)} disabled"
    )
    print(f"simulated github.com: 429 after a burst of {args.burst}, then {args.rate:g} requests/s")
    how = "listlint's remap key" if has_remap() else "an httpx transport (no remap key in this checkout)"
    print(f"github.com points at the simulation through {how}")
    results: dict[str, dict[str, Any]] = {}
    site_args = {"burst": args.burst, "rate": args.rate}

    with tempfile.TemporaryDirectory() as folder, fake_api(truth) as api:
        cache = Path(folder) / "cache"
        # 1. with a token: the GraphQL source, then the crawl of what it does not vouch for
        with SimulatedGithub(truth, **site_args) as site:
            result, wall = lint(args.corpus, site.origin, api_url=api.url, cache=cache, token=True)
            results["api"] = {
                "wall": wall,
                "graphql_requests": len(api.requests),
                "over_rate_limit": api.over_limit,
                "site_requests": site.requests,
                "site_429": site.throttled,
                "token_sent_to_site": site.authorizations,
                **score(truth, links, result),
            }
        show("api", results["api"])
        # 2. the same, warm cache
        asked = len(api.requests)
        with SimulatedGithub(truth, **site_args) as site:
            result, wall = lint(args.corpus, site.origin, api_url=api.url, cache=cache, token=True)
            results["api_warm"] = {
                "wall": wall,
                "graphql_requests": len(api.requests) - asked,
                "site_requests": site.requests,
                **score(truth, links, result),
            }
        show("api_warm", results["api_warm"])
        # 3. without a token: every repository page crawled
        with SimulatedGithub(truth, **site_args) as site:
            result, wall = lint(args.corpus, site.origin, api_url=api.url, cache=None, token=False)
            results["crawl"] = {
                "wall": wall,
                "graphql_requests": len(api.requests) - asked,
                "site_requests": site.requests,
                "site_429": site.throttled,
                **score(truth, links, result),
            }
        show("crawl", results["crawl"])
        # 4. with a token whose rate limit runs out part-way: no request beyond it, no false missing
        if args.quota:
            api.remaining = args.quota
            asked = len(api.requests)
            with SimulatedGithub(truth, **site_args) as site:
                result, wall = lint(args.corpus, site.origin, api_url=api.url, cache=None, token=True)
                results["api_quota"] = {
                    "wall": wall,
                    "graphql_requests": len(api.requests) - asked,
                    "over_rate_limit": api.over_limit,
                    "site_requests": site.requests,
                    "site_429": site.throttled,
                    **score(truth, links, result),
                }
            show("api_quota", results["api_quota"])

    # 5. lychee
    if not args.skip_lychee and shutil.which("lychee"):
        with tempfile.TemporaryDirectory() as folder, SimulatedGithub(truth, **site_args) as site:
            results["lychee"] = run_lychee(urls, truth, links, site.origin, Path(folder))
            results["lychee"].update(site_requests=site.requests, site_429=site.throttled)
        show("lychee", results["lychee"])

    api_wall = results["api"]["wall"]
    print(f"wall-time ratio crawl/api (cold): {results['crawl']['wall'] / api_wall:.1f}")
    print(f"wall-time ratio api warm/cold: {results['api_warm']['wall'] / api_wall:.2f}")
    if "lychee" in results:
        print(f"wall-time ratio lychee/api (cold): {results['lychee']['wall'] / api_wall:.1f}")
    cold = results["api"]
    misses = sum(v for k, v in cold.items() if k.startswith("missed_"))
    ok = cold["graphql_requests"] <= 40 and cold["false_missing"] == 0 and misses == 0
    ok = ok and cold["token_sent_to_site"] == 0 and results["api_warm"]["graphql_requests"] == 0
    if "api_quota" in results:
        quota = results["api_quota"]
        ok = ok and quota["over_rate_limit"] == 0 and quota["false_missing"] == 0
    print(
        "goals (<= 40 GraphQL requests, 0 false missing, every planted fault found, "
        "warm run 0 requests, no token on the site, never over the rate limit): "
        + ("met" if ok else "NOT met")
    )


def show(name: str, values: dict[str, Any]) -> None:
    shown = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in values.items()}
    print(f"{name}: {json.dumps(shown)}", flush=True)


if __name__ == "__main__":
    main()
