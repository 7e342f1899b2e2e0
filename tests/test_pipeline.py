"""The pipeline's own promises (beyond what each stage's tests check)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from listlint.config import Settings
from listlint.pipeline import RunOptions, lint_paths

PROJECT = Path(__file__).resolve().parent.parent
CORPORA = PROJECT.parent / "shared" / "corpora"
LISTS = [
    PROJECT / "examples" / "papers.md",
    *(CORPORA / name for name in ("awesome-go.md", "llmsys-paperlist.md") if (CORPORA / name).is_file()),
]


@pytest.mark.parametrize("path", LISTS, ids=lambda path: path.name)
def test_a_run_makes_almost_no_reference_cycles(path: Path) -> None:
    """``collector_paused`` turns the cycle collector off while parsing and
    checking; that saves time only as long as the run makes (almost) no
    cycles, which would otherwise pile up until the collector is back on."""
    gc.collect()
    gc.disable()
    try:
        result = lint_paths([str(path)], Settings(), RunOptions())
        assert result.files[0].document.entries
        del result
        left_for_the_collector = gc.collect()
    finally:
        gc.enable()
    assert left_for_the_collector < 200


def test_the_collector_is_on_again_after_a_run() -> None:
    assert gc.isenabled()
    lint_paths([str(LISTS[0])], Settings(), RunOptions())
    assert gc.isenabled()
