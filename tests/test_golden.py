"""Golden files: tests/golden/NAME.md and NAME.expected side by side.

NAME.expected holds the concise report of every offline rule, one finding a
line (``line:column: CODE [severity] message``).  After an intended change,
regenerate with ``LISTLINT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py``
and review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from listlint.config import Settings
from listlint.pipeline import RunOptions, lint_paths

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(GOLDEN.glob("*.md"))


def render(path: Path) -> str:
    result = lint_paths([str(path)], Settings(root=path.parent), RunOptions())
    return "".join(
        f"{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.message}\n" for d in result.diagnostics
    )


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_golden(case: Path) -> None:
    expected_file = case.with_suffix(".expected")
    actual = render(case)
    if os.environ.get("LISTLINT_UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    assert expected_file.is_file(), f"no {expected_file.name}; run with LISTLINT_UPDATE_GOLDEN=1"
    assert actual == expected_file.read_text(encoding="utf-8")


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 1
