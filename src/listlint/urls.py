"""URL normalisation shared by the link rules (pure string work, no network)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

__all__ = ["UrlParts", "split_web_url", "normalize_url", "host_of"]

# The URLs of real lists are almost all plain absolute http(s) URLs with an
# ASCII host name.  One regex takes those apart the way ``urlsplit`` does;
# everything else (user info, IPv6 hosts, non-ASCII hosts, white space, odd
# ports) goes to ``urlsplit`` itself.  Several link rules split every URL of
# the list, and ``urlsplit`` with ``.hostname`` and ``.port`` was a large
# share of an offline run.  ``tests/test_urls.py`` proves the two agree.
PLAIN_WEB_URL_RE = re.compile(
    r"(?P<scheme>[Hh][Tt][Tt][Pp][Ss]?)://"
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r"(?::(?P<port>[0-9]{1,5}))?"
    r"(?P<path>/[^?#\x00-\x20\x7f]*)?"
    r"(?:\?(?P<query>[^#\x00-\x20\x7f]*))?"
    r"(?:#(?P<fragment>[^\x00-\x20\x7f]*))?"
)


class UrlParts(NamedTuple):
    """An http(s) URL taken apart: what ``urlsplit`` gives, host in lower case."""

    scheme: str  # lower case
    host: str  # lower case, "" when the URL has none
    port: int | None
    path: str
    query: str
    fragment: str


@lru_cache(maxsize=16384)
def split_web_url(url: str) -> UrlParts | None:
    """The parts of an http(s) ``url``; None for other schemes and unparsable URLs."""
    match = PLAIN_WEB_URL_RE.fullmatch(url)
    if match is not None:
        scheme, host, port, path, query, fragment = match.groups()
        number = int(port) if port is not None else None
        if number is None or number <= 65535:
            return UrlParts(scheme.lower(), host.lower(), number, path or "", query or "", fragment or "")
    try:
        parts = urlsplit(url)
        host, port_number = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    return UrlParts(scheme, host, port_number, parts.path, parts.query, parts.fragment)


@lru_cache(maxsize=16384)  # several rules normalise every URL of the list
def normalize_url(url: str) -> str:
    """A key under which URLs that surely name the same page compare equal.

    Scheme (http/https), case of the host, a leading ``www.``, a trailing
    slash, default ports and the fragment do not matter.  Path and query do.
    """
    url = url.strip()
    parts = split_web_url(url)
    if parts is None:
        return url
    host = parts.host.removeprefix("www.")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/")
    if netloc and (not path or path.startswith("/")):  # what urlunsplit gives, without its checks
        return f"https://{netloc}{path}?{parts.query}" if parts.query else f"https://{netloc}{path}"
    return urlunsplit(("https", netloc, path, parts.query, ""))


def host_of(url: str) -> str:
    """The lower-case host of ``url`` ("" when it has none or is not a URL)."""
    url = url.strip()
    parts = split_web_url(url)
    if parts is not None:
        return parts.host
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
