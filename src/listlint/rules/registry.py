"""Finding and loading rules: built-ins, entry points, local files.

Finding (which plugins exist) is separate from loading (importing them), so
that ``listlint rules`` and a normal run report a broken plugin the same way.
A code or name defined twice is a loud error, never a silent override.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from listlint.errors import PluginError
from listlint.rules.base import Rule

__all__ = ["BUILTIN_MODULES", "PluginRef", "find_plugins", "load_rules"]

ENTRY_POINT_GROUP = "listlint.rules"

# Built-in rules, in the order ``listlint rules`` lists them.
BUILTIN_MODULES: tuple[str, ...] = (
    "listlint.rules.malformed_link",
    "listlint.rules.separator_style",
    "listlint.rules.trailing_whitespace",
    "listlint.rules.link_text_colon",
    "listlint.rules.entry_shape",
    "listlint.rules.entry_without_link",
    "listlint.rules.duplicate_link",
    "listlint.rules.duplicate_paper",
    "listlint.rules.cross_listed_paper",
    "listlint.rules.duplicate_title",
    "listlint.rules.same_link_different_titles",
    "listlint.rules.venue_name",
    "listlint.rules.venue_year_style",
    "listlint.rules.implausible_year",
    "listlint.rules.unknown_tag",
    "listlint.rules.tracking_parameter",
    "listlint.rules.arxiv_pdf_link",
    "listlint.rules.arxiv_url_version",
    "listlint.rules.arxiv_mirror_host",
    "listlint.rules.insecure_link",
    "listlint.rules.broken_anchor",
    "listlint.rules.toc_missing_heading",
    "listlint.rules.dead_link",
    "listlint.rules.unreachable_link",
    "listlint.rules.blocked_link",
    "listlint.rules.permanent_redirect",
    "listlint.rules.private_host",
    "listlint.rules.network_unavailable",
    "listlint.rules.arxiv_not_found",
    "listlint.rules.arxiv_title_mismatch",
    "listlint.rules.arxiv_title_typo",
    "listlint.rules.arxiv_withdrawn",
    "listlint.rules.arxiv_pinned_version",
    "listlint.rules.venue_year_mismatch",
    "listlint.rules.arxiv_unchecked",
    "listlint.rules.arxiv_name_not_in_title",
)


@dataclass(frozen=True, slots=True)
class PluginRef:
    """Where a set of rules comes from: a module name or a file path."""

    origin: str
    target: str
    kind: str  # "builtin", "entry-point" or "file"


def find_plugins(local_files: Iterable[str | Path] = ()) -> list[PluginRef]:
    refs = [PluginRef("listlint", name, "builtin") for name in BUILTIN_MODULES]
    if may_have_entry_points():
        from importlib.metadata import entry_points

        for point in entry_points(group=ENTRY_POINT_GROUP):
            refs.append(PluginRef(f"entry point {point.name!r}", point.value, "entry-point"))
    for file in local_files:
        refs.append(PluginRef(f"local rule file {file}", str(file), "file"))
    return refs


def may_have_entry_points() -> bool:
    """False only when surely no installed distribution declares a listlint rule.

    ``importlib.metadata`` stays the one reader of entry points, but importing
    it and scanning every distribution took a twentieth of an offline run.  A
    plain look into the ``*.dist-info`` and ``*.egg-info`` folders on
    ``sys.path`` for the group name is a tenth of that.  Anything it cannot
    look into (a zip or ``.egg`` on the path, a distribution finder other
    than the standard one) counts as "maybe".
    """
    for finder in sys.meta_path:
        if hasattr(finder, "find_distributions") and finder is not importlib.machinery.PathFinder:
            return True
    marker = ENTRY_POINT_GROUP.encode()
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as found:
                names = [(item.name, item.path) for item in found]
        except FileNotFoundError:
            continue
        except OSError:  # a zip file on the path, or a folder we may not read
            return True
        for name, path in names:
            if name.endswith(".egg"):
                return True
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(path, "entry_points.txt"), "rb") as stream:
                    if marker in stream.read():
                        return True
            except (FileNotFoundError, NotADirectoryError):
                continue  # no entry points (an old-style egg-info is a file, with none)
            except OSError:
                return True
    return False


def load_rules(refs: Iterable[PluginRef]) -> list[Rule]:
    """Import every plugin and return its rules; clashes raise ``PluginError``."""
    rules: list[Rule] = []
    owners: dict[str, str] = {}
    for ref in refs:
        for rule in rules_of(load_target(ref), ref):
            for key in (rule.code, rule.name):
                if key in owners:
                    raise PluginError(f"rule {key!r} is defined twice: by {owners[key]} and by {ref.origin}")
                owners[key] = ref.origin
            rules.append(rule)
    return rules


def load_target(ref: PluginRef) -> Any:
    try:
        if ref.kind == "file":
            return import_file(Path(ref.target))
        module_name, _, attribute = ref.target.partition(":")
        module = importlib.import_module(module_name)
        return getattr(module, attribute) if attribute else module
    except PluginError:
        raise
    except (Exception, SystemExit) as exc:  # a plugin calling sys.exit() is a broken plugin too
        raise PluginError(f"cannot load {ref.origin}: {type(exc).__name__}: {exc}") from exc


def import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise PluginError(f"local rule file {path} does not exist")
    name = f"listlint_local_rules.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"local rule file {path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def rules_of(target: Any, ref: PluginRef) -> Iterator[Rule]:
    """A plugin is a Rule, a module with RULE or RULES, or an iterable of Rules."""
    if isinstance(target, Rule):
        yield target
        return
    if isinstance(target, ModuleType):
        found = getattr(target, "RULES", None) or ([target.RULE] if hasattr(target, "RULE") else None)
        if found is None:
            raise PluginError(f"{ref.origin} defines no RULE or RULES")
        target = found
    try:
        items = list(target)
    except TypeError:
        raise PluginError(f"{ref.origin} is not a listlint Rule") from None
    for item in items:
        if not isinstance(item, Rule):
            raise PluginError(f"{ref.origin} provides {item!r}, which is not a listlint Rule")
        validate_rule(item, ref)
        yield item


def validate_rule(rule: Rule, ref: PluginRef) -> None:
    if not rule.code or not rule.code[0].isalpha() or not rule.code.isalnum():
        raise PluginError(f"{ref.origin}: rule code {rule.code!r} must be letters then digits")
    if not rule.name or rule.name != rule.name.lower() or " " in rule.name:
        raise PluginError(f"{ref.origin}: rule name {rule.name!r} must be kebab-case")
