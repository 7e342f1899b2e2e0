"""Where an offline run's time goes, stage by stage, as shares of the run.

    python3 benchmarks/stages_offline.py [LIST.md] [--runs 5]

Default list: ../shared/corpora/awesome-go.md.  Each run is a fresh process
(imports count), timed inside it: start-up to the first listlint import,
imports, loading the rules, reading, markdown-it-py's parse, the walk that
builds the document model, each rule, the report.  Prints medians as shares
of the whole run (the machine is shared and noisy; shares travel, seconds do
not) and the rules that take the most.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_LIST = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "awesome-go.md"

# Runs in the child: the stages of pipeline.lint_paths, timed one by one.
CHILD = r"""
import json, sys, time
begun = time.perf_counter()
import gc, io
from listlint.config import load_settings
from listlint.document.parse import DocumentBuilder, parse_tokens
from listlint.pipeline import RunOptions, collector_paused, decide, load_active_rules, make_context, run_rule
from listlint.reporters import emit, reporter_class, summarize
from listlint.services import Services
from listlint.source import read_source
marks = {"imports": time.perf_counter()}
settings = load_settings(None)
active = load_active_rules(settings, online=False)
services = Services(settings, frozenset(entry.rule.name for entry in active))
marks["load rules"] = time.perf_counter()
rules = {}
with collector_paused():
    source = read_source(sys.argv[1], max_bytes=settings.get("max-file-size"))
    marks["read"] = time.perf_counter()
    tokens = parse_tokens(source.text, source, 0)
    marks["markdown-it-py parse"] = time.perf_counter()
    builder = DocumentBuilder(source)
    builder.walk(tokens, line_offset=0)
    document = builder.document
    marks["document model"] = time.perf_counter()
    found = []
    options = RunOptions()
    for entry in active:
        started = time.perf_counter()
        found.extend(run_rule(entry, document, make_context(entry, document, settings, services, options)))
        rules[entry.rule.name] = time.perf_counter() - started
    marks["rules"] = time.perf_counter()
kept = decide(document, found, settings, options)
stream = io.StringIO()
reporter = reporter_class("concise")(stream=stream, sources={source.path: source},
                                     rules=[entry.rule for entry in active], root=settings.root)
emit(reporter, kept, summarize([source.path], kept))
marks["decide and report"] = time.perf_counter()
print(json.dumps({"begun": begun, "marks": marks, "rules": rules}))
gc.freeze()  # as the console script does before exiting
"""


def one_run(path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True
    ).stdout
    total = time.perf_counter() - started
    data = json.loads(output)
    stages: dict[str, float] = {}
    previous = data["begun"]
    for name, mark in data["marks"].items():
        stages[name] = mark - previous
        previous = mark
    # What the child cannot time: the interpreter starting, and exiting after the last mark.
    stages["start-up and exit"] = total - (previous - data["begun"])
    return {"total": total, "stages": stages, "rules": data["rules"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("list", nargs="?", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.list.is_file():
        print(f"no list at {args.list} (the corpora folder is absent?)", file=sys.stderr)
        return 2
    runs = [one_run(args.list) for _ in range(args.runs)]
    totals = [run["total"] for run in runs]
    print(f"{args.list.name}: medians of {args.runs} runs, as shares of the whole run")
    for name in runs[0]["stages"]:
        share = statistics.median(run["stages"][name] / run["total"] for run in runs)
        print(f"  {name:<24} {share:6.1%}")
    print("  rules taking the most:")
    shares = {
        name: statistics.median(run["rules"][name] / run["total"] for run in runs)
        for name in runs[0]["rules"]
    }
    for name, share in sorted(shares.items(), key=lambda item: -item[1])[:6]:
        print(f"    {name:<22} {share:6.1%}")
    spread = max(totals) / min(totals)
    print(f"  (slowest run / fastest run: {spread:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
