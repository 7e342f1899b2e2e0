from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from listlint.config import Settings
from listlint.diagnostics import Diagnostic
from listlint.pipeline import RunOptions, lint_text

PROJECT = Path(__file__).resolve().parent.parent
CORPORA = PROJECT.parent / "shared" / "corpora"
SCHEMAS = PROJECT.parent / "shared" / "schemas"


@pytest.fixture
def lint() -> Callable[..., list[Diagnostic]]:
    """Lint Markdown text offline; keyword arguments become config values."""

    def run(text: str, **values: object) -> list[Diagnostic]:
        settings = Settings().with_values(**values) if values else Settings()
        return lint_text(text, settings, options=RunOptions())

    return run


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working folder; config discovery stops at its fake .git."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LISTLINT_DEBUG", raising=False)
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    return CORPORA
