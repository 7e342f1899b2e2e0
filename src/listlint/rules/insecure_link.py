"""LL405 insecure-link: ``http://`` to a host that serves ``https://``."""

from __future__ import annotations

from collections.abc import Iterator

from listlint.diagnostics import Diagnostic, Severity
from listlint.document.model import Document
from listlint.rules.base import Rule, RuleContext
from listlint.rules.link_index import link_index, url_bytes_match, url_edit
from listlint.urls import host_of

__all__ = ["RULE", "HTTPS_HOSTS", "HTTPS_DOMAINS"]

# Hosts known to serve every page over https (and to redirect http to it).
# Kept small and certain: a wrong entry would make --fix break a link.
HTTPS_HOSTS: frozenset[str] = frozenset(
    {
        "arxiv.org",
        "export.arxiv.org",
        "github.com",
        "gist.github.com",
        "raw.githubusercontent.com",
        "gitlab.com",
        "bitbucket.org",
        "doi.org",
        "dx.doi.org",
        "openreview.net",
        "dl.acm.org",
        "usenix.org",
        "ieeexplore.ieee.org",
        "aclanthology.org",
        "proceedings.neurips.cc",
        "papers.nips.cc",
        "proceedings.mlr.press",
        "jmlr.org",
        "semanticscholar.org",
        "huggingface.co",
        "paperswithcode.com",
        "pypi.org",
        "npmjs.com",
        "youtube.com",
        "youtu.be",
        "twitter.com",
        "x.com",
        "medium.com",
        "reddit.com",
        "stackoverflow.com",
        "go.dev",
        "pkg.go.dev",
        "golang.org",
        "godoc.org",
        "docs.google.com",
        "drive.google.com",
        "colab.research.google.com",
        "kaggle.com",
        "openai.com",
        "anthropic.com",
        "linkedin.com",
        "discord.gg",
        "discord.com",
        "readthedocs.io",
        "readthedocs.org",
        "crates.io",
        "docs.rs",
    }
)
# Domains whose every subdomain serves https (HSTS-preloaded).
HTTPS_DOMAINS: tuple[str, ...] = (
    ".github.io",
    ".readthedocs.io",
    ".wikipedia.org",
    ".medium.com",
    ".substack.com",
)


def check(document: Document, context: RuleContext) -> Iterator[Diagnostic]:
    extra = frozenset(host.lower() for host in context.options.get("extra-hosts", []))
    for occurrence in link_index(document).occurrences:
        link = occurrence.link
        if link.url[:7].lower() != "http://":
            continue
        host = host_of(link.url)
        if not serves_https(host, extra):
            continue
        fix = None
        if url_bytes_match(document, link):
            fix = context.fix("use https", url_edit(context, link, 0, 4, "https"))
        yield context.diagnostic(
            link.url_span,
            f"insecure link: {host} serves https://",
            url=link.url,
            fix=fix,
        )


def serves_https(host: str, extra: frozenset[str] = frozenset()) -> bool:
    bare = host.removeprefix("www.")
    return bare in HTTPS_HOSTS or bare in extra or host.endswith(HTTPS_DOMAINS)


RULE = Rule(
    code="LL405",
    name="insecure-link",
    summary="An http:// link to a host where https:// is standard.",
    severity=Severity.WARNING,
    check=check,
    fixable=True,
    options={"extra-hosts": []},
)
