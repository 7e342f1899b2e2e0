"""The one exception family that crosses into the command line.

Lower-level failures (OS errors, TOML errors, plugin imports, HTTP, SQLite)
are translated into these where they enter, with ``raise ... from exc``; the
CLI turns any of them into one line on stderr and exit code 2.
"""

from __future__ import annotations


class ListlintError(Exception):
    """Root of every error listlint reports to the user (exit code 2)."""


class UsageError(ListlintError):
    """The command line asks for something that cannot be done."""


class ConfigError(ListlintError):
    """A configuration file, key or value is invalid."""


class InputError(ListlintError):
    """An input file cannot be read as a Markdown list."""


class PluginError(ListlintError):
    """A rule or reporter plugin cannot be found, loaded or registered."""


class RuleCrashed(ListlintError):
    """A rule raised an exception; the message names the rule."""
