"""The DOI registry: is a DOI registered?  (the handle API, never the publisher)

``GET {doi-resolver-url}/api/handles/{DOI}`` answers ``{"responseCode": 1,
...}`` for a registered DOI and HTTP 404 with ``{"responseCode": 100}`` for
one that is not.  This settles links to publisher sites that meet tools with
bot walls (ACM's challenge pages, 403s): a registered DOI is not crawled.
Works for Crossref and DataCite DOIs alike (arXiv's ``10.48550`` DOIs are
DataCite's).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from listlint.gather.sources import Lookup, SourceHttp, SourceUnavailable
from listlint.net.sources.scholarly_ids import doi_in_url

if TYPE_CHECKING:
    from listlint.document.model import Link

__all__ = ["DoiRegistrySource", "DEFAULT_RESOLVER"]

DEFAULT_RESOLVER = "https://doi.org"
DAY = 86_400.0
# Handle response codes (the Handle System's HTTP JSON API).
REGISTERED = 1
NOT_FOUND = 100


@dataclass(slots=True)
class DoiRegistrySource:
    resolver: str = DEFAULT_RESOLVER
    concurrency: int = 8
    name: str = "doi"
    batch_size: int = 50
    key_noun: str = "DOIs"

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Configured, so reached even on a private address (see :mod:`listlint.net.source_http`)."""
        return (self.resolver,)

    def key(self, link: Link) -> str | None:
        return doi_in_url(link.url)

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(doi: str) -> tuple[str, Lookup]:
            async with gate:
                return doi, await self.ask(doi, http)

        return dict(await asyncio.gather(*(one(doi) for doi in keys)))

    async def ask(self, doi: str, http: SourceHttp) -> Lookup:
        url = f"{self.resolver.rstrip('/')}/api/handles/{quote(doi, safe='/')}"
        try:
            response = await http.request("GET", url, max_bytes=1_000_000)
        except SourceUnavailable as exc:
            return Lookup("unchecked", reason=f"DOI registry unreachable ({exc})")
        return judge_answer(doi, response.status_code, response.content)

    def ttl(self, lookup: Lookup) -> float:
        return {"found": 30 * DAY, "missing": DAY}.get(lookup.status, 0.0)

    def vouches_for(self, link: Link, lookup: Lookup) -> bool:
        # Registered: the link names a real paper; its publisher page is not crawled
        # (it would meet a bot wall).  Not registered: the rule reports it.
        return lookup.status in ("found", "missing")


def judge_answer(doi: str, status: int, body: bytes) -> Lookup:
    """The lookup a handle API answer stands for; only a well-formed answer is definite."""
    data = parse_json(body)
    code = data.get("responseCode") if isinstance(data, dict) else None
    if status == 200 and code == REGISTERED and str(data.get("handle", "")).lower() == doi:
        return Lookup("found", {"doi": doi})
    if status == 404 and code == NOT_FOUND:
        return Lookup("missing", {"doi": doi}, reason="not registered at the DOI registry")
    return Lookup("unchecked", reason=f"DOI registry answered HTTP {status}")


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def make_source(settings: Any) -> DoiRegistrySource:
    return DoiRegistrySource(resolver=settings.get("doi-resolver-url"))
