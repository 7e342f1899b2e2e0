"""LL604 permanent-redirect: a link that moved for good (301/308); the fix rewrites it."""

from __future__ import annotations

from urllib.parse import urlsplit

from listlint.diagnostics import Diagnostic, Fix, Severity
from listlint.document.model import Document, Link
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_checks import USES, reportable

# Only these kinds have the URL itself at ``url_span`` (a reference use does not).
REWRITABLE = ("inline", "autolink", "html", "image")
LOGIN_WORDS = ("login", "signin", "sign-in", "sign_in", "auth", "sso", "session")


def check(document: Document, context: RuleContext) -> list[Diagnostic]:
    found = []
    for link, verdict in reportable(document, context):
        if verdict.moved_to is None or verdict.kind != "ok":
            continue
        target = with_fragment(verdict.moved_to, link.url)
        caveat = suspicious(link.url, target)
        message = f"permanently redirected to {target}"
        if caveat:
            message += f" ({caveat}; check before changing the link)"
        fix = None if caveat else rewrite_fix(context, link, target)
        found.append(context.diagnostic(link.url_span, message, url=link.url, fix=fix))
    return found


def with_fragment(target: str, original: str) -> str:
    """Browsers keep the #fragment across a redirect; so does the fix."""
    fragment = original.partition("#")[2]
    if fragment and "#" not in target:
        return f"{target}#{fragment}"
    return target


def suspicious(original: str, target: str) -> str | None:
    """Why a redirect might not mean "this page moved" (a login wall, the home page)."""
    try:
        old, new = urlsplit(original), urlsplit(target)
    except ValueError:
        return "unparsable target"
    path = new.path.lower()
    if any(word in path for word in LOGIN_WORDS) or "login" in new.query.lower():
        return "it leads to a login page"
    if old.path.strip("/") and not new.path.strip("/") and not new.query:
        return "it leads to the site's home page, so the page may be gone"
    return None


def rewrite_fix(context: RuleContext, link: Link, target: str) -> Fix | None:
    if link.kind not in REWRITABLE:
        return None
    text = target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    if link.kind == "autolink":
        text = text.replace("<", "%3C").replace(">", "%3E")
    old_host = (urlsplit(link.url).hostname or "").removeprefix("www.")
    new_host = (urlsplit(target).hostname or "").removeprefix("www.")
    return context.fix(
        f"replace with {target}", context.edit(link.url_span, text), unsafe=old_host != new_host
    )


RULE = Rule(
    code="LL604",
    name="permanent-redirect",
    summary="A link permanently redirected (301/308) elsewhere; the fix uses the new URL.",
    severity=Severity.INFO,
    check=check,
    fixable=True,
    needs_network=True,
    uses=USES,
)
