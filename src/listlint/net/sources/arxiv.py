"""The arXiv source: batched ``id_list`` queries to the arXiv API, over the run's HTTP stack.

For each arXiv link the key is its ID without version (``2408.12757``).  One
request asks for up to ``arxiv-batch-size`` IDs; requests are spaced
``arxiv-delay`` seconds apart (arXiv asks for 3); 429/5xx and failed
connections are retried ``arxiv-retries`` times with exponential backoff or
the server's ``Retry-After`` (tenacity).  A 400 (or an error entry) names a
malformed ID: that ID is ``missing`` (malformed) and the rest of the batch is
asked again, by halves when the answer did not say which ID it was.

What the API says is trusted only when it is certain:

- The body is parsed with defusedxml (no entity expansion, no DTD), at most
  :func:`max_bytes` long, within ``arxiv-timeout`` seconds in total.
- The root must be an Atom ``feed``, ``opensearch:totalResults`` must be
  present, and every entry must be a paper that was asked for with a
  title, dates and an ID that parse.  Anything else: the batch is
  ``unchecked``.
- An ID is ``missing`` only when a well-formed feed whose ``totalResults``
  equals its number of entries lacks it, and a second request for the
  absent IDs alone (the API drops entries under load) lacks it too.

Nothing the server sent reaches a message: reasons are our own words.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from listlint.gather.sources import Lookup, SourceHttp, SourceUnavailable
from listlint.identity import ARXIV_HOSTS, ArxivLink, parse_arxiv, split_url

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from listlint.config import Settings
    from listlint.document.model import Link

__all__ = [
    "ArxivConfig",
    "ArxivRecord",
    "ArxivSource",
    "make_source",
    "is_well_formed",
    "malformed_arxiv",
    "arxiv_link",
    "parse_feed",
    "name_unresolved",
    "root_reason",
    "DEFAULT_API_URL",
    "ENV_API_URL",
]

NAME = "arxiv"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
ENV_API_URL = "LISTLINT_ARXIV_API_URL"
DAY = 86400.0
# A "not found" answer may be a paper not announced yet: keep it for a day only.
MISSING_TTL = DAY

# What the API accepts: 0704.0001 .. 1412.9999 (4 digits), 1501.00001 on (5 digits)
# (the API itself also takes 5 digits before 2015), and old-style archive/YYMMNNN.
NEW_ID_RE = re.compile(r"(\d{2})(0[1-9]|1[0-2])\.\d{4,5}")
OLD_ID_RE = re.compile(r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{2}(0[1-9]|1[0-2])\d{3}")
ERROR_BODY_RE = re.compile(rb"incorrect_id_format_for_([A-Za-z0-9./-]{1,64})")
ERROR_ID_RE = re.compile(r"^https?://arxiv\.org/api/errors#incorrect_id_format_for_([A-Za-z0-9./-]{1,64})$")
ENTRY_ID_RE = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/abs/"
    r"(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(\d{1,4}))?$"
)
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 60.0
SUMMARY_CHARS = 300
# Longer than any real title or comment: such an entry is not trusted.
MAX_TITLE = 2000
MAX_COMMENT = 4000
# Bytes allowed per asked ID (a real entry with its abstract is 2-4 KB).
BYTES_PER_ID = 40_000
MIN_BYTES = 1_000_000


def is_well_formed(arxiv_id: str) -> bool:
    """Whether the API would accept ``arxiv_id`` (without version) in an ``id_list``."""
    return bool(NEW_ID_RE.fullmatch(arxiv_id) or OLD_ID_RE.fullmatch(arxiv_id))


def malformed_arxiv(url: str) -> ArxivLink | None:
    """``https://arxiv.org/abs/2401.123456``: an arXiv paper URL whose ID is no arXiv ID."""
    parts = split_url(url.strip())
    if parts is None or parts[0] not in ARXIV_HOSTS:
        return None
    segments = parts[1].split("/")
    if len(segments) < 3 or segments[1].lower() not in ("abs", "pdf", "html"):
        return None
    written = "/".join(segments[2:]).strip("/").removesuffix(".pdf")
    if not written:
        return None
    start = url.find(written)
    return ArxivLink(written, None, segments[1].lower(), start, start + len(written), parts[0], "")


def arxiv_link(url: str) -> ArxivLink | None:
    """The arXiv paper a URL names (its ID may be malformed), or None."""
    return parse_arxiv(url) or malformed_arxiv(url)


@dataclass(frozen=True, slots=True)
class ArxivRecord:
    """What listlint keeps of an arXiv record (the latest version's metadata)."""

    id: str  # without version: 2408.12757
    version: int  # the latest version
    title: str
    published: str  # ISO date-time of version 1
    updated: str  # ISO date-time of the latest version
    comment: str = ""
    summary: str = ""  # its beginning only (withdrawal notices live there too)

    @property
    def published_year(self) -> int:
        return int(self.published[:4])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArxivRecord | None:
        """The record of a lookup (None when it does not have the shape of one)."""
        try:
            record = cls(
                id=str(data["id"]),
                version=int(data["version"]),
                title=str(data["title"]),
                published=str(data["published"]),
                updated=str(data["updated"]),
                comment=str(data.get("comment", "")),
                summary=str(data.get("summary", "")),
            )
            datetime.fromisoformat(record.published)
        except (KeyError, TypeError, ValueError):
            return None
        return record


@dataclass(frozen=True, slots=True, kw_only=True)
class ArxivConfig:
    """How to reach the API (from config keys and ``LISTLINT_ARXIV_API_URL``)."""

    api_url: str = DEFAULT_API_URL
    delay: float = 3.0
    batch_size: int = 200
    retries: int = 3
    timeout: float = 30.0
    cache_days: float = 30.0

    @classmethod
    def from_settings(cls, settings: Any) -> ArxivConfig:
        """The environment variable wins over the config file (as pip does)."""
        url = os.environ.get(ENV_API_URL, "").strip() or settings.get("arxiv-api-url")
        return cls(
            api_url=url or DEFAULT_API_URL,
            delay=float(settings.get("arxiv-delay")),
            batch_size=int(settings.get("arxiv-batch-size")),
            retries=int(settings.get("arxiv-retries")),
            timeout=float(settings.get("arxiv-timeout")),
            cache_days=float(settings.get("arxiv-cache-days")),
        )


def make_source(settings: Settings) -> ArxivSource:
    """The registry's factory (``listlint.gather.registry.BUILTIN_SOURCES``)."""
    return ArxivSource(ArxivConfig.from_settings(settings))


# -- errors inside one request ------------------------------------------------------


class Transient(Exception):
    """Worth retrying: 429/5xx, connection trouble, an answer that is no trustworthy feed."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Unavailable(Exception):
    """Not worth retrying this run (a name that does not resolve, HTTP 404, too large)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MalformedId(Exception):
    """The API answered 400 (or an error entry): an ID of the batch is malformed."""

    def __init__(self, arxiv_id: str | None) -> None:
        super().__init__(arxiv_id or "")
        self.arxiv_id = arxiv_id


# -- the feed -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed answer: records by ID, IDs whose entry was broken, the announced total."""

    records: Mapping[str, ArxivRecord]
    broken: frozenset[str]
    entries: int
    total: int

    @property
    def complete(self) -> bool:
        """``totalResults`` agrees with the entries: nothing was dropped."""
        return self.total == self.entries


def parse_feed(body: bytes, asked: Sequence[str]) -> Feed:
    """The feed in ``body``; raises :class:`Transient` for anything not trustworthy
    and :class:`MalformedId` for an error entry."""
    import defusedxml.ElementTree as SafeTree
    from defusedxml import DefusedXmlException

    try:
        root = SafeTree.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise Transient("the answer declares XML entities or a DTD (refused)") from None
    except Exception:  # noqa: BLE001 - ParseError, or anything a broken body raises
        raise Transient("the answer is not well-formed XML") from None
    if root.tag != f"{ATOM}feed":
        raise Transient("the answer is not an Atom feed")
    total_text = (root.findtext(f"{OPENSEARCH}totalResults") or "").strip()
    if not total_text.isdigit() or len(total_text) > 9:
        raise Transient("the feed has no valid totalResults")
    wanted = set(asked)
    records: dict[str, ArxivRecord] = {}
    broken: set[str] = set()
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
        error = ERROR_ID_RE.match(entry_id)
        if error:
            raise MalformedId(error.group(1) if error.group(1) in wanted else None)
        match = ENTRY_ID_RE.match(entry_id)
        if match is None:
            raise Transient("the feed has an entry with an unexpected ID")
        arxiv_id = match.group(1)
        if arxiv_id not in wanted or arxiv_id in records or arxiv_id in broken:
            raise Transient("the feed has entries that were not asked for")
        record = to_record(entry, arxiv_id, int(match.group(2) or 1))
        if record is None:
            broken.add(arxiv_id)
        else:
            records[arxiv_id] = record
    return Feed(records, frozenset(broken), len(entries), int(total_text))


def to_record(entry: Element, arxiv_id: str, version: int) -> ArxivRecord | None:
    """The entry's record, or None when a field is missing, absurd or unparsable."""
    title = squash(entry.findtext(f"{ATOM}title"))
    comment = squash(entry.findtext(f"{ARXIV_NS}comment"))
    summary = squash(entry.findtext(f"{ATOM}summary"))
    published = (entry.findtext(f"{ATOM}published") or "").strip()
    updated = (entry.findtext(f"{ATOM}updated") or "").strip() or published
    if not title or len(title) > MAX_TITLE or len(comment) > MAX_COMMENT:
        return None
    try:
        first = datetime.fromisoformat(published)
        latest = datetime.fromisoformat(updated)
    except ValueError:
        return None
    if not 1991 <= first.year <= 2999 or not 1991 <= latest.year <= 2999:
        return None
    return ArxivRecord(
        id=arxiv_id,
        version=version,
        title=title,
        published=first.isoformat(),
        updated=latest.isoformat(),
        comment=comment,
        summary=summary[:SUMMARY_CHARS],
    )


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


# -- exceptions, described without the server's words ------------------------------------


def exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        nested = [arg for arg in current.args if isinstance(arg, BaseException)]
        reason = getattr(current, "reason", None)
        current = (
            current.__cause__
            or current.__context__
            or (reason if isinstance(reason, BaseException) else nested[0] if nested else None)
        )
    return chain


def name_unresolved(exc: BaseException) -> bool:
    """Whether a connection error comes from a host name that does not resolve."""
    return any(
        isinstance(link, socket.gaierror) or type(link).__name__ == "NameResolutionError"
        for link in exception_chain(exc)
    )


def root_reason(exc: BaseException) -> str:
    """The innermost cause's type: never its text (it may quote the URL or the server)."""
    return type(exception_chain(exc)[-1]).__name__


def retry_after_of(value: str | None) -> float:
    try:
        seconds = float(value or 0)
    except ValueError:
        return 0.0
    if seconds != seconds or seconds <= 0:  # NaN, 0 or negative: our own backoff
        return 0.0
    return min(seconds, MAX_WAIT)


# -- the source --------------------------------------------------------------------------


@dataclass(slots=True)
class Answer:
    """What one batch came to."""

    lookups: dict[str, Lookup]


class ArxivSource:
    """The ``arxiv`` metadata source (see the module docstring)."""

    name = NAME
    key_noun = "IDs"
    stack_retries = False  # tenacity, arxiv-retries: the HTTP stack makes one attempt per request

    def __init__(self, config: ArxivConfig, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.batch_size = config.batch_size
        self.clock = clock
        self.next_request = 0.0
        # Set when the API is out of reach: the rest of the run asks no more.
        self.down: str | None = None

    # -- the protocol -------------------------------------------------------------

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Configured, so reached even on a private address (see :mod:`listlint.net.source_http`)."""
        return (self.config.api_url,)

    @property
    def request_timeout(self) -> float:
        """A batch of 200 IDs may take the API a while: ``arxiv-timeout``, not the crawl's timeout."""
        return self.config.timeout

    def key(self, link: Link) -> str | None:
        parsed = arxiv_link(link.url)
        return parsed.id if parsed is not None else None

    def ttl(self, lookup: Lookup) -> float:
        days = self.config.cache_days * DAY
        if lookup.status == "found" or lookup.record.get("malformed"):
            return days
        if lookup.status == "missing":
            return min(days, MISSING_TTL)
        return 0.0

    def vouches_for(self, link: Link, lookup: Lookup) -> bool:
        """An ``/abs/`` or ``/pdf/`` page of a paper the API knows (in that version).

        arxiv.org throttles crawlers, and the API has already answered; an
        ``/html/`` view exists only for some papers, so it is still crawled.
        """
        parsed = parse_arxiv(link.url)
        if parsed is None or parsed.view not in ("abs", "pdf") or not lookup.found:
            return False
        record = ArxivRecord.from_dict(lookup.record)
        return record is not None and (parsed.version is None or parsed.version <= record.version)

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
        found: dict[str, Lookup] = {}
        asked = []
        for key in dict.fromkeys(keys):
            if is_well_formed(key):
                asked.append(key)
            else:
                found[key] = malformed()
        if self.down is not None:
            found.update({key: unchecked(self.down) for key in asked})
            return found
        if asked:
            try:
                await self.query(asked, http, found)
            except Unavailable as exc:
                self.down = exc.reason
                found.update({key: unchecked(exc.reason) for key in asked if key not in found})
        return found

    # -- batches --------------------------------------------------------------------

    async def query(self, batch: Sequence[str], http: SourceHttp, found: dict[str, Lookup]) -> None:
        """Ask for ``batch``; a malformed ID splits it; absent IDs are asked once more."""
        feed = await self.ask_or_give_up(batch, http, found, self.query)
        if feed is None:
            return
        self.take(feed, found)
        absent = [key for key in batch if key not in found]
        if absent:
            await self.confirm(absent, http, found)

    async def confirm(self, absent: Sequence[str], http: SourceHttp, found: dict[str, Lookup]) -> None:
        """Ask for ``absent`` on their own; only a complete feed without them makes them missing."""
        feed = await self.ask_or_give_up(absent, http, found, self.confirm)
        if feed is None:
            return
        self.take(feed, found)
        for key in absent:
            if key in found:
                continue
            if feed.complete:
                found[key] = Lookup("missing", reason="the arXiv API has no such paper")
            else:
                found[key] = unchecked("the arXiv API's answer was incomplete")

    async def split(
        self,
        batch: Sequence[str],
        bad: str | None,
        http: SourceHttp,
        found: dict[str, Lookup],
        again: Callable[[Sequence[str], SourceHttp, dict[str, Lookup]], Any],
    ) -> None:
        """A 400 names the malformed ID: it is malformed, the rest is asked again."""
        if bad is None or bad not in batch:
            # An error that names no ID of the batch proves nothing about any of them.
            found.update({key: unchecked("the arXiv API refused the query") for key in batch})
            return
        found[bad] = malformed()
        rest = [key for key in batch if key != bad]
        if rest:
            await again(rest, http, found)

    async def ask_or_give_up(
        self,
        batch: Sequence[str],
        http: SourceHttp,
        found: dict[str, Lookup],
        again: Callable[[Sequence[str], SourceHttp, dict[str, Lookup]], Any],
    ) -> Feed | None:
        """The feed for ``batch``, or None when ``found`` already says what became of it."""
        if self.down is not None:
            found.update({key: unchecked(self.down) for key in batch})
            return None
        try:
            return await self.ask(batch, http)
        except MalformedId as exc:
            await self.split(batch, exc.arxiv_id, http, found, again)
        except Transient as exc:
            # Retries spent: the API is in no state to answer this run.
            self.down = exc.reason
            found.update({key: unchecked(exc.reason) for key in batch})
        return None

    def take(self, feed: Feed, found: dict[str, Lookup]) -> None:
        for key, record in feed.records.items():
            found[key] = Lookup("found", record.to_dict())
        for key in feed.broken:
            found[key] = unchecked("the arXiv API sent a broken entry")

    # -- one request, with retries --------------------------------------------------

    async def ask(self, batch: Sequence[str], http: SourceHttp) -> Feed:
        """One ``id_list`` query, retried; raises Transient (retries spent), Unavailable, MalformedId."""
        from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

        backoff = wait_exponential(multiplier=max(self.config.delay, 0.001), max=MAX_WAIT)

        def wait(state: Any) -> float:
            outcome = state.outcome
            error = outcome.exception() if outcome is not None else None
            after = error.retry_after if isinstance(error, Transient) else 0.0
            return float(min(max(backoff(state), after), MAX_WAIT))

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(Transient),
            stop=stop_after_attempt(self.config.retries + 1),
            wait=wait,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self.request(batch, http)
        raise AssertionError("unreachable")  # pragma: no cover

    async def request(self, batch: Sequence[str], http: SourceHttp) -> Feed:
        await self.pace()
        params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
        try:
            async with asyncio.timeout(self.config.timeout):
                response = await http.request(
                    "GET", self.config.api_url, params=params, max_bytes=max_bytes(len(batch))
                )
        except TimeoutError:
            raise Transient(f"no answer from the arXiv API within {self.config.timeout:g} s") from None
        except SourceUnavailable as exc:
            raise self.unavailable(exc) from None
        except Exception as exc:  # noqa: BLE001 - an invalid URL, a hostile transport
            raise Unavailable(f"the arXiv API URL cannot be used ({type(exc).__name__})") from None
        finally:
            self.next_request = self.clock() + self.config.delay
        status = response.status_code
        if status == 400:
            match = ERROR_BODY_RE.search(response.content)
            named = match.group(1).decode("ascii") if match else None
            raise MalformedId(named if named in batch else None)
        if status in TRANSIENT_STATUS:
            raise Transient(f"HTTP {status}", retry_after_of(response.headers.get("Retry-After")))
        if status != 200:
            raise Unavailable(f"arXiv API: HTTP {status}")
        return parse_feed(response.content, batch)

    async def pace(self) -> None:
        wait = self.next_request - self.clock()
        if wait > 0:
            await asyncio.sleep(wait)

    def unavailable(self, exc: SourceUnavailable) -> Exception:
        """A request that got no answer: final for a name that does not resolve."""
        if name_unresolved(exc):
            # Retrying a name that does not resolve only makes an offline run slow.
            host = urlsplit(self.config.api_url).hostname or "?"
            return Unavailable(f"arXiv API host {host} does not resolve")
        text = str(exc)
        if text.startswith("response larger than"):
            return Unavailable("the arXiv API's answer is too large")
        return Transient(f"cannot connect to the arXiv API ({root_reason(exc)})")


def max_bytes(count: int) -> int:
    return max(MIN_BYTES, count * BYTES_PER_ID)


def malformed() -> Lookup:
    return Lookup("missing", {"malformed": True}, reason="not a valid arXiv ID")


def unchecked(reason: str) -> Lookup:
    return Lookup("unchecked", reason=reason)
