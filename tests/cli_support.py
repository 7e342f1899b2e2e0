"""Helpers for tests that drive the command line."""

from __future__ import annotations

import pytest


def one_line_error(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("listlint: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err
