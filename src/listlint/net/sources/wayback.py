"""The Wayback source: snapshots of dead links from the Internet Archive's availability API.

Not in the registry: the gather stage asks it in a second phase, after the
crawl, for the URLs the link engine found **dead** only, and only when
``suggest`` is on (``--suggest``).  One ``GET {wayback-api-url}?url=URL``
per unique URL (without its ``#fragment``), at most :data:`CONCURRENCY` in
flight and :data:`INTERVAL` seconds between two starts.

``timestamp=YYYYMMDD`` asks for the snapshot closest to the day the link was
last seen alive; the stage passes that day in ``alive`` when its cache knows
it (:data:`ALIVE_NAMESPACE`, written by runs with ``suggest`` on).  Otherwise
no timestamp is sent and the archive answers with its latest snapshot.

A lookup is ``found`` only for an available snapshot whose recorded status
is 2xx (a snapshot of the 404 page is no replacement); its URL is upgraded to
https.  An empty ``archived_snapshots`` (or a non-2xx one) is ``missing``.
The first failed request (no answer, a non-200 status, a body that is not the
documented JSON) marks the archive down for the rest of the run: every other
URL is ``unchecked`` with the same reason, so the run gets one note and no
further requests.  Nothing the archive sent reaches a message except the
snapshot URL and timestamp, and both are checked first.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from listlint.gather.sources import Lookup, SourceHttp, SourceUnavailable

if TYPE_CHECKING:
    from listlint.config import Settings
    from listlint.document.model import Link
    from listlint.net.cache import Cache
    from listlint.net.verdicts import Verdict

__all__ = [
    "ALIVE_NAMESPACE",
    "DEFAULT_API_URL",
    "NAME",
    "Snapshot",
    "WaybackSource",
    "alive_days",
    "archive_key",
    "make_source",
    "parse_answer",
    "remember_alive",
    "snapshot_of",
]

NAME = "wayback"
DEFAULT_API_URL = "https://archive.org/wayback/available"
# Where the stage remembers the last day a URL answered (``{"day": "YYYYMMDD"}``).
ALIVE_NAMESPACE = "wayback.alive"
CONCURRENCY = 2
INTERVAL = 0.5
DAY = 86400.0
FOUND_TTL = 30 * DAY
# The archive may take a snapshot later; ask again after a week.
MISSING_TTL = 7 * DAY
MAX_BYTES = 100_000
# How long the last day a URL was seen alive is remembered.
ALIVE_TTL = 365 * DAY
DAY_RE = re.compile(r"\d{8}")
TIMESTAMP_RE = re.compile(r"\d{14}")
STATUS_RE = re.compile(r"2\d\d")
UNSAFE_CHARS_RE = re.compile(r"[\s\x00-\x1f\x7f<>\"`\\]")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An archived copy of a page: its https URL and when it was taken (``YYYYMMDDhhmmss``)."""

    url: str
    timestamp: str

    @property
    def day(self) -> str:
        """``2019-03-07``."""
        return f"{self.timestamp[:4]}-{self.timestamp[4:6]}-{self.timestamp[6:8]}"


def archive_key(url: str) -> str:
    """What the archive is asked about: the URL as written, without its fragment."""
    return url.strip().partition("#")[0]


def snapshot_of(lookup: Lookup | None) -> Snapshot | None:
    """The snapshot a ``found`` lookup holds (None for anything else)."""
    if lookup is None or not lookup.found:
        return None
    url, timestamp = lookup.record.get("url"), lookup.record.get("timestamp")
    if not isinstance(url, str) or not isinstance(timestamp, str):
        return None
    return Snapshot(url, timestamp)


def parse_answer(body: bytes) -> Lookup:
    """The lookup an availability answer gives; ValueError when it is not the documented JSON."""
    data: Any = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    snapshots = data.get("archived_snapshots")
    if not isinstance(snapshots, dict):
        raise ValueError("no archived_snapshots object")
    closest = snapshots.get("closest")
    if closest is None:
        return Lookup("missing", reason="no snapshot")
    if not isinstance(closest, dict):
        raise ValueError("closest is not an object")
    if closest.get("available") is not True:
        return Lookup("missing", reason="no snapshot available")
    status = closest.get("status")
    if not isinstance(status, str | int) or isinstance(status, bool):
        raise ValueError("no status")
    if not STATUS_RE.fullmatch(str(status)):
        return Lookup("missing", reason="no snapshot of a working page")
    timestamp = closest.get("timestamp")
    if not isinstance(timestamp, str) or not TIMESTAMP_RE.fullmatch(timestamp):
        raise ValueError("no timestamp")
    url = https_url(closest.get("url"))
    if url is None:
        raise ValueError("no usable snapshot URL")
    return Lookup("found", {"url": url, "timestamp": timestamp})


def https_url(value: Any) -> str | None:
    """``value`` as an https URL, or None when it is not a plain http(s) URL."""
    if not isinstance(value, str) or len(value) > 4000 or UNSAFE_CHARS_RE.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit(("https", parts.netloc, parts.path, parts.query, parts.fragment))


class WaybackSource:
    """A :class:`~listlint.gather.sources.MetadataSource` for snapshots (see the module docstring)."""

    name = NAME
    batch_size = 50
    key_noun = "URLs"
    stack_retries = False  # a suggestion is not worth a retry: the first failure ends the phase

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Configured, so reached even on a private address (see :mod:`listlint.net.source_http`)."""
        return (self.api_url,)

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        *,
        alive: Mapping[str, str] | None = None,
        concurrency: int = CONCURRENCY,
        interval: float = INTERVAL,
    ) -> None:
        self.api_url = api_url
        # Per key, the last day (YYYYMMDD) the URL was seen alive.
        self.alive = dict(alive or {})
        self.concurrency = max(1, concurrency)
        self.interval = interval
        # Why the archive stopped answering this run ("" while it answers).
        self.down = ""
        self._next_start = 0.0

    @classmethod
    def from_settings(cls, settings: Settings, *, alive: Mapping[str, str] | None = None) -> WaybackSource:
        return cls(str(settings.get("wayback-api-url") or DEFAULT_API_URL), alive=alive)

    def key(self, link: Link) -> str | None:
        return archive_key(link.url) if link.is_web else None

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
        gate = asyncio.Semaphore(self.concurrency)

        async def ask(key: str) -> Lookup:
            async with gate:
                if self.down:
                    return Lookup("unchecked", reason=self.down)
                await self.pace()
                return await self.ask(key, http)

        answers = await asyncio.gather(*(ask(key) for key in keys))
        return dict(zip(keys, answers, strict=True))

    async def pace(self) -> None:
        """Wait until :attr:`interval` seconds after the previous request's start."""
        now = time.monotonic()
        start = max(now, self._next_start)
        self._next_start = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)

    async def ask(self, key: str, http: SourceHttp) -> Lookup:
        params = {"url": key}
        day = self.alive.get(key)
        if day:
            params["timestamp"] = day
        try:
            response = await http.request("GET", self.api_url, params=params, max_bytes=MAX_BYTES)
        except SourceUnavailable:
            return self.give_up("the archive did not answer")
        if response.status_code != 200:
            return self.give_up(f"the archive answered HTTP {response.status_code}")
        try:
            return parse_answer(response.content)
        except (ValueError, RecursionError):
            return self.give_up("the archive's answer was not the expected JSON")

    def give_up(self, reason: str) -> Lookup:
        self.down = self.down or reason
        return Lookup("unchecked", reason=self.down)

    def ttl(self, lookup: Lookup) -> float:
        return FOUND_TTL if lookup.found else MISSING_TTL

    def vouches_for(self, link: Link, lookup: Lookup) -> bool:
        return False  # a snapshot never makes a dead link alive


def make_source(settings: Settings) -> WaybackSource | None:
    """The run's Wayback source, or None when ``suggest`` is off."""
    return WaybackSource.from_settings(settings) if settings.get("suggest") else None


def remember_alive(cache: Cache | None, verdicts: Iterable[Verdict], *, today: str | None = None) -> None:
    """Note today as the last day each freshly checked, alive URL answered."""
    from listlint.net.verdicts import Kind

    if cache is None:
        return
    day = today or time.strftime("%Y%m%d", time.gmtime())
    for verdict in verdicts:
        if verdict.kind is Kind.OK and not verdict.cached:
            cache.put(ALIVE_NAMESPACE, archive_key(verdict.url), {"day": day}, ttl_seconds=ALIVE_TTL)


def alive_days(cache: Cache | None, keys: Iterable[str]) -> dict[str, str]:
    """Per key, the last day it was seen alive, where the cache remembers one."""
    found: dict[str, str] = {}
    if cache is None:
        return found
    for key in keys:
        value = cache.get(ALIVE_NAMESPACE, key)
        day = value.get("day") if value else None
        if isinstance(day, str) and DAY_RE.fullmatch(day):
            found[key] = day
    return found
