"""Which rules run, with which options and severity (ruff-style selectors).

A selector is ``ALL``, a rule name (``duplicate-link``), a full code
(``LL201``) or a code prefix (``LL2``).  When selectors disagree about a rule,
the more specific one wins; at equal specificity ``ignore`` wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from listlint.config import Settings
from listlint.diagnostics import Severity
from listlint.errors import ConfigError, UsageError
from listlint.options import check_value
from listlint.rules.base import Rule

__all__ = ["ActiveRule", "select_rules", "matches", "specificity"]


@dataclass(frozen=True, slots=True)
class ActiveRule:
    rule: Rule
    severity: Severity
    options: Mapping[str, Any]


def specificity(selector: str, rule: Rule) -> int:
    """How specifically ``selector`` names ``rule`` (0: not at all)."""
    if selector == "ALL":
        return 1
    if selector == rule.name or selector == rule.code:
        return 100
    if rule.code.startswith(selector):
        return 1 + len(selector)
    return 0


def matches(selectors: Iterable[str], rule: Rule) -> bool:
    return any(specificity(selector, rule) for selector in selectors)


def check_selectors(selectors: Iterable[str], rules: Sequence[Rule], origin: str) -> None:
    for selector in selectors:
        if not any(specificity(selector, rule) for rule in rules):
            raise UsageError(f"{origin}: unknown rule selector {selector!r}")


def select_rules(
    rules: Sequence[Rule],
    settings: Settings,
    *,
    online: bool,
) -> list[ActiveRule]:
    """The rules to run, in registry order.

    Network rules run only when ``online`` is true.  Offline and selected is
    the default for every other rule.
    """
    select = settings.get("select") or ["ALL"]
    extend = settings.get("extend-select")
    ignore = settings.get("ignore")
    for key, selectors in (("select", select), ("extend-select", extend), ("ignore", ignore)):
        check_selectors(selectors, rules, settings.describe(key))
    for heading, selectors in settings.get("per-section-ignores").items():
        check_selectors(selectors, rules, settings.describe(f"per-section-ignores.{heading}"))
    check_rule_tables(rules, settings)
    active = []
    for rule in rules:
        chosen = max((specificity(s, rule) for s in [*select, *extend]), default=0)
        dropped = max((specificity(s, rule) for s in ignore), default=0)
        if not chosen or dropped >= chosen:
            continue
        if not rule.default and chosen <= specificity("ALL", rule):
            continue  # off by default: runs only when named
        if rule.needs_network and not online:
            continue
        table = settings.rule_table(rule.name, rule.code)
        options = {**rule.options, **{k: v for k, v in table.items() if k != "severity"}}
        severity = Severity.parse(table["severity"]) if "severity" in table else rule.severity
        active.append(ActiveRule(rule, severity, options))
    return active


def check_rule_tables(rules: Sequence[Rule], settings: Settings) -> None:
    by_key = {key: rule for rule in rules for key in (rule.name, rule.code)}
    for key, table in settings.get("rules").items():
        rule = by_key.get(key)
        if rule is None:
            raise ConfigError(f"{settings.describe(f'rules.{key}')}: unknown rule")
        for option, value in table.items():
            where = settings.describe(f"rules.{key}.{option}")
            if option == "severity":
                try:
                    Severity.parse(str(value))
                except ValueError as exc:
                    raise ConfigError(f"{where}: {exc}") from None
                continue
            if option not in rule.options:
                known = ", ".join(sorted(rule.options)) or "none besides severity"
                raise ConfigError(f"{where}: unknown option (known: {known})")
            default = rule.options[option]
            try:
                check_value(value, type(default) if default is not None else object)
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
