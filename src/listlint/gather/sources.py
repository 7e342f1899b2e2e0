"""The contract every metadata source implements.

A source answers questions about links in batches, through the run's one HTTP
stack.  It never imports rules, never prints, and never raises for a remote
failure: what it cannot answer is an ``unchecked`` lookup, and the gather
stage turns those into one run note.

Writing a source (built-in ones live in ``listlint.net.sources``)::

    class ExampleSource:
        name = "example"
        batch_size = 100

        def key(self, link: Link) -> str | None:
            ...  # offline: the identity this source knows the link by, or None

        async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
            ...  # one or more API requests; every asked key gets a Lookup

        def ttl(self, lookup: Lookup) -> float:
            ...  # seconds the answer stays cached (0: not cached)

        def vouches_for(self, link: Link, lookup: Lookup) -> bool:
            ...  # True: this answer settles the link, the crawler skips it

Optional members: ``notes() -> list[SourceNote]`` (extra run notes),
``key_noun`` (how run notes call the keys, plural: ``"IDs"``; default
``"keys"``), and ``can_vouch = False`` for a source whose ``vouches_for`` is
always False, so that it is asked only when an active rule uses it;
``endpoints`` (the URLs of its API, from the configuration: requests to their
origins are allowed to private addresses, see :mod:`listlint.net.source_http`)
and ``stack_retries = False`` for a source with a retry loop of its own (the
stack then makes one attempt per request and hands 429/5xx answers back),
and ``request_timeout`` (seconds one request to its API may take, when the
crawl's ``timeout`` is too short for it: arXiv uses ``arxiv-timeout``).

A third-party package adds a source through the ``listlint.sources``
entry-point group: a factory ``make_source(settings) -> source | None``
(``None``: inactive this run), or a ready source object.  See
:mod:`listlint.gather.registry`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import httpx

    from listlint.document.model import Link

__all__ = ["Status", "Lookup", "SourceHttp", "SourceUnavailable", "MetadataSource", "SourceNote"]

Status = Literal["found", "missing", "unchecked"]


@dataclass(frozen=True, slots=True)
class Lookup:
    """One source's answer about one key.

    status:  ``found``: ``record`` holds what the source knows;
             ``missing``: the source says, definitely, that the key does not
             exist (a well-formed answer, never inferred from an error);
             ``unchecked``: no trustworthy answer (API down, rate limit,
             malformed response).  Rules never report on ``unchecked``.
    record:  the source's own JSON-compatible data (a ``Mapping``), so the
             cache can store it as it is.
    reason:  for ``unchecked`` and ``missing``: why, in a few words, with no
             secret and no raw server text.
    """

    status: Status
    record: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.status == "found"


@dataclass(frozen=True, slots=True)
class SourceNote:
    """A line for the end-of-run notes, e.g. ``arxiv: 102 IDs, 1 API request``."""

    source: str
    message: str
    counts: Mapping[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message

    def to_dict(self) -> dict[str, Any]:
        """The JSON report's form (``summary.notes`` items)."""
        return {"source": self.source, "message": self.message, "counts": dict(self.counts)}


class SourceHttp(Protocol):
    """The run's HTTP stack, as a source sees it.

    Every request goes through the engine's client: per-host concurrency and
    interval, configured headers (sent to their own origin only), the
    private-address guard, a total deadline per request and a response size
    cap.  Transient failures (timeouts, resets, 429/5xx) are retried with
    backoff honouring ``Retry-After`` within the host's budget; what is still
    failing after that raises :class:`SourceUnavailable`.
    """

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        max_bytes: int = 20_000_000,
    ) -> httpx.Response:
        """The response (any status; the body read, at most ``max_bytes``)."""
        ...


class SourceUnavailable(Exception):
    """Raised by :class:`SourceHttp` when a request could not get an answer."""


@runtime_checkable
class MetadataSource(Protocol):
    """A provider of facts about links (see the module docstring).

    name:        short, unique, lower-case; the cache namespace and the name in
                 run notes and config (``[tool.listlint.sources.NAME]``).
    batch_size:  most keys one :meth:`fetch` call is given.
    """

    name: str
    batch_size: int

    def key(self, link: Link) -> str | None: ...

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]: ...

    def ttl(self, lookup: Lookup) -> float: ...

    def vouches_for(self, link: Link, lookup: Lookup) -> bool: ...
