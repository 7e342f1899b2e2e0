"""Which paper a link names, in the forms scholarly APIs take: DOIs and arXiv IDs.

Pure string work.  A DOI is read from a resolver URL (``doi.org``,
``dx.doi.org``) or from a publisher URL that carries it in its path (the ACM
Digital Library, Springer, Wiley, Taylor & Francis, SAGE).  IEEE Xplore's
``/document/N`` carries no DOI and is left to the crawler.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from listlint.identity import arxiv_id

__all__ = ["ARXIV_DOI_PREFIX", "doi_in_url", "paper_id", "is_arxiv_doi"]

ARXIV_DOI_PREFIX = "10.48550/arxiv."
DOI_RE = re.compile(r"10\.\d{4,9}/[^\s?#]+")
# Host -> path prefixes (lower case) after which the DOI starts.
PUBLISHER_PATHS: dict[str, tuple[str, ...]] = {
    "dl.acm.org": ("doi/abs/", "doi/pdf/", "doi/full/", "doi/fullhtml/", "doi/epdf/", "doi/book/", "doi/"),
    "link.springer.com": ("article/", "chapter/", "content/pdf/", "book/"),
    "onlinelibrary.wiley.com": ("doi/abs/", "doi/full/", "doi/pdf/", "doi/epdf/", "doi/"),
    "www.tandfonline.com": ("doi/abs/", "doi/full/", "doi/pdf/", "doi/"),
    "journals.sagepub.com": ("doi/abs/", "doi/full/", "doi/pdf/", "doi/"),
}
RESOLVERS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})


def doi_in_url(url: str) -> str | None:
    """The DOI a link names (lower case), or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    path = unquote(parts.path).lstrip("/")
    if host in RESOLVERS:
        candidate = path.removeprefix("doi:")
    elif host in PUBLISHER_PATHS:
        lowered = path.lower()
        prefix = next((p for p in PUBLISHER_PATHS[host] if lowered.startswith(p)), None)
        if prefix is None:
            return None
        candidate = path[len(prefix) :]
        if host == "link.springer.com" and candidate.lower().endswith(".pdf"):
            candidate = candidate[:-4]
    else:
        return None
    match = DOI_RE.fullmatch(candidate.rstrip("/"))
    return match.group(0).lower() if match else None


def is_arxiv_doi(doi: str) -> bool:
    return doi.startswith(ARXIV_DOI_PREFIX)


def paper_id(url: str) -> str | None:
    """``ARXIV:2408.12757`` or ``DOI:10.1145/...`` (Semantic Scholar's ID forms), or None."""
    found = arxiv_id(url)
    if found is not None:
        return f"ARXIV:{found[0]}"
    doi = doi_in_url(url)
    if doi is None:
        return None
    if is_arxiv_doi(doi):
        return f"ARXIV:{doi.removeprefix(ARXIV_DOI_PREFIX)}"
    return f"DOI:{doi}"
