"""LL302 venue-year-style: a venue year written unlike the rest of the list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.errors import ConfigError
from listlint.rules.base import Rule, RuleContext
from listlint.venues import YEAR_FORMS, VenueMention, format_year, tags_of

# Inferring a house style needs enough evidence, and a clear majority.
MIN_TAGS = 5
MIN_SHARE = 0.5


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    mentions: list[VenueMention] = []
    for _, tags in tags_of(document, context):
        for tag in tags:
            if (
                tag.exact
                and tag.venue is not None
                and tag.venue.form is not None
                and tag.venue.year is not None
            ):
                mentions.append(tag.venue)
    wanted = chosen_form(context, mentions)
    if wanted is None:
        return
    for mention in mentions:
        if mention.form == wanted or mention.year_span is None or mention.year is None:
            continue
        written = context.document.source.text[mention.name_span.start : mention.year_span.end]
        replacement = format_year(wanted, mention.year)
        span = mention.year_span
        if span.end == span.start:  # "OSDI24" has nothing between name and year
            span = mention.name_span
        yield context.diagnostic(
            span,
            f"{written!r}: this list writes venue years as {mention.written + replacement!r}",
            fix=context.fix(
                f"write {mention.written + replacement!r}", context.edit(mention.year_span, replacement)
            ),
        )


def chosen_form(context: RuleContext, mentions: list[VenueMention]) -> str | None:
    option = str(context.options.get("year-style") or "infer")
    if option != "infer":
        if option not in YEAR_FORMS:
            known = ", ".join(["infer", *YEAR_FORMS])
            raise ConfigError(f"rules.venue-year-style.year-style: {option!r} is not one of {known}")
        return option
    counts = Counter(m.form for m in mentions if m.form in YEAR_FORMS)
    if not counts:
        return None
    form, count = counts.most_common(1)[0]
    if count < MIN_TAGS or count / len(mentions) <= MIN_SHARE:
        return None
    return form


RULE = Rule(
    code="LL302",
    name="venue-year-style",
    summary="A venue year is written unlike the list's usual form (OSDI 22 among OSDI' 24).",
    severity=Severity.INFO,
    check=check,
    fixable=True,
    options={"year-style": "infer"},
)
