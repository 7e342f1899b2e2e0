"""Wayback Machine suggestions for dead links (``--suggest`` / ``suggest = true``).

For a link that is definitely dead, the Internet Archive's availability API
(``wayback-api-url``, default ``https://archive.org/wayback/available``) is
asked for the closest snapshot that was archived with status 200, i.e. taken
while the page was alive.  The dead-link finding then carries an **unsafe**
fix to the snapshot URL.

Requests go through the link engine's :class:`SourceHttp` (per-host limits,
retries within the host budget, a total deadline), at most ``CONCURRENCY`` at
a time, and answers are cached.  An archive that cannot be reached is one
run note, never a finding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from listlint.gather.sources import SourceHttp
    from listlint.net.cache import Cache

__all__ = ["WaybackClient", "Suggestions", "DEFAULT_API", "CACHE_NAMESPACE"]

DEFAULT_API = "https://archive.org/wayback/available"
CACHE_NAMESPACE = "wayback"
CONCURRENCY = 4
FOUND_TTL = 30 * 86400.0
NONE_TTL = 7 * 86400.0


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Snapshot URL per dead URL (only those the archive has), and how it went."""

    snapshots: Mapping[str, str]
    asked: int = 0
    failed: int = 0

    @property
    def note(self) -> str | None:
        if self.failed:
            return (
                f"wayback: the archive could not be reached; no snapshot suggested for "
                f"{self.failed} dead link{'s' if self.failed != 1 else ''}"
            )
        if self.asked:
            return f"wayback: {len(self.snapshots)} snapshots found for {self.asked} dead links"
        return None


class WaybackClient:
    def __init__(self, http: SourceHttp, *, api: str = DEFAULT_API, cache: Cache | None = None) -> None:
        self.http = http
        self.api = api
        self.cache = cache

    async def suggest(self, urls: Iterable[str]) -> Suggestions:
        from listlint.gather.sources import SourceUnavailable

        urls = list(dict.fromkeys(urls))
        found: dict[str, str] = {}
        failed = 0
        gate = asyncio.Semaphore(CONCURRENCY)
        unreachable = False

        async def one(url: str) -> None:
            nonlocal failed, unreachable
            cached = self.cache.get(CACHE_NAMESPACE, url) if self.cache is not None else None
            if cached is not None:
                if cached.get("snapshot"):
                    found[url] = str(cached["snapshot"])
                return
            if unreachable:  # one failure of the archive is enough for this run
                failed += 1
                return
            async with gate:
                try:
                    response = await self.http.request(
                        "GET", self.api, params={"url": url}, max_bytes=1_000_000
                    )
                except SourceUnavailable:
                    unreachable = True
                    failed += 1
                    return
            snapshot = read_snapshot(response.status_code, response.content)
            if snapshot is False or snapshot is True:
                unreachable = True
                failed += 1
                return
            if snapshot:
                found[url] = snapshot
            if self.cache is not None:
                ttl = FOUND_TTL if snapshot else NONE_TTL
                self.cache.put(CACHE_NAMESPACE, url, {"snapshot": snapshot or ""}, ttl)

        await asyncio.gather(*(one(url) for url in urls))
        return Suggestions(snapshots=found, asked=len(urls), failed=failed)


def read_snapshot(status: int, body: bytes) -> str | None | bool:
    """The snapshot URL in an availability answer; None: no snapshot; False: not an answer."""
    import json

    if status != 200:
        return False
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(data, dict):
        return False
    closest = (
        (data.get("archived_snapshots") or {}).get("closest")
        if isinstance(data.get("archived_snapshots"), dict)
        else None
    )
    if not isinstance(closest, dict):
        return None
    url = closest.get("url")
    if (
        closest.get("available") is not True
        or str(closest.get("status")) != "200"
        or not isinstance(url, str)
    ):
        return None
    if not url.startswith(("https://", "http://")) or any(c in url for c in " \t\r\n<>()"):
        return None
    return url.replace("http://web.archive.org/", "https://web.archive.org/", 1)
