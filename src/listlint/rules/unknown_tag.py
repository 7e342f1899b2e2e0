"""LL304 unknown-tag: a tag written like a venue and year whose venue listlint does not know."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.venues import tags_of, vocabulary_for

SUGGEST_CUTOFF = 80


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    vocabulary = vocabulary_for(context)
    names: list[str] | None = None
    for _, tags in tags_of(document, context):
        for tag in tags:
            if tag.unknown is None:
                continue
            word, span = tag.unknown
            if names is None:
                names = vocabulary.names
            hint = suggestion(word, names)
            message = f"unknown venue {word!r} in {tag.text!r}"
            if hint:
                message += f" (did you mean {hint!r}?)"
            else:
                message += " (add it under extra-venues if it is one)"
            yield context.diagnostic(span, message)


def suggestion(word: str, names: list[str]) -> str | None:
    from rapidfuzz import fuzz, process  # lazy: only lists with unknown venues pay for it

    found = process.extractOne(
        word.lower(), {n: n.lower() for n in names}, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF
    )
    return found[2] if found else None


RULE = Rule(
    code="LL304",
    name="unknown-tag",
    summary="A tag reads like a venue and year (Foo' 24) but names no venue listlint knows.",
    severity=Severity.INFO,
    check=check,
)
