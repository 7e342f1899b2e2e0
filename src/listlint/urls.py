"""URL normalisation shared by the link rules (pure string work, no network)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["normalize_url", "host_of"]


def normalize_url(url: str) -> str:
    """A key under which URLs that surely name the same page compare equal.

    Scheme (http/https), case of the host, a leading ``www.``, a trailing
    slash, default ports and the fragment do not matter.  Path and query do.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.")
    try:
        port = parts.port if parts.port not in (None, 80, 443) else None
    except ValueError:  # "host:99999" or "host:x": not a URL to compare, keep it as written
        return url
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/")
    return urlunsplit(("https", netloc, path, parts.query, ""))


def host_of(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""
