"""Declared settings: every key a config file may contain is an ``Option``.

Subsystems declare their own keys (``listlint.net.options`` for the network),
so the config loader can reject unknown keys and wrong types, naming both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Option", "check_value"]


@dataclass(frozen=True, slots=True)
class Option:
    """A config key.  Its type is the type of ``default`` unless ``kind`` says."""

    key: str
    default: Any
    help: str
    kind: type | tuple[type, ...] | None = None
    # Extra validation; returns the cleaned value or raises ValueError.
    validate: Callable[[Any], Any] | None = None

    def clean(self, value: Any) -> Any:
        value = check_value(value, self.kind or type(self.default))
        return self.validate(value) if self.validate else value


def check_value(value: Any, kind: type | tuple[type, ...]) -> Any:
    """Check ``value`` against ``kind``; raise ValueError with a plain message."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if bool in kinds and isinstance(value, bool):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected {type_name(kind)}, got a boolean")
    if float in kinds and isinstance(value, int):
        return float(value)
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
