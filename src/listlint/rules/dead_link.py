"""LL601 dead-link: a link that definitely no longer works.

With ``suggest`` (``--suggest``), the gather stage asked the Wayback Machine
about each dead URL; where it holds a snapshot of the working page, the
finding carries an **unsafe** fix to that snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from listlint.diagnostics import Diagnostic, Fix, Severity
from listlint.document.model import Document, Link
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import USES, reportable
from listlint.rules.permanent_redirect import REWRITABLE, with_fragment

if TYPE_CHECKING:
    from listlint.net.sources.wayback import Snapshot

# The crawl, and the Wayback snapshots of dead links (asked only with ``suggest``).
DEAD_LINK_USES = (*USES, "wayback")


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    from listlint.net.verdicts import Kind

    found = []
    for link, verdict in reportable(document, context):
        if verdict.kind is not Kind.DEAD:
            continue
        message = f"dead link: {verdict.reason}"
        snapshot = snapshot_for(link, context)
        fix = None
        if snapshot is not None:
            message += f"; the Wayback Machine has a snapshot from {snapshot.day}"
            fix = snapshot_fix(context, link, snapshot)
        found.append(context.diagnostic(link.url_span, message, url=link.url, fix=fix))
    return found


def snapshot_for(link: Link, context: RuleContext) -> Snapshot | None:
    if context.facts is None:
        return None
    from listlint.net.sources.wayback import NAME, snapshot_of

    return snapshot_of(context.facts.lookup(NAME, link))


def snapshot_fix(context: RuleContext, link: Link, snapshot: Snapshot) -> Fix | None:
    """Replace the URL with the snapshot's (unsafe: an archived copy is not the live page)."""
    if link.kind not in REWRITABLE:
        return None
    target = with_fragment(snapshot.url, link.url)
    text = target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    if link.kind == "autolink":
        text = text.replace("<", "%3C").replace(">", "%3E")
    return context.fix(f"replace with the snapshot {target}", context.edit(link.url_span, text), unsafe=True)


RULE = Rule(
    code="LL601",
    name="dead-link",
    summary="A link that definitely fails: 404, 410, an unresolvable name, a redirect loop.",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
    needs_network=True,
    uses=DEAD_LINK_USES,
)
