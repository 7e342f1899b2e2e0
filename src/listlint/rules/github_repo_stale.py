"""LL805 github-repo-stale: nobody has pushed to the linked repository for years.

Off until ``years`` is set (``[rules.github-repo-stale] years = 3``): an old
repository can be finished rather than abandoned, and only the list's
maintainer knows which kind the list wants.
"""

from __future__ import annotations

from datetime import UTC, datetime

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.github_checks import SOURCE, day_of, repository_links

DAYS_PER_YEAR = 365.25


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    years = float(context.options["years"])
    if years <= 0:
        return []
    now = datetime.now(UTC)
    found = []
    for item in repository_links(document, context):
        record = item.lookup.record
        if item.lookup.status != "found" or record.get("isArchived") or record.get("isDisabled"):
            continue  # archived and disabled repositories have rules of their own
        pushed = parse_time(record.get("pushedAt"))
        if pushed is None:
            continue
        age = (now - pushed).days / DAYS_PER_YEAR
        if age < years:
            continue
        message = (
            f"nobody has pushed to GitHub repository {item.current_name} for {int(age)} years "
            f"(last push {day_of(record.get('pushedAt'))})"
        )
        found.append(context.diagnostic(item.link.url_span, message, url=item.link.url))
    return found


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


RULE = Rule(
    code="LL805",
    name="github-repo-stale",
    summary="No push to the linked GitHub repository for `years` years (off until `years` is set).",
    severity=Severity.WARNING,
    check=check,
    needs_network=True,
    options={"years": 0.0},
    uses=(SOURCE,),
)
