"""Offline speed: listlint against markdownlint-cli2 and awesome-lint, same run.

    python3 benchmarks/bench_offline.py [LIST.md] [--runs N]

Default list: ../shared/corpora/awesome-go.md (4,000 lines, 3,100+ links).
The npm tools are installed into benchmarks/.work/ on first use (npm
registry).  Each tool runs N times, interleaved, on a copy of the list named
README.md; the script prints medians as ratios (the machine is shared and
noisy, so absolute times mean little) and checks the targets:
listlint's whole offline run well under a second, and at least 3x faster
than markdownlint-cli2.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
WORK = HERE / ".work"
DEFAULT_LIST = PROJECT.parent / "shared" / "corpora" / "awesome-go.md"
NPM_TOOLS = ("markdownlint-cli2", "awesome-lint")


def ensure_npm_tools() -> Path:
    bin_dir = WORK / "node_modules" / ".bin"
    if all((bin_dir / tool).exists() for tool in NPM_TOOLS):
        return bin_dir
    WORK.mkdir(parents=True, exist_ok=True)
    if not (WORK / "package.json").exists():
        (WORK / "package.json").write_text('{"name": "listlint-bench", "private": true}\n')
    print("installing", ", ".join(NPM_TOOLS), "into", WORK, file=sys.stderr)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *NPM_TOOLS],
        cwd=WORK,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return bin_dir


def compile_bytecode() -> None:
    """Write listlint's bytecode, as ``pip install`` does.

    An editable install under PYTHONDONTWRITEBYTECODE (set on some CI
    machines) would otherwise compile every module from source on every run,
    which no installed copy does.
    """
    import compileall

    import listlint

    compileall.compile_dir(Path(listlint.__file__).parent, quiet=1)


def time_command(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("list", nargs="?", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-awesome-lint", action="store_true", help="awesome-lint is slow; leave it out")
    args = parser.parse_args()
    if not args.list.is_file():
        print(f"no list at {args.list} (the corpora folder is absent?)", file=sys.stderr)
        return 2
    bin_dir = ensure_npm_tools()
    compile_bytecode()
    # The console script beside this interpreter: a version manager's shim on
    # PATH (pyenv's is a bash script) would add its own start-up to every run.
    script = Path(sys.executable).parent / "listlint"
    listlint = [str(script)] if script.exists() else [sys.executable, "-m", "listlint"]
    commands = {
        "listlint": [*listlint, "check", "--exit-zero", "--output-format", "concise", "README.md"],
        "markdownlint-cli2": [str(bin_dir / "markdownlint-cli2"), "README.md"],
    }
    if not args.skip_awesome_lint:
        commands["awesome-lint"] = [str(bin_dir / "awesome-lint"), "README.md"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu_times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        shutil.copyfile(args.list, cwd / "README.md")
        for command in commands.values():  # warm-up: disk cache, node compile cache
            time_command(command, cwd)
        for _ in range(args.runs):
            for name, command in commands.items():
                wall, cpu = time_command(command, cwd)
                times[name].append(wall)
                cpu_times[name].append(cpu)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu_times.items()}
    base = medians["listlint"]
    lines = sum(1 for _ in args.list.open(encoding="utf-8", errors="replace"))
    print(f"list: {args.list.name} ({lines} lines), {args.runs} runs each, medians")
    for name, value in medians.items():
        spread = f"{min(times[name]):.2f}-{max(times[name]):.2f}s"
        cpu_ratio = cpu_medians[name] / cpu_medians["listlint"]
        print(
            f"  {name:<18} {value / base:6.2f}x listlint's wall time, {cpu_ratio:6.2f}x its CPU time"
            f"   (wall range {spread})"
        )
    speedup = medians["markdownlint-cli2"] / base
    cpu_speedup = cpu_medians["markdownlint-cli2"] / cpu_medians["listlint"]
    verdict = "OK" if speedup >= 3 else "MISSED"
    if args.list.resolve() != DEFAULT_LIST.resolve():
        verdict += " (the target is for awesome-go.md; start-up weighs more on a small list)"
    print(
        f"listlint is {speedup:.1f}x faster than markdownlint-cli2 in wall time, "
        f"{cpu_speedup:.1f}x in CPU time (target >= 3x): {verdict}"
    )
    if "awesome-lint" in medians:
        print(f"listlint is {medians['awesome-lint'] / base:.1f}x faster than awesome-lint")
    print(
        f"listlint whole run: {base:.2f}s median (target well under 1 s): {'OK' if base < 1.0 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
