"""``listlint rules`` and ``listlint rule CODE_OR_NAME``."""

from __future__ import annotations

import argparse
import json
import sys
import sysconfig
from pathlib import Path

from listlint.cli import EXIT_OK, wants_color
from listlint.config import load_settings
from listlint.errors import UsageError
from listlint.rules.base import Rule
from listlint.rules.registry import find_plugins, load_rules


def all_rules(args: argparse.Namespace) -> list[Rule]:
    settings = load_settings(args.config)
    return load_rules(find_plugins(settings.plugin_files))


def list_rules(args: argparse.Namespace) -> int:
    rules = all_rules(args)
    if args.output_format == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "fixable": r.fixable,
                "needs_network": r.needs_network,
                "default": r.default,
                "summary": r.summary,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    header = ("code", "name", "severity", "fixable", "network", "summary")
    rows_text = [
        (
            r.code,
            r.name,
            r.severity.value,
            "yes" if r.fixable else "no",
            "yes" if r.needs_network else "no",
            r.summary if r.default else f"(off by default) {r.summary}",
        )
        for r in rules
    ]
    widths = [max(len(row[i]) for row in [header, *rows_text]) for i in range(5)]
    for row in [header, *rows_text]:
        cells = [value.ljust(widths[i]) for i, value in enumerate(row[:5])]
        sys.stdout.write("  ".join(cells) + "  " + row[5] + "\n")
    return EXIT_OK


def doc_folders() -> list[Path]:
    here = Path(__file__).resolve()
    return [
        here.parents[3] / "rules",  # a source checkout (src layout)
        Path(sysconfig.get_path("data")) / "share" / "listlint" / "rules",  # an installed wheel
    ]


def find_doc(rule: Rule) -> Path | None:
    for folder in doc_folders():
        page = folder / f"{rule.name}.md"
        if page.is_file():
            return page
    return None


def show_rule(args: argparse.Namespace) -> int:
    wanted = args.rule
    rule = next((r for r in all_rules(args) if wanted in (r.code, r.name)), None)
    if rule is None:
        raise UsageError(f"unknown rule {wanted!r} (see 'listlint rules')")
    page = find_doc(rule)
    text = (
        page.read_text(encoding="utf-8")
        if page
        else (f"# {rule.name} ({rule.code})\n\n{rule.summary}\n\nSee {rule.help_url}\n")
    )
    if wants_color(sys.stdout):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK
