"""LL404 arxiv-mirror-host: an arXiv link through www., export. or an old mirror."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.identity import parse_arxiv, path_offset
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import link_index, url_bytes_match, url_edit
from listlint.urls import split_web_url

__all__ = ["RULE", "MIRROR_HOSTS"]

CANONICAL = "arxiv.org"
# www.arxiv.org serves (or redirects) every page; the others only the paper
# pages, so they are reported for paper links only (export. hosts the API).
MIRROR_HOSTS = frozenset({"www.arxiv.org", "export.arxiv.org", "xxx.lanl.gov", "lanl.arxiv.org"})


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    for occurrence in link_index(document).occurrences:
        link = occurrence.link
        url = link.url
        parts = split_web_url(url.strip())
        if parts is None or parts.host not in MIRROR_HOSTS:
            continue  # most links: no need to find the host as written
        start = url.find("://") + 3
        end = path_offset(url)
        netloc = url[start:end]
        host = netloc.rpartition("@")[2].split(":")[0]
        lowered = host.lower()
        if lowered not in MIRROR_HOSTS:
            continue
        if lowered != "www.arxiv.org" and parse_arxiv(url) is None:
            continue
        fix = None
        if url_bytes_match(document, link):
            host_start = start + netloc.rfind(host) if "@" in netloc else start
            edit = url_edit(context, link, host_start, host_start + len(host), CANONICAL)
            fix = context.fix(f"link {CANONICAL}", edit)
        yield context.diagnostic(
            link.url_span,
            f"arXiv link through {host}; link {CANONICAL}",
            url=url,
            fix=fix,
        )


RULE = Rule(
    code="LL404",
    name="arxiv-mirror-host",
    summary="An arXiv link through www.arxiv.org, export.arxiv.org or an old mirror.",
    severity=Severity.WARNING,
    check=check,
    fixable=True,
)
