"""Configuration: ``[tool.listlint]`` in pyproject.toml, or ``.listlint.toml``.

Every key is declared (core keys here, subsystem keys next to their code),
so an unknown key or a wrong type is an error that names file and key.
"""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from listlint.discovery import DISCOVERY_OPTIONS
from listlint.errors import ConfigError
from listlint.net.options import NETWORK_OPTIONS
from listlint.net.sources.scholarly_options import SCHOLARLY_OPTIONS
from listlint.options import SECONDS, Option
from listlint.sharding import parse_shard

__all__ = ["Settings", "load_settings", "find_config", "OPTIONS", "CONFIG_FILES"]

CONFIG_FILES = (".listlint.toml", "listlint.toml", "pyproject.toml")

CORE_OPTIONS: tuple[Option, ...] = (
    Option("select", [], "Rules to run: codes, code prefixes or names (default: all)."),
    Option("extend-select", [], "Rules to add to the selection."),
    Option("ignore", [], "Rules to leave out."),
    Option("per-section-ignores", {}, "Heading (or 'A > B' path) -> rules ignored in it."),
    Option("rules", {}, "Per-rule tables: severity and the rule's own options."),
    Option("plugins", [], "Local rule files (.py), relative to the config file."),
    Option("online", False, "Run rules that need the network."),
    Option(
        "shard",
        "",
        "K/N: check only the K-th of N deterministic parts of the URLs.",
        validate=lambda value: (parse_shard(value), value)[1] if value else value,
    ),
    Option(
        "max-file-size",
        5_000_000,
        "Refuse list files larger than this many bytes "
        "(0: no limit); parsing needs about 50 bytes of memory per byte.",
        bounds=(0, 1_000_000_000),
    ),
    Option(
        "rule-timeout",
        60.0,
        "Seconds one rule may take on one file before it is reported as timed out (0: no limit).",
        bounds=SECONDS,
    ),
)

OPTIONS: dict[str, Option] = {
    option.key: option for option in CORE_OPTIONS + NETWORK_OPTIONS + DISCOVERY_OPTIONS + SCHOLARLY_OPTIONS
}


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved configuration of one run."""

    config_path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    values: Mapping[str, Any] = field(default_factory=dict)
    # Keys whose value came from a command-line flag (errors name the flag).
    flags: frozenset[str] = frozenset()

    def get(self, key: str) -> Any:
        if key in self.values:
            return self.values[key]
        return OPTIONS[key].default

    @property
    def select(self) -> list[str]:
        return list(self.get("select"))

    @property
    def plugin_files(self) -> list[Path]:
        return [(self.root / name) for name in self.get("plugins")]

    def rule_table(self, rule_name: str, rule_code: str) -> Mapping[str, Any]:
        tables = self.get("rules")
        return tables.get(rule_name) or tables.get(rule_code) or {}

    def with_values(self, **overrides: Any) -> Settings:
        """A copy with CLI overrides (keys in snake_case or kebab-case)."""
        merged = dict(self.values)
        for key, value in overrides.items():
            if value is not None:
                merged[key.replace("_", "-")] = value
        return replace(self, values=merged)

    def with_flags(self, **overrides: Any) -> Settings:
        """A copy with the values of command-line flags (None: flag not given)."""
        given = frozenset(key.replace("_", "-") for key, value in overrides.items() if value is not None)
        return replace(self.with_values(**overrides), flags=self.flags | given)

    def describe(self, key: str) -> str:
        if key in self.flags:
            return f"--{key}"
        where = str(self.config_path) if self.config_path else "configuration"
        prefix = "tool.listlint." if self.config_path and self.config_path.name == "pyproject.toml" else ""
        return f"{where}: key '{prefix}{key}'"


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start``."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                raw = candidate.read_bytes()
                data = tomllib.loads(raw.decode("utf-8"))
            except OSError:
                continue
            except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
                # A broken pyproject.toml that mentions listlint is our config:
                # report it (load_settings names the error) instead of ignoring it.
                if b"listlint" in raw:
                    return candidate
                continue
            tool = data.get("tool")
            if isinstance(tool, dict) and "listlint" in tool:
                return candidate
        if (folder / ".git").exists():
            break
    return None


def load_settings(path: Path | None = None, *, search_from: Path | None = None) -> Settings:
    """Read ``path`` (or the nearest config file) into validated ``Settings``."""
    explicit = path is not None
    if path is None:
        path = find_config(search_from or Path.cwd())
        if path is None:
            return Settings()
    table = read_table(path, explicit=explicit)
    prefix = "tool.listlint." if path.name == "pyproject.toml" else ""
    values: dict[str, Any] = {}
    for key, value in table.items():
        option = OPTIONS.get(key)
        if option is None:
            raise ConfigError(f"{path}: unknown key '{prefix}{key}'")
        try:
            values[key] = option.clean(value)
        except ValueError as exc:
            raise ConfigError(f"{path}: key '{prefix}{key}': {exc}") from exc
    check_nested(path, prefix, values)
    return Settings(config_path=path, root=path.parent, values=values)


# No real config file comes near this; a FIFO or /dev/zero never ends.
MAX_CONFIG_BYTES = 10_000_000


def read_table(path: Path, *, explicit: bool) -> dict[str, Any]:
    text = read_config_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: tables or arrays nested too deep") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: 'tool' must be a table")
        table = tool.get("listlint")
        if table is None:
            if explicit:
                raise ConfigError(f"{path}: no [tool.listlint] table")
            return {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: 'tool.listlint' must be a table")
        return table
    return data


def read_config_text(path: Path) -> str:
    """The text of config file ``path``: a regular file, at most ``MAX_CONFIG_BYTES``.

    A FIFO, a device (``/dev/zero``, ``/dev/urandom``) or a directory is
    refused before it is read, as list paths are.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path}: not a regular file, cannot be a config file")
    if info.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES:,} bytes, cannot be a config file")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror or exc})") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES:,} bytes, cannot be a config file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read config file (not utf-8: {exc.reason})") from exc


def check_nested(path: Path, prefix: str, values: Mapping[str, Any]) -> None:
    for heading, codes in values.get("per-section-ignores", {}).items():
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ConfigError(
                f"{path}: key '{prefix}per-section-ignores.{heading}': expected a list of rule codes"
            )
    for rule, table in values.get("rules", {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: key '{prefix}rules.{rule}': expected a table")
