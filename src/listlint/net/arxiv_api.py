"""Talking to the arXiv API: batched ``id_list`` queries through the ``arxiv`` package.

The ``arxiv`` client is synchronous (requests); :func:`fetch_records` is meant
to run in a worker thread (``asyncio.to_thread``) beside the async HTTP engine.
It asks for up to ``batch_size`` IDs per request, keeps ``delay`` seconds
between requests (the API's terms ask for one request every 3 seconds), and
retries 429/5xx and connection failures with exponential backoff (tenacity;
the ``arxiv`` client's own retries are switched off because it also retries a
400, which for arXiv means "malformed ID" and never gets better).

Everything ``arxiv``/``requests`` raise is translated here: a batch either
yields records, or the whole API counts as unavailable (:class:`ArxivUnavailable`).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from listlint.errors import ListlintError

if TYPE_CHECKING:
    import arxiv  # type: ignore[import-untyped]

__all__ = [
    "ArxivRecord",
    "ArxivConfig",
    "ArxivUnavailable",
    "FetchOutcome",
    "fetch_records",
    "is_well_formed",
    "DEFAULT_API_URL",
    "ENV_API_URL",
]

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
ENV_API_URL = "LISTLINT_ARXIV_API_URL"

# What the API accepts: 0704.0001 .. 1412.9999 (4 digits), 1501.00001 on (5 digits)
# (the API itself also takes 5 digits before 2015), and old-style archive/YYMMNNN.
NEW_ID_RE = re.compile(r"(\d{2})(0[1-9]|1[0-2])\.\d{4,5}")
OLD_ID_RE = re.compile(r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{2}(0[1-9]|1[0-2])\d{3}")
ERROR_ID_RE = re.compile(r"/api/errors#incorrect_id_format_for_(.+)$")
ERROR_BODY_RE = re.compile(r"incorrect_id_format_for_([^<\"\s]+)")
MAX_WAIT = 60.0
ATOM_NS = b"http://www.w3.org/2005/Atom"
VERSION_RE = re.compile(r"v(\d+)$")
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
SUMMARY_CHARS = 300


class ArxivUnavailable(ListlintError):
    """The arXiv API could not be queried (after retries)."""


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
    def from_dict(cls, data: dict[str, Any]) -> ArxivRecord:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


@dataclass(frozen=True, slots=True, kw_only=True)
class ArxivConfig:
    """How to reach the API (from config keys and ``LISTLINT_ARXIV_API_URL``)."""

    api_url: str = DEFAULT_API_URL
    delay: float = 3.0
    batch_size: int = 200
    retries: int = 3
    timeout: float = 30.0

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
        )


@dataclass(slots=True)
class FetchOutcome:
    """Per ID: a record, known missing, malformed, or not checked."""

    records: dict[str, ArxivRecord] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    malformed: set[str] = field(default_factory=set)
    unchecked: set[str] = field(default_factory=set)
    requests: int = 0
    error: str | None = None


def is_well_formed(arxiv_id: str) -> bool:
    """Whether the API would accept ``arxiv_id`` (without version) in an ``id_list``."""
    return bool(NEW_ID_RE.fullmatch(arxiv_id) or OLD_ID_RE.fullmatch(arxiv_id))


def fetch_records(
    ids: Iterable[str], config: ArxivConfig, *, sleep: Callable[[float], None] | None = None
) -> FetchOutcome:
    """Query every ID (without versions) in batches; never raises for API trouble."""
    outcome = FetchOutcome()
    wanted = list(dict.fromkeys(ids))
    for arxiv_id in wanted:
        if not is_well_formed(arxiv_id):
            outcome.malformed.add(arxiv_id)
    wanted = [i for i in wanted if i not in outcome.malformed]
    if not wanted:
        return outcome
    client = Client(config)
    try:
        size = config.batch_size
        batches = [wanted[i : i + size] for i in range(0, len(wanted), size)]
        for index, batch in enumerate(batches):
            try:
                query_batch(client, batch, config, outcome, sleep)
            except ArxivUnavailable as exc:
                outcome.error = str(exc)
                for rest in batches[index:]:
                    outcome.unchecked.update(
                        i
                        for i in rest
                        if i not in outcome.records
                        and i not in outcome.missing
                        and i not in outcome.malformed
                    )
                break
    finally:
        outcome.requests = client.request_count
        client.close()
    return outcome


def query_batch(
    client: Client,
    batch: Sequence[str],
    config: ArxivConfig,
    outcome: FetchOutcome,
    sleep: Callable[[float], None] | None,
) -> None:
    """One ``id_list`` request (with retries); a 400 splits the batch to find the bad ID."""
    try:
        results, skipped = client.fetch_with_retries(batch, config, sleep)
    except MalformedIdError as exc:
        if len(batch) == 1 or exc.arxiv_id in batch:
            bad = exc.arxiv_id if exc.arxiv_id is not None and exc.arxiv_id in batch else batch[0]
            outcome.malformed.add(bad)
            rest = [i for i in batch if i != bad]
            if rest:
                query_batch(client, rest, config, outcome, sleep)
            return
        middle = len(batch) // 2
        query_batch(client, batch[:middle], config, outcome, sleep)
        query_batch(client, batch[middle:], config, outcome, sleep)
        return
    found = {}
    for result in results:
        record = to_record(result)
        if record is not None:
            found[record.id] = record
    outcome.records.update(found)
    absent = [i for i in batch if i not in found]
    if skipped and len(absent) > 1:
        # The feed announced entries its parser dropped (an error entry served
        # with status 200 aborts the whole query): ask again for the absent IDs,
        # by halves when nothing came back, rather than call them all "not found".
        if found:
            query_batch(client, absent, config, outcome, sleep)
        else:
            middle = len(absent) // 2
            query_batch(client, absent[:middle], config, outcome, sleep)
            query_batch(client, absent[middle:], config, outcome, sleep)
        return
    outcome.missing.update(absent)


def to_record(result: arxiv.Result) -> ArxivRecord | None:
    short = result.entry_id.split("/abs/")[-1]
    if "/api/errors" in result.entry_id or not short:
        return None
    match = VERSION_RE.search(short)
    version = int(match.group(1)) if match else 1
    base = short[: match.start()] if match else short
    return ArxivRecord(
        id=base,
        version=version,
        title=" ".join((result.title or "").split()),
        published=result.published.isoformat(),
        updated=result.updated.isoformat(),
        comment=" ".join((result.comment or "").split()),
        summary=" ".join((result.summary or "").split())[:SUMMARY_CHARS],
    )


# -- the arxiv client, adapted -------------------------------------------------


class MalformedIdError(Exception):
    """The API answered 400 (or an error entry): an ID of the batch is malformed."""

    def __init__(self, arxiv_id: str | None) -> None:
        super().__init__(f"malformed arXiv ID {arxiv_id or '(unknown)'}")
        self.arxiv_id = arxiv_id


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
    """Whether a requests/urllib3 error comes from a host name that does not resolve."""
    return any(
        isinstance(link, socket.gaierror) or type(link).__name__ == "NameResolutionError"
        for link in exception_chain(exc)
    )


def root_reason(exc: BaseException) -> str:
    """The innermost cause, short: never the whole request URL with its ID list."""
    root = exception_chain(exc)[-1]
    text = str(root)
    return f"{type(root).__name__}: {text[:120]}" if text else type(root).__name__


class TransientError(Exception):
    """Worth retrying: 429/5xx, connection trouble, a feed that is not Atom."""


class Client:
    """``arxiv.Client`` with a timeout, no internal retries, and a look at each response."""

    def __init__(self, config: ArxivConfig) -> None:
        import arxiv
        import requests

        owner = self

        class WatchingSession(requests.Session):
            # arxiv.Client calls session.get() without a timeout (a hung API would
            # hang the run) and drops the body of an error response (which names
            # the malformed ID) and its Retry-After.
            def request(self, *args: Any, **kwargs: Any) -> Any:
                kwargs.setdefault("timeout", config.timeout)
                owner.request_count += 1
                response = super().request(*args, **kwargs)
                owner.note_response(response)
                return response

        class InspectingClient(arxiv.Client):  # type: ignore[misc]
            def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> Any:
                # The narrowest seam: arxiv.Client.results() hides whether the
                # feed was malformed and how many entries it announced.
                feed = super()._parse_feed(url, first_page=first_page, _try_index=self.num_retries)
                owner.inspect_feed(feed)
                return feed

        self.request_count = 0
        self.skipped = False
        self.error_id: str | None = None
        self.not_atom = False
        self.retry_after = 0.0
        self.url = config.api_url
        self.client = InspectingClient(page_size=100, delay_seconds=config.delay, num_retries=0)
        self.client.query_url_format = self.url.replace("{", "{{").replace("}", "}}") + (
            "&{}" if "?" in self.url else "?{}"
        )
        self.client._session.close()
        self.client._session = WatchingSession()

    def note_response(self, response: Any) -> None:
        self.error_id = None
        self.retry_after = 0.0
        # An HTML page (a captive portal, a proxy's error) parses as an empty
        # feed; it must not make every ID "not found".
        self.not_atom = response.status_code == 200 and ATOM_NS not in response.content
        if response.status_code == 400:
            match = ERROR_BODY_RE.search(response.text or "")
            self.error_id = match.group(1) if match else None
        elif response.status_code in TRANSIENT_STATUS:
            try:
                self.retry_after = min(float(response.headers.get("Retry-After", 0)), MAX_WAIT)
            except ValueError:
                self.retry_after = 0.0

    def inspect_feed(self, feed: Any) -> None:
        if getattr(feed, "malformed", False) or self.not_atom:
            reason = getattr(feed, "error", "") or "no Atom namespace"
            raise TransientError(f"the API answered something that is not an Atom feed ({reason})")
        results = getattr(feed, "results", [])
        for result in results:
            match = ERROR_ID_RE.search(result.entry_id)
            if match:
                raise MalformedIdError(match.group(1))
        announced = getattr(getattr(feed, "header", None), "total_results", 0) or 0
        self.skipped = announced > len(results)

    def wait_seconds(self, exponential: Callable[[Any], float]) -> Callable[[Any], float]:
        def wait(state: Any) -> float:
            return min(max(exponential(state), self.retry_after), MAX_WAIT)

        return wait

    def fetch_with_retries(
        self, batch: Sequence[str], config: ArxivConfig, sleep: Callable[[float], None] | None
    ) -> tuple[list[Any], bool]:
        from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

        extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
        retrying = Retrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(config.retries + 1),
            wait=self.wait_seconds(wait_exponential(multiplier=max(config.delay, 0.001), max=MAX_WAIT)),
            reraise=True,
            **extra,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self.fetch(batch)
        except TransientError as exc:
            raise ArxivUnavailable(f"arXiv API {self.url}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def fetch(self, batch: Sequence[str]) -> tuple[list[Any], bool]:
        """One request; errors translated into Transient/MalformedId/ArxivUnavailable."""
        import arxiv
        import requests

        self.skipped = False
        self.client.page_size = max(1, len(batch))
        search = arxiv.Search(id_list=list(batch), max_results=len(batch))
        try:
            return list(self.client.results(search)), self.skipped
        except arxiv.HTTPError as exc:
            if exc.status == 400:
                bad = self.error_id if self.error_id in batch else None
                raise MalformedIdError(bad or (batch[0] if len(batch) == 1 else None)) from exc
            if exc.status in TRANSIENT_STATUS:
                raise TransientError(f"HTTP {exc.status}") from exc
            raise ArxivUnavailable(f"arXiv API {self.url}: HTTP {exc.status}") from exc
        except arxiv.UnexpectedEmptyPageError as exc:
            raise TransientError("an unexpectedly empty page") from exc
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as exc:
            raise ArxivUnavailable(f"arXiv API URL {self.url!r} is invalid: {exc}") from exc
        except requests.exceptions.ConnectionError as exc:
            if name_unresolved(exc):
                # Final for this run: retrying a name that does not resolve
                # only makes an offline run slow (3 tries took 21 s).
                host = urlsplit(self.url).hostname or self.url
                raise ArxivUnavailable(f"arXiv API host {host} does not resolve") from exc
            raise TransientError(f"cannot connect to the arXiv API ({root_reason(exc)})") from exc
        except requests.exceptions.RequestException as exc:
            raise TransientError(f"{type(exc).__name__} ({root_reason(exc)})") from exc

    def close(self) -> None:
        self.client._session.close()
