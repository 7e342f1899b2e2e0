"""LL105 entry-shape: an entry shaped unlike the other entries of its section.

No house style is imposed: per section, the dominant shape is inferred from
the entries themselves (does the entry begin with its link? is the link
followed by ``:`` or by `` - ``?), and only clear outliers are reported.
Entries whose title is the link text (``- [Full title](url) | Tags``) fit
either separator, so they never count against one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document, Entry, Link
from listlint.rules.base import Rule, RuleContext
from listlint.rules.entry_parts import leading_text, separator_kind

MIN_ENTRIES = 5  # a section needs this many entries with a link to have a "shape"
MIN_SHARE = 0.8  # and the dominant shape must cover this share of them
SHAPES = {
    ":": "[Name](url): Description",
    "-": "[Name](url) - Description",
}


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    groups: dict[tuple[int, int], list[tuple[Entry, Link]]] = {}
    for entry in document.entries:
        link = entry.primary_link
        if entry.kind != "item" or link is None or link.kind == "image":
            continue
        key = (entry.section.span.start if entry.section else -1, entry.depth)
        groups.setdefault(key, []).append((entry, link))
    for members in groups.values():
        if len(members) >= MIN_ENTRIES:
            yield from check_group(document, context, members)


def check_group(
    document: Document, context: RuleContext, members: list[tuple[Entry, Link]]
) -> Iterator[Diagnostic]:
    leads = {id(entry): bool(leading_text(document, entry, link)) for entry, link in members}
    first_count = sum(1 for value in leads.values() if not value)
    lead_rule = first_count >= MIN_ENTRIES and first_count / len(members) >= MIN_SHARE
    # A separator only means something after a link that opens the entry.
    separators = {id(entry): separator_kind(document, entry) for entry, _ in members if not leads[id(entry)]}
    counted = Counter(kind for kind in separators.values() if kind in (":", "-"))
    dominant, count = counted.most_common(1)[0] if counted else ("", 0)
    separator_rule = count >= MIN_ENTRIES and count / sum(counted.values()) >= MIN_SHARE
    total = len(members)
    for entry, link in members:
        if lead_rule and leads[id(entry)]:
            yield context.diagnostic(
                entry.span if entry.end_line == entry.line else link.span,
                f"entry does not begin with its link, unlike {first_count} of {total} entries here",
            )
            continue
        kind = separators.get(id(entry), "")
        if separator_rule and kind in (":", "-") and kind != dominant and entry.separator_span:
            yield context.diagnostic(
                entry.separator_span,
                f"entry shape '{SHAPES[kind]}' differs from this section's usual "
                f"'{SHAPES[dominant]}' ({count} of {sum(counted.values())} entries)",
            )


RULE = Rule(
    code="LL105",
    name="entry-shape",
    summary="An entry is shaped unlike the dominant shape of its section (separator, link first).",
    severity=Severity.INFO,
    check=check,
    # Off by default: lists that merged a second shape over years do not want
    # one finding per entry (see README, Severity).
    default=False,
)
