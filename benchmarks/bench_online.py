"""listlint check --online versus lychee, on a loopback simulated web, against the floor.

    python3 benchmarks/bench_online.py                 # 2,000 links over 100 hosts, 10 s timeout
    python3 benchmarks/bench_online.py --links 1000 --hosts 50
    python3 benchmarks/bench_online.py --links 500 --hosts 30 --timeout 2 --skip-lychee

The floor is what no polite checker can beat: one timeout (a link that never
answers costs at least that) plus the politeness bound of the busiest host
(its links x its latency / the requests it tolerates in flight).  Goals:
listlint <= 1.3x the floor and <= 0.3x lychee's wall time, 0 false, 0
missed, and every host's request count <= its links x (1 + retries) + a
constant.  The server counts the requests each host received; the maximum
per-host count and each busy host's requests per second are printed.

Generates an awesome-list-shaped file whose hosts follow a Zipf-like law (a
few hosts carry most links, as arxiv.org and github.com do), with the faults of
``simulated_web.py`` mixed in.  Each tool runs against a freshly started
server (transient faults are "once" per server) with the same timeout.  Prints
wall times (and their ratio), false positives (alive links reported as dead or
unreachable), misses (dead links not reported as dead), the time of a second
listlint run with a warm cache, and peak memory of each run.

Truth per path is in ``simulated_web.TRUTH``: "alive" must not be reported as
dead-link or unreachable-link; "dead" must be reported as dead-link; "hang"
(never answers) is rightly unreachable; "blocked" (a bot wall) rightly
blocked-link.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from simulated_web import TRUTH, SimulatedWeb, host_addresses, truth_of  # noqa: E402

# Share of links per behaviour (the rest are plain 200s).
MIX = {
    "404": 0.04,
    "410": 0.01,
    "chain": 0.03,
    "moved": 0.02,
    "loop": 0.005,
    "retry-after": 0.01,
    "flaky": 0.015,
    "reset": 0.01,
    "head405": 0.02,
    "head403": 0.01,
    "slow": 0.01,
    "hang": 0.001,
    "bot": 0.005,
    "endless": 0.002,
}


def generate(links: int, hosts: int, seed: int) -> tuple[str, list[str], dict[str, float], str]:
    """The list's Markdown, its URLs, per-host latency and the crowded host."""
    rng = random.Random(seed)
    addresses = host_addresses(hosts)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(hosts)]
    latency = {address: rng.uniform(0.02, 0.2) for address in addresses}
    crowded = addresses[2]  # a busy host that throttles bursts (429 above CROWD_LIMIT in flight)
    kinds = list(MIX) + ["ok"]
    shares = list(MIX.values()) + [1 - sum(MIX.values())]
    urls = []
    for index in range(links):
        host = rng.choices(addresses, weights)[0]
        kind = rng.choices(kinds, shares)[0]
        path = f"/chain/{rng.randint(1, 4)}/{index}" if kind == "chain" else f"/{kind}/{index}"
        urls.append(f"http://{host}:PORT{path}")
    lines = ["# Awesome Simulated Systems", "", "A generated list for benchmarking link checkers.", ""]
    for index, url in enumerate(urls):
        if index % 40 == 0:
            lines += ["", f"## Category {index // 40 + 1}", ""]
        lines.append(f"- [Paper {index}]({url}): A Study of Thing {index} | OSDI' 24, Lab {index % 7}")
    return "\n".join(lines) + "\n", urls, latency, crowded


def serve(
    addresses: list[str],
    latency: dict[str, float],
    crowded: str,
    slow: float,
    port: int,
    pipe: multiprocessing.connection.Connection,
) -> None:
    import asyncio

    web = SimulatedWeb(
        addresses,
        port=port,
        latency=latency,
        crowded={crowded},
        crowd_limit=CROWD_LIMIT,
        slow_seconds=slow,
        retry_after=1,
    )

    async def main() -> None:
        await web.start_async()
        pipe.send(web.port)
        loop = asyncio.get_running_loop()
        while True:
            message = await loop.run_in_executor(None, pipe.recv)
            if message == "stats":
                pipe.send(host_stats(web))

    asyncio.run(main())


class Server:
    """A fresh simulated web in its own process."""

    def __init__(
        self, addresses: list[str], latency: dict[str, float], crowded: str, slow: float, port: int = 0
    ) -> None:
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        self.process = context.Process(
            target=serve, args=(addresses, latency, crowded, slow, port, child), daemon=True
        )
        self.process.start()
        if not parent.poll(30):
            raise RuntimeError("the simulated web did not start")
        self.parent = parent
        self.port = parent.recv()

    def stats(self) -> dict[str, tuple[int, float]]:
        """Requests each host received, and over how many seconds."""
        self.parent.send("stats")
        if not self.parent.poll(30):
            return {}
        return dict(self.parent.recv())

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)


CROWD_LIMIT = 4
# listlint's max-retries (the default), for the per-host request bound.
RETRIES = 3
REQUEST_SLACK = 10


def host_stats(web: SimulatedWeb) -> dict[str, tuple[int, float]]:
    times: dict[str, list[float]] = {}
    for request in web.log:
        times.setdefault(request.host, []).append(request.at)
    return {host: (len(at), max(at) - min(at)) for host, at in times.items()}


def floor_seconds(urls: list[str], latency: dict[str, float], crowded: str, timeout: float) -> float:
    """One timeout plus the busiest host's politeness bound (see the module docstring)."""
    per_host = Counter(url.split("://")[1].split(":")[0] for url in urls)
    busiest = max(
        links * latency[host] / (CROWD_LIMIT if host == crowded else HOST_CONCURRENCY)
        for host, links in per_host.items()
    )
    return timeout + busiest


# listlint's default host-concurrency, the bound a polite checker keeps to.
HOST_CONCURRENCY = 8


def free_port(address: str) -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def run_child(command: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Run ``command``; return wall seconds, CPU seconds, peak RSS (MB) and stdout."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.DEVNULL,
            # This checkout's listlint, not whichever one is installed.
            env={**os.environ, "CI": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
        )
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        wall = time.monotonic() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def listlint_findings(text: str) -> dict[str, set[str]]:
    data = json.loads(text)
    found: dict[str, set[str]] = {}
    for diagnostic in data["diagnostics"]:
        url = diagnostic["url"]
        if not url:
            continue
        found.setdefault(url, set()).add(diagnostic["name"])
        if diagnostic["name"] in ("dead-link", "unreachable-link") and truth_of(url) == "alive":
            print(f"  listlint false positive: {url}: {diagnostic['message']}")
    return found


def lychee_failures(text: str) -> set[str]:
    data = json.loads(text)
    failed: set[str] = set()
    for key in ("error_map", "fail_map"):
        for entries in (data.get(key) or {}).values():
            for entry in entries:
                failed.add(entry["url"])
    return failed


def score(urls: list[str], flagged_dead: set[str], flagged_bad: set[str]) -> dict[str, int]:
    """Misses: dead links not flagged dead.  FPs: alive links flagged dead/unreachable."""
    misses = sum(1 for url in set(urls) if truth_of(url) == "dead" and url not in flagged_dead)
    false = sum(1 for url in set(urls) if truth_of(url) == "alive" and url in flagged_bad)
    return {"misses": misses, "false_positives": false}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--timeout", type=int, default=10, help="seconds, for both tools")
    parser.add_argument("--slow", type=float, default=0.4, help="delay of /slow/ paths")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-lychee", action="store_true")
    args = parser.parse_args()

    markdown, urls, latency, crowded = generate(args.links, args.hosts, args.seed)
    addresses = sorted(latency)
    work = Path(tempfile.mkdtemp(prefix="listlint-bench-"))
    kinds = Counter(url.split(":PORT/")[1].split("/")[0] for url in urls)
    print(
        f"{args.links} links over {args.hosts} hosts; timeout {args.timeout} s; "
        f"mix: {dict(kinds.most_common())}"
    )
    results: dict[str, dict[str, float]] = {}
    requests: dict[str, dict[str, tuple[int, float]]] = {}
    per_host_links = Counter(url.split("://")[1].split(":")[0] for url in urls)
    floor = floor_seconds(urls, latency, crowded, args.timeout)
    try:
        port = free_port(addresses[0])

        def fresh(port_list: str) -> tuple[Server, Path, list[str]]:
            # A fresh server each time (its faults happen "once"), on the same
            # port, so that the warm run's URLs are the cached ones.
            server = Server(addresses, latency, crowded, args.slow, port)
            path = work / f"{port_list}.md"
            path.write_text(markdown.replace("PORT", str(server.port)), encoding="utf-8")
            return server, path, [url.replace("PORT", str(server.port)) for url in urls]

        cache_dir = work / "cache"
        listlint = [
            sys.executable,
            "-m",
            "listlint",
            "check",
            "--online",
            "--select",
            "LL6",
            "--output-format",
            "json",
            "--allow-private-hosts",
            "--timeout",
            str(args.timeout),
            "--cache-dir",
            str(cache_dir),
        ]
        for label in ("listlint", "listlint-warm"):
            server, path, real_urls = fresh(label)
            try:
                wall, cpu, rss, text = run_child([*listlint, str(path)], work)
                requests[label] = server.stats()
            finally:
                server.stop()
            found = listlint_findings(text)
            dead = {url for url, names in found.items() if "dead-link" in names}
            bad = {url for url, names in found.items() if names & {"dead-link", "unreachable-link"}}
            results[label] = {
                "wall": wall,
                "cpu": cpu,
                "rss": rss,
                **score(real_urls, dead, bad),
                "hang_flagged": sum(1 for u in set(real_urls) if truth_of(u) == "hang" and u in bad),
            }
            # the warm run reads the cache written by the first run
        if not args.skip_lychee and shutil.which("lychee"):
            server, path, real_urls = fresh("lychee")
            try:
                wall, cpu, rss, text = run_child(
                    [
                        "lychee",
                        "--no-progress",
                        "--format",
                        "json",
                        "--timeout",
                        str(args.timeout),
                        "--max-concurrency",
                        "64",
                        str(path),
                    ],
                    work,
                )
                requests["lychee"] = server.stats()
            finally:
                server.stop()
            failed = lychee_failures(text)
            results["lychee"] = {
                "wall": wall,
                "cpu": cpu,
                "rss": rss,
                **score(real_urls, failed, failed),
                "hang_flagged": sum(1 for u in set(real_urls) if truth_of(u) == "hang" and u in failed),
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    truth = Counter(TRUTH[url.split(":PORT/")[1].split("/")[0]] for url in set(urls))
    print(f"truth: {dict(truth)}")
    print(f"{'run':<15}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}{'false pos':>11}{'misses':>8}{'hangs':>7}")
    for label, row in results.items():
        print(
            f"{label:<15}{row['wall']:>8.2f}{row['cpu']:>8.2f}{row['rss']:>9.0f}{row['false_positives']:>11.0f}"
            f"{row['misses']:>8.0f}{row['hang_flagged']:>7.0f}"
        )
    cold = results["listlint"]["wall"]
    print(f"floor: {floor:.2f} s (one timeout + the busiest host's politeness bound)")
    print(f"listlint / floor: {cold / floor:.2f} (target <= 1.3)")
    if "lychee" in results:
        ratio = cold / results["lychee"]["wall"]
        print(f"listlint / lychee: {ratio:.2f} (target <= 0.3)")
    # Only conclusive answers are cached, so the warm run asks again about the
    # links that had none (here the ones that never answer): one timeout.
    warm_requests = sum(count for count, _ in requests.get("listlint-warm", {}).values())
    print(
        f"warm-cache run: {results['listlint-warm']['wall']:.2f} s, {warm_requests} requests "
        f"(target <= one timeout + 2 s = {args.timeout + 2} s; "
        "only links without a conclusive answer are asked again)"
    )
    for label in ("listlint", "lychee"):
        stats = requests.get(label)
        if not stats:
            continue
        over = [
            host
            for host, (count, _) in stats.items()
            if count > per_host_links[host] * (1 + RETRIES) + REQUEST_SLACK
        ]
        busiest = max(stats, key=lambda host: stats[host][0])
        print(
            f"{label}: {sum(c for c, _ in stats.values())} requests; max per host {stats[busiest][0]} "
            f"({busiest}, {per_host_links[busiest]} links); hosts over links x (1 + {RETRIES}) + "
            f"{REQUEST_SLACK}: {len(over)}"
        )
        print(f"  {label} requests per second, by host (links, requests, seconds, req/s):")
        rows = sorted(stats.items(), key=lambda item: -item[1][0])
        line = []
        for host, (count, span) in rows:
            rate = count / span if span > 0 else float(count)
            line.append(f"{host} ({per_host_links[host]}, {count}, {span:.1f}, {rate:.1f})")
        for start in range(0, len(line), 4):
            print("    " + "; ".join(line[start : start + 4]))


if __name__ == "__main__":
    main()
