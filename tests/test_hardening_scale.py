"""Quadratic and memory blow-ups within max-file-size (issue 16, item 11).

Each shape either runs in time and memory linear in the file, under 400 MB,
or is refused before parsing with exit code 2 and one line.  Memory is the
child process's own peak RSS (resource.getrusage in the child).  The full-size
cases and their figures are in benchmarks/pathological_inputs.py --files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from listlint.source import MEMORY_BUDGET, parse_cost

SRC = Path(__file__).resolve().parent.parent / "src"
MB = 1_000_000

# The child's own peak: VmHWM belongs to the process image (ru_maxrss would
# start at the forking pytest's size, which Linux carries across exec).
CHILD = """
import sys
from listlint.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
sys.stderr.write(f"MAXRSS {peak * 1024}\\n")
sys.exit(code)
"""

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")


def run_measured(*args: str, cwd: Path, timeout: float = 300) -> tuple[int, str, int, float]:
    """Exit code, stderr without the measurement, peak RSS in bytes, seconds."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    elapsed = time.monotonic() - started
    lines = result.stderr.splitlines()
    rss = int(lines[-1].split()[1]) if lines and lines[-1].startswith("MAXRSS") else -1
    err = "\n".join(line for line in lines if not line.startswith("MAXRSS"))
    return result.returncode, err, rss, elapsed


# Beyond the budget: refused before parsing, in little memory.
REFUSED = {
    "cr_only_1m": "a\r" * 1_000_000,
    "short_lines_4_8mb": "a\n" * 2_400_000,
    "crlf_lines": "a\r\n" * 1_200_000,
    "emphasis_4mb": "*a **a _b " * 400_000,
    "brackets_4mb": "[a] " * 1_000_000,
    "links_150k": "".join(f"- [a{i}](https://e.com/{i})\n" for i in range(150_000)),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_over_the_parse_budget_is_refused_in_little_memory(in_tmp: Path, name: str) -> None:
    text = REFUSED[name]
    assert len(text.encode()) <= 5_000_000  # within the default max-file-size
    assert parse_cost(text) > MEMORY_BUDGET
    (in_tmp / "list.md").write_bytes(text.encode())
    code, err, rss, _ = run_measured("check", "list.md", cwd=in_tmp)
    assert code == 2
    assert err.startswith("listlint: error: list.md: too much Markdown structure") and "\n" not in err, err
    assert 0 < rss < 150 * MB, rss


# Within the budget: the estimate is above what the run really takes.
WITHIN = {
    "items_25k": "- a\n" * 25_000,
    "links_25k": "".join(f"- [a{i}](https://e.com/{i})\n" for i in range(25_000)),
    "emphasis_item": "- " + "*a **a _b " * 25_000 + "\n",
    "anchors_5k": "".join(f"## Heading number {i}\n\n" for i in range(5_000))
    + "".join(f"- [x](#heding-nmber-{i}x)\n" for i in range(5_000)),
    "emphasis_paragraph": "*a **a _b " * 25_000 + "\n\n- [a](https://e.com)\n",
    "cr_only_100k": "a\r" * 100_000,
}


@pytest.mark.parametrize("name", sorted(WITHIN))
def test_the_parse_budget_estimate_is_conservative(in_tmp: Path, name: str) -> None:
    text = WITHIN[name]
    assert parse_cost(text) <= MEMORY_BUDGET
    (in_tmp / "list.md").write_bytes(text.encode())
    code, err, rss, _ = run_measured(
        "check", "--exit-zero", "--output-format", "concise", "list.md", cwd=in_tmp
    )
    assert code == 0, err
    assert 0 < rss <= parse_cost(text), (rss, parse_cost(text))


def test_anchor_suggestions_stop_at_their_budget() -> None:
    from listlint.document import parse_document
    from listlint.rules import anchor_targets
    from listlint.rules.anchor_targets import index_anchors
    from listlint.source import Source

    document = parse_document(Source(path="x.md", text="".join(f"## Heading {i}\n" for i in range(1_000))))
    index = index_anchors(document)
    assert index.near("heading-12x") == "heading-12"
    prepared = index.prepared()
    prepared.budget[0] = 1_500  # one more search of 1,000 headings, then none
    assert index.near("heading-13x") == "heading-13"
    assert index.near("heading-14x") is None
    assert index.near("heading14") == "heading-14"  # same letters and digits: no fuzzy search needed
    assert anchor_targets.SUGGESTION_BUDGET <= 5_000_000


def test_fix_is_linear_in_the_number_of_fixes(in_tmp: Path) -> None:
    def timed(count: int) -> float:
        text = "# T\n\n" + "".join(f"- [a{i}](https://e.com/{i}) \n" for i in range(count))
        (in_tmp / "list.md").write_text(text)
        code, err, rss, elapsed = run_measured("check", "--fix", "--select", "LL103", "list.md", cwd=in_tmp)
        assert code == 0, err
        assert " \n" not in (in_tmp / "list.md").read_text()
        assert rss < 400 * MB
        return elapsed

    small, large = timed(2_000), timed(8_000)
    # Quadratic would be 16 times slower; allow for a noisy machine.
    assert large < max(8 * small, 20), (small, large)


def test_fix_needs_room_for_two_models(in_tmp: Path) -> None:
    from listlint.source import FIX_FACTOR

    text = "- a \n" * 90_000  # about 310 MB to check, 430 MB to fix
    assert parse_cost(text) <= MEMORY_BUDGET < parse_cost(text) * FIX_FACTOR
    (in_tmp / "list.md").write_text(text)
    code, err, rss, _ = run_measured("check", "--fix", "list.md", cwd=in_tmp)
    assert code == 2
    assert err.startswith("listlint: error: list.md: too much Markdown structure to fix"), err
    assert (in_tmp / "list.md").read_text() == text
    assert rss < 150 * MB
