"""Declared settings: every key a config file may contain is an ``Option``.

Subsystems declare their own keys (``listlint.net.options`` for the network),
so the config loader can reject unknown keys and wrong types, naming both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Option", "check_value", "check_bounds", "SECONDS", "COUNT"]

# Ranges for the usual kinds of number.  Every numeric option declares one:
# a value outside it (or inf, nan) would make a run hang or never retry.
SECONDS = (0.0, 86_400.0)
COUNT = (0, 1_000_000)
# For a number whose option declares no range of its own.
DEFAULT_BOUNDS = (-1e9, 1e9)


@dataclass(frozen=True, slots=True)
class Option:
    """A config key.  Its type is the type of ``default`` unless ``kind`` says."""

    key: str
    default: Any
    help: str
    kind: type | tuple[type, ...] | None = None
    # Extra validation; returns the cleaned value or raises ValueError.
    validate: Callable[[Any], Any] | None = None
    # The finite range [low, high] of a numeric option.
    bounds: tuple[float, float] | None = None

    def clean(self, value: Any) -> Any:
        value = check_value(value, self.kind or type(self.default))
        if isinstance(value, int | float) and not isinstance(value, bool):
            check_bounds(value, self.bounds or DEFAULT_BOUNDS)
        return self.validate(value) if self.validate else value


def check_bounds(value: float, bounds: tuple[float, float]) -> float:
    """``value`` if it lies in ``bounds``; else ValueError naming the range."""
    low, high = bounds
    if not low <= value <= high:  # also false for nan
        raise ValueError(f"must be a number from {format_number(low)} to {format_number(high)}, not {value}")
    return value


def format_number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


def check_value(value: Any, kind: type | tuple[type, ...]) -> Any:
    """Check ``value`` against ``kind``; raise ValueError with a plain message."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if bool in kinds and isinstance(value, bool):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected {type_name(kind)}, got a boolean")
    if float in kinds and isinstance(value, int):
        try:
            value = float(value)
        except OverflowError:
            raise ValueError("expected a finite number, got an integer too large for one") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    if isinstance(value, kinds):
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ValueError("expected a list of strings")
        return value
    raise ValueError(f"expected {type_name(kind)}, got {type(value).__name__} {value!r}")


def type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        bool: "true or false",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list of strings",
        dict: "a table",
        type(None): "nothing",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
