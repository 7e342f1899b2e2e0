"""Redirect targets and origins: where a ``Location`` leads, and who may see our headers.

A ``Location`` is a URI reference resolved against the URL that answered,
by RFC 3986 (httpx's ``URL.join``): ``?x=1`` keeps the path, ``//host/p``
keeps the scheme.  A ``Location`` that no server should send (control
characters, a folded header, spaces) is followed at most as a guess: what it
leads to is never evidence that the link is dead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

__all__ = ["Hop", "BadLocation", "origin_of", "resolve_location"]

WEB_SCHEMES = frozenset({"http", "https"})
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Hop:
    """The next URL of a chain; ``dubious``: the Location was malformed but readable."""

    url: str
    dubious: bool = False


@dataclass(frozen=True, slots=True)
class BadLocation:
    """A Location that cannot be followed; ``reason`` is safe to print."""

    reason: str


def origin_of(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` with the default port filled in."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return ("", "", None)
    scheme = parsed.scheme.lower()
    return (scheme, parsed.host.lower(), parsed.port or DEFAULT_PORTS.get(scheme))


def resolve_location(current: str, location: str) -> Hop | BadLocation:
    """The absolute URL (without fragment) a redirect from ``current`` leads to."""
    location = location.strip(" \t")
    dubious = False
    if CONTROL.search(location):
        return BadLocation("the redirect's Location header holds control characters; not followed")
    if " " in location or "\t" in location:
        # A folded (obs-fold) header or an unencoded space: a guess at best.
        dubious = True
        location = location.replace("\t", " ").replace(" ", "%20")
    if not location:
        return BadLocation("the redirect has an empty Location header; not followed")
    try:
        target = httpx.URL(current).join(location)
    except (httpx.InvalidURL, ValueError, TypeError, UnicodeError):
        return BadLocation("the redirect's Location is not a valid URL; not followed")
    scheme = target.scheme.lower()
    if scheme not in WEB_SCHEMES:
        shown = scheme or "no"
        return BadLocation(f"redirects to a non-web URL ({shown}: scheme); not followed")
    if not target.host:
        return BadLocation("the redirect's Location has no host; not followed")
    return Hop(str(target.copy_with(fragment=None)), dubious=dubious)
