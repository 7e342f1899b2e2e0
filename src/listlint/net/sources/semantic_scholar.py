"""Semantic Scholar: the venue and year a paper really appeared at, 500 papers a request.

``POST {semantic-scholar-api-url}/paper/batch?fields=...`` with
``{"ids": ["ARXIV:2408.12757", "DOI:10.1145/...", ...]}`` answers a list in
the order asked, ``null`` for a paper it does not know.  No key is needed;
unkeyed users share one pool, so 429s are normal: they are retried with
backoff (honouring ``Retry-After``), and when the API still will not answer
its papers are ``unchecked`` (one warning per run, never a finding).  A key,
from the environment variable named by ``semantic-scholar-key-env``
(default ``SEMANTIC_SCHOLAR_API_KEY``), goes in ``x-api-key`` to the API's
origin only.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from listlint.gather.sources import Lookup, SourceHttp, SourceUnavailable
from listlint.net.sources.scholarly_ids import paper_id

if TYPE_CHECKING:
    import httpx

    from listlint.document.model import Link

__all__ = ["SemanticScholarSource", "DEFAULT_S2_API", "FIELDS"]

DEFAULT_S2_API = "https://api.semanticscholar.org/graph/v1"
FIELDS = "title,venue,publicationVenue,year,publicationDate,externalIds"
DAY = 86_400.0


@dataclass(slots=True)
class SemanticScholarSource:
    api: str = DEFAULT_S2_API
    api_key: str = ""
    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_wait: float = 60.0  # longest Retry-After honoured
    name: str = "semantic-scholar"
    can_vouch: bool = False
    batch_size: int = 500
    key_noun: str = "papers"
    stack_retries = False  # its 429 loop (semantic-scholar-retries): one attempt per request below

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Configured, so reached even on a private address (see :mod:`listlint.net.source_http`)."""
        return (self.api,)

    def key(self, link: Link) -> str | None:
        return paper_id(link.url)

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
        headers = {"x-api-key": self.api_key} if self.api_key else None
        url = f"{self.api.rstrip('/')}/paper/batch"
        for attempt in range(self.retries + 1):
            try:
                response = await http.request(
                    "POST", url, params={"fields": FIELDS}, json={"ids": list(keys)}, headers=headers
                )
            except SourceUnavailable as exc:
                return dict.fromkeys(
                    keys, Lookup("unchecked", reason=f"Semantic Scholar unreachable ({exc})")
                )
            if response.status_code in (429, 500, 502, 503, 504) and attempt < self.retries:
                await asyncio.sleep(self.wait_before_retry(response, attempt))
                continue
            return read_batch(keys, response)
        raise AssertionError("unreachable")  # the loop always returns

    def wait_before_retry(self, response: httpx.Response, attempt: int) -> float:
        own = self.backoff * 2**attempt
        told = retry_after(response.headers.get("retry-after", ""))
        # Retry-After of 0 or in the past means our own backoff, never "at once".
        return float(min(max(own, told or 0.0), self.max_wait))

    def ttl(self, lookup: Lookup) -> float:
        return {"found": 14 * DAY, "missing": 3 * DAY}.get(lookup.status, 0.0)

    def vouches_for(self, link: Link, lookup: Lookup) -> bool:
        return False  # a metadata record says nothing about whether the URL answers


def retry_after(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def read_batch(keys: Sequence[str], response: httpx.Response) -> dict[str, Lookup]:
    """Lookups for ``keys`` from a batch answer; anything but a well-formed list is unchecked."""
    if response.status_code != 200:
        reason = f"Semantic Scholar answered HTTP {response.status_code}"
        return dict.fromkeys(keys, Lookup("unchecked", reason=reason))
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    if not isinstance(data, list) or len(data) != len(keys):
        return dict.fromkeys(keys, Lookup("unchecked", reason="Semantic Scholar sent a malformed answer"))
    result: dict[str, Lookup] = {}
    for key, item in zip(keys, data, strict=True):
        if item is None:
            result[key] = Lookup("missing", reason="unknown to Semantic Scholar")
        elif isinstance(item, dict):
            result[key] = Lookup("found", small_record(item))
        else:
            result[key] = Lookup("unchecked", reason="Semantic Scholar sent a malformed record")
    return result


def small_record(item: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the rules read, type-checked, as plain JSON for the cache."""
    venue = item.get("publicationVenue")
    venue = venue if isinstance(venue, dict) else {}
    alternates = venue.get("alternate_names")
    ids = item.get("externalIds")
    ids = ids if isinstance(ids, dict) else {}
    year = item.get("year")
    date = item.get("publicationDate")
    return {
        "title": text(item.get("title")),
        "venue": text(item.get("venue")),
        "venue_name": text(venue.get("name")),
        "venue_type": text(venue.get("type")),
        "venue_alternates": [text(a) for a in alternates if isinstance(a, str)][:20]
        if isinstance(alternates, list)
        else [],
        "year": year if isinstance(year, int) and 1900 <= year <= 2200 else None,
        "date": text(date)[:10] if isinstance(date, str) else "",
        "arxiv": text(ids.get("ArXiv")),
        "doi": text(ids.get("DOI")).lower(),
        "dblp": text(ids.get("DBLP")),
    }


def text(value: Any) -> str:
    return value[:2000] if isinstance(value, str) else ""


def make_source(settings: Any) -> SemanticScholarSource:
    import os

    variable = settings.get("semantic-scholar-key-env")
    key = os.environ.get(variable, "").strip()
    if key and not (key.isascii() and key.isprintable()):
        from listlint.errors import ConfigError

        # Never the value: it is a secret.
        raise ConfigError(
            f"environment variable {variable}: the Semantic Scholar API key holds control characters"
        )
    return SemanticScholarSource(
        api=settings.get("semantic-scholar-api-url"),
        api_key=key,
        retries=settings.get("semantic-scholar-retries"),
    )
