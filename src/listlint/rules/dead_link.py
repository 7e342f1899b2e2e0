"""LL601 dead-link: a link that definitely no longer works.

With ``--suggest`` (config ``suggest = true``) a dead link the Wayback Machine
archived while it was alive gets an unsafe fix to the snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import engine_for, link_verdicts

if TYPE_CHECKING:
    import asyncio

    from listlint.net.wayback import Suggestions

# Only these kinds have the URL itself at ``url_span`` (a reference use does not).
REWRITABLE = ("inline", "autolink", "html", "image")
SUGGESTIONS_KEY = "net.wayback-suggestions"


async def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    from listlint.net.verdicts import Kind

    results = await link_verdicts(document, context)
    dead = [(link, verdict) for link, verdict in results.reportable() if verdict.kind is Kind.DEAD]
    snapshots: dict[str, str] = {}
    if dead and context.settings.get("suggest"):
        suggestions = await suggest(context, [link.url.strip() for link, _ in dead])
        snapshots = dict(suggestions.snapshots)
    found = []
    for link, verdict in dead:
        snapshot = snapshots.get(link.url.strip())
        fix = None
        if snapshot and link.kind in REWRITABLE:
            fix = context.fix(
                f"replace with the archived copy {snapshot}",
                context.edit(link.url_span, snapshot),
                unsafe=True,
            )
        message = f"dead link: {verdict.reason}"
        if snapshot:
            message += f"; archived copy: {snapshot}"
        found.append(context.diagnostic(link.url_span, message, url=link.url, fix=fix))
    return found


async def suggest(context: RuleContext, urls: list[str]) -> Suggestions:
    """Snapshots for these dead URLs; one batch per document, one note per run."""
    import asyncio

    from listlint.net.wayback import Suggestions, WaybackClient

    services = context.services
    state: dict[str, asyncio.Future[Suggestions]] = services.get(SUGGESTIONS_KEY, dict)
    key = "|".join(sorted(set(urls)))
    if key not in state:
        engine = engine_for(services)
        client = WaybackClient(
            engine.source_http(), api=str(context.settings.get("wayback-api-url")), cache=engine.cache
        )
        state[key] = asyncio.ensure_future(client.suggest(urls))
        state[key].add_done_callback(lambda done: note(services, done))
    try:
        return await asyncio.shield(state[key])
    except Exception:  # noqa: BLE001 - a suggestion never costs a finding
        return Suggestions(snapshots={})


def note(services: object, done: asyncio.Future[Suggestions]) -> None:
    if done.cancelled() or done.exception() is not None:
        return
    message = done.result().note
    notes: list[str] = services.stats.setdefault("notes", [])  # type: ignore[attr-defined]
    if message and "could not be reached" in message:
        if not any("could not be reached" in line for line in notes):
            notes.append(message)
    elif message:
        notes.append(message)


RULE = Rule(
    code="LL601",
    name="dead-link",
    summary="A link that definitely fails: 404, 410, an unresolvable name, a redirect loop.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
    needs_network=True,
)
