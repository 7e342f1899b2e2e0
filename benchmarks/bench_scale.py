"""Offline scaling: does an offline run stay linear in the size of the list?

    python3 benchmarks/bench_scale.py [--sizes 1000,4000,16000] [--runs 3]

Generates paper lists of each size in the style of ``../shared/corpora/seed.md``
(sections of ``- [Name](arXiv URL): Title | Venue' YY, Lab`` entries whose
titles share their last words, as "... for Large Language Models" do in real
lists), runs the whole offline check on each, and prints the time and peak
memory per entry relative to the smallest size.  A ratio that grows with the
size is a superlinear rule or parse step; the target is a ratio under 1.5 at
16x the entries.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TITLE_ENDS = [
    "for Large Language Models",
    "in Distributed Training",
    "at Scale",
    "with Heterogeneous GPUs",
    "for Efficient Serving",
]
VENUES = ["OSDI' 24", "SOSP' 23", "NSDI' 24", "EuroSys' 24", "ATC' 23", "MLSys' 24", "arXiv' 24"]


def paper_list(entries: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = ["# Awesome Systems Papers", ""]
    per_section = 200
    for number in range(entries):
        if number % per_section == 0:
            lines += ["", f"## Topic {number // per_section}", ""]
        arxiv_id = f"{rng.randint(19, 25):02d}{rng.randint(1, 12):02d}.{rng.randint(1, 99999):05d}"
        words = " ".join(
            rng.choice(["Fast", "Elastic", "Sparse", "Adaptive", "Optimal", "Robust"]) for _ in range(3)
        )
        lines.append(
            f"- [Sys{number}](https://arxiv.org/abs/{arxiv_id}): {words} System {number} "
            f"{rng.choice(TITLE_ENDS)} | {rng.choice(VENUES)}, Lab {number % 40}"
        )
    return "\n".join(lines) + "\n"


def run_once(path: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one offline check of ``path``."""
    code = (
        "import resource, sys\nfrom listlint.cli import main\n"
        f"main(['check', '--exit-zero', '--output-format', 'concise', {str(path)!r}])\n"
        "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    )
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(result.stderr.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,4000,16000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"list-{size}.md"
            path.write_text(paper_list(size), encoding="utf-8")
            runs = [run_once(path) for _ in range(args.runs)]
            rows.append((size, statistics.median(t for t, _ in runs), max(m for _, m in runs)))
    base_size, base_time, base_memory = rows[0]
    print(
        f"offline check of generated paper lists, median of {args.runs} runs; per entry, "
        f"relative to {base_size:,} entries"
    )
    worst = 1.0
    for size, seconds, memory in rows:
        time_ratio = (seconds / size) / (base_time / base_size)
        memory_ratio = (memory / size) / (base_memory / base_size)
        worst = max(worst, time_ratio)
        print(
            f"  {size:>7,} entries: time per entry {time_ratio:5.2f}x, "
            f"peak memory per entry {memory_ratio:5.2f}x"
        )
    print(f"worst time-per-entry ratio {worst:.2f} (target < 1.5): {'OK' if worst < 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
