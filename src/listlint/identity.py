"""What a link points at: the identity of a paper or project behind a URL.

Pure string work, no network.  ``paper_identity`` maps every URL form of one
paper (arXiv abs/pdf/html, versions and mirror hosts; DOI resolvers and the
ACM Digital Library; GitHub repository pages; OpenReview forum/pdf) to one
key, and any other URL to its normalised form without tracking parameters.

Tracking-parameter knowledge lives here only (``TRACKING_PARAMS``,
``TRACKING_PREFIXES``, ``HOST_TRACKING_PARAMS``, ``strip_tracking``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from listlint.urls import host_of, normalize_url, split_web_url

__all__ = [
    "ARXIV_HOSTS",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "HOST_TRACKING_PARAMS",
    "ArxivLink",
    "arxiv_id",
    "parse_arxiv",
    "path_offset",
    "query_bounds",
    "split_url",
    "paper_identity",
    "is_tracking_param",
    "strip_tracking",
    "tracking_params",
]

# Query parameters that only say where a click came from.  Removing them never
# changes the page.  ``ref`` is left alone: some sites use it for content
# (``?ref=branch`` on GitHub's API, shop referral codes).
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "ref_src",
        "ref_url",
        "_hsenc",
        "_hsmi",
        "__hssc",
        "__hstc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "_ga",
        "_gl",
        "spm",
        "scm",
        "hss_channel",
        "_branch_match_id",
        "_branch_referrer",
        "s_kwcid",
        "ef_id",
        "epik",
        "rb_clickid",
        "_kx",
        "ml_subscriber",
        "ml_subscriber_hash",
        "vero_conv",
        "trk_contact",
        "trk_msg",
        "trk_module",
        "trk_sid",
        "sc_channel",
        "sc_campaign",
        "cmpid",
        "spm_id_from",
        "vd_source",
        "pk_campaign",
        "pk_kwd",
        "pk_source",
        "pk_medium",
        "pk_content",
        "srsltid",
        "gad_source",
        "gad_campaignid",
    }
)
# Every parameter starting with one of these is tracking (utm_source, ...):
# Google Analytics (utm_), HubSpot ads (hsa_), Matomo (mtm_).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "hsa_", "mtm_")
# Parameters that are tracking on some hosts only (short, generic names).
HOST_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    "youtube.com": frozenset({"si", "feature"}),
    "youtu.be": frozenset({"si", "feature"}),
    "twitter.com": frozenset({"s", "t"}),
    "x.com": frozenset({"s", "t"}),
    "open.spotify.com": frozenset({"si"}),
    "linkedin.com": frozenset({"trk", "trackingid"}),
}

# Host parameters that are reported only beside another tracker: a share
# source code (``s=20``) alone identifies no one.
QUIET_ALONE: dict[str, frozenset[str]] = {
    "twitter.com": frozenset({"s"}),
    "x.com": frozenset({"s"}),
}

ARXIV_HOSTS: frozenset[str] = frozenset(
    {
        "arxiv.org",
        "www.arxiv.org",
        "export.arxiv.org",
        "xxx.lanl.gov",
        "lanl.arxiv.org",
    }
)
ARXIV_VIEWS: frozenset[str] = frozenset({"abs", "pdf", "html", "ps", "format", "src"})
NEW_ARXIV_RE = re.compile(r"(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?")
OLD_ARXIV_RE = re.compile(r"(?P<id>[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v(?P<version>\d+))?")

# Pages named by an arXiv ID: host -> the path prefixes that carry it.
ARXIV_PAGE_HOSTS: dict[str, frozenset[str]] = {
    "huggingface.co": frozenset({"papers"}),
    "www.huggingface.co": frozenset({"papers"}),
    "alphaxiv.org": frozenset({"abs", "overview"}),
    "www.alphaxiv.org": frozenset({"abs", "overview"}),
}
ARXIV_PAGE_RE = re.compile(r"/([a-z]+)/(\d{4}\.\d{4,5})(?:v\d+)?")
DOI_HOSTS: frozenset[str] = frozenset({"doi.org", "dx.doi.org"})
ACM_HOSTS: frozenset[str] = frozenset({"dl.acm.org"})
ACM_VIEWS: frozenset[str] = frozenset({"pdf", "abs", "fullhtml", "epdf", "full", "book"})
ARXIV_DOI_PREFIX = "10.48550/arxiv."
DOI_RE = re.compile(r"10\.\d{4,9}/\S+")

GITHUB_HOSTS: frozenset[str] = frozenset({"github.com"})
# First path segments on github.com that are not user or organisation names.
GITHUB_RESERVED: frozenset[str] = frozenset(
    {
        "about",
        "apps",
        "collections",
        "customer-stories",
        "enterprise",
        "events",
        "explore",
        "features",
        "login",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "pricing",
        "pulls",
        "search",
        "settings",
        "sponsors",
        "topics",
        "trending",
        "issues",
        "site",
        "security",
        "readme",
        "join",
        "codespaces",
        "users",
    }
)
OPENREVIEW_HOSTS: frozenset[str] = frozenset({"openreview.net"})


@dataclass(frozen=True, slots=True)
class ArxivLink:
    """An arXiv URL taken apart; ``url[start:end]`` is the ID with its ``vN``."""

    id: str
    version: int | None
    view: str  # abs, pdf, html, ...
    start: int
    end: int
    host: str  # lower case
    suffix: str  # what follows the ID in the path: "", "/", ".pdf", ...


def parse_arxiv(url: str) -> ArxivLink | None:
    """The arXiv ID of ``url`` with where it sits, or None for non-arXiv URLs."""
    url = url.strip()
    parts = split_url(url)
    if parts is None:
        return None
    host, path = parts
    if host not in ARXIV_HOSTS:
        return None
    segments = path.split("/")
    # path starts with "/", so segments[0] == ""
    if len(segments) < 3 or segments[1].lower() not in ARXIV_VIEWS:
        return None
    view = segments[1].lower()
    rest = "/".join(segments[2:])
    rest_start = path_offset(url) + len(segments[1]) + 2
    for pattern in (NEW_ARXIV_RE, OLD_ARXIV_RE):
        match = pattern.match(rest)
        if match is None:
            continue
        suffix = rest[match.end() :]
        if suffix not in ("", "/", ".pdf", "/.pdf") and not suffix.startswith("/"):
            continue  # e.g. 2408.127571 is not 2408.12757 followed by "1"
        version = match.group("version")
        return ArxivLink(
            match.group("id"),
            int(version) if version else None,
            view,
            rest_start + match.start(),
            rest_start + match.end(),
            host,
            suffix,
        )
    return None


def arxiv_id(url: str) -> tuple[str, int | None] | None:
    """The arXiv ID and pinned version (or None) of any arXiv URL, else None.

    ``https://arxiv.org/pdf/2312.06902v1.pdf`` -> ``("2312.06902", 1)``;
    ``http://export.arxiv.org/abs/hep-th/9901001`` -> ``("hep-th/9901001", None)``.
    """
    found = parse_arxiv(url)
    return None if found is None else (found.id, found.version)


def paper_identity(url: str) -> str | None:
    """A key under which every URL of the same paper or project compares equal.

    ``arxiv:ID`` (also for arXiv's DOIs ``10.48550/arXiv.ID``), ``doi:10.x/y``
    (lower case), ``github:owner/repo`` (lower
    case; the repository page, its ``.git`` URL, a branch root
    ``/tree/BRANCH``), ``openreview:ID``; any other web URL gives
    ``normalize_url`` of the URL without tracking parameters.  None for
    anything that is not an http(s) URL.
    """
    url = url.strip()
    parts = split_url(url)
    if parts is None:
        return None
    host, path = parts
    if host in ARXIV_HOSTS:
        found = arxiv_id(url)
        if found is not None:
            return f"arxiv:{found[0]}"
    elif host in ARXIV_PAGE_HOSTS:
        # huggingface.co/papers/ID and alphaxiv.org/abs/ID show the arXiv paper ID.
        match = ARXIV_PAGE_RE.fullmatch(path.rstrip("/"))
        if match is not None and match.group(1) in ARXIV_PAGE_HOSTS[host]:
            return f"arxiv:{match.group(2)}"
    elif host in DOI_HOSTS or host in ACM_HOSTS:
        doi = doi_of(host, path)
        if doi is not None and doi.startswith(ARXIV_DOI_PREFIX):
            # arXiv's own DOIs (10.48550/arXiv.ID) name the arXiv paper.
            return f"arxiv:{doi.removeprefix(ARXIV_DOI_PREFIX)}"
        if doi is not None:
            return f"doi:{doi}"
    elif host in GITHUB_HOSTS or host == "www.github.com":
        repo = github_repo(path)
        if repo is not None:
            return f"github:{repo}"
    elif host in OPENREVIEW_HOSTS or host == "www.openreview.net":
        note = openreview_id(url, path)
        if note is not None:
            return f"openreview:{note}"
    return normalize_url(strip_tracking(url))


def split_url(url: str) -> tuple[str, str] | None:
    """(lower-case host, path) of an http(s) URL, else None."""
    parts = split_web_url(url)
    if parts is None or not parts.host:
        return None
    return parts.host, parts.path


def path_offset(url: str) -> int:
    """Offset of the path in an absolute URL (where ``urlsplit().path`` starts)."""
    netloc_start = url.find("://") + 3
    ends = [i for i in (url.find(c, netloc_start) for c in "/?#") if i >= 0]
    return min(ends) if ends else len(url)


def doi_of(host: str, path: str) -> str | None:
    path = unquote(path).lstrip("/")
    if host in ACM_HOSTS:
        segments = path.split("/")
        if not segments or segments[0].lower() != "doi":
            return None
        segments = segments[1:]
        if segments and segments[0].lower() in ACM_VIEWS:
            segments = segments[1:]
        path = "/".join(segments)
    elif path.lower().startswith("doi:"):
        path = path[4:]
    match = DOI_RE.fullmatch(path.rstrip("/"))
    return match.group(0).lower() if match else None


def github_repo(path: str) -> str | None:
    segments = [s for s in path.split("/") if s]
    if len(segments) < 2 or segments[0].lower() in GITHUB_RESERVED:
        return None
    owner, repo = segments[0], segments[1].removesuffix(".git")
    rest = segments[2:]
    # The repository page itself, or a branch's root (what the page shows).
    if rest and not (rest[0] == "tree" and len(rest) == 2):
        return None
    if not repo:
        return None
    return f"{owner}/{repo}".lower()


def openreview_id(url: str, path: str) -> str | None:
    if path.rstrip("/") not in ("/forum", "/pdf"):
        return None
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "id" and value:
            return value
    return None


# -- tracking parameters ------------------------------------------------------


def is_tracking_param(name: str, host: str = "") -> bool:
    """Whether query parameter ``name`` is a tracking parameter (on ``host``)."""
    key = unquote(name).lower()
    if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
        return True
    return key in HOST_TRACKING_PARAMS.get(bare_host(host), frozenset())


def bare_host(host: str) -> str:
    return host.lower().removeprefix("www.").removeprefix("m.")


def query_bounds(url: str) -> tuple[int, int] | None:
    """Offsets of the query (after ``?``, before ``#``) in ``url``, else None."""
    mark = url.find("?")
    if mark < 0:
        return None
    hash_at = url.find("#")
    if 0 <= hash_at < mark:
        return None
    end = hash_at if hash_at >= 0 else len(url)
    return mark + 1, end


def tracking_params(url: str) -> list[str]:
    """Names of the tracking parameters in ``url``, in order."""
    bounds = query_bounds(url)
    if bounds is None:
        return []
    host = host_of(url)
    names = [piece.split("=", 1)[0] for piece in url[bounds[0] : bounds[1]].split("&")]
    found = [name for name in names if name and is_tracking_param(name, host)]
    if found and all(name.lower() in QUIET_ALONE.get(bare_host(host), ()) for name in found):
        return []  # x.com's ?s=20 alone says which app shared it, and no one is tracked
    return found


def strip_tracking(url: str) -> str:
    """``url`` without tracking parameters; everything else byte for byte.

    The other parameters keep their order and spelling; a query left empty
    loses its ``?``; the fragment stays.
    """
    bounds = query_bounds(url)
    if bounds is None:
        return url
    start, end = bounds
    host = host_of(url)
    pieces = url[start:end].split("&")
    kept = [p for p in pieces if not (p and is_tracking_param(p.split("=", 1)[0], host))]
    if len(kept) == len(pieces):
        return url
    query = "&".join(p for p in kept if p)
    head = url[: start - 1]
    return f"{head}?{query}{url[end:]}" if query else f"{head}{url[end:]}"
