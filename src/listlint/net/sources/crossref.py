"""Crossref: the title and venue a DOI was registered with, fifty DOIs a request.

``GET {crossref-api-url}/works?filter=doi:A,doi:B,...&rows=N`` returns one
item per DOI Crossref knows.  Crossref asks tools to say who they are: with
``crossref-mailto`` set, the address goes in the User-Agent and the
``mailto`` parameter (its "polite pool").  Requests are paced by the
``x-rate-limit-limit`` / ``x-rate-limit-interval`` headers it sends.

A DOI missing from the answer is not evidence of anything (DataCite DOIs are
not in Crossref): it is ``missing`` here and only the DOI registry decides
whether it exists.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from listlint.gather.sources import Lookup, SourceHttp, SourceUnavailable
from listlint.net.sources.scholarly_ids import doi_in_url, is_arxiv_doi

if TYPE_CHECKING:
    from listlint.document.model import Link

__all__ = ["CrossrefSource", "DEFAULT_CROSSREF_API"]

DEFAULT_CROSSREF_API = "https://api.crossref.org"
DAY = 86_400.0
SELECT = "DOI,title,container-title,short-container-title,published,issued,type,event"


@dataclass(slots=True)
class CrossrefSource:
    api: str = DEFAULT_CROSSREF_API
    mailto: str = ""
    user_agent: str = "listlint/0.1 (+https://github.com/listlint/listlint)"
    name: str = "crossref"
    can_vouch: bool = False
    batch_size: int = 50
    key_noun: str = "DOIs"
    _next_at: float = 0.0
    _pause: float = 0.0

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Configured, so reached even on a private address (see :mod:`listlint.net.source_http`)."""
        return (self.api,)

    def key(self, link: Link) -> str | None:
        doi = doi_in_url(link.url)
        return None if doi is None or is_arxiv_doi(doi) else doi

    async def fetch(self, keys: Sequence[str], http: SourceHttp) -> Mapping[str, Lookup]:
        await self.wait_turn()
        params = {"filter": ",".join(f"doi:{doi}" for doi in keys), "rows": str(len(keys)), "select": SELECT}
        headers = {"User-Agent": self.user_agent}
        if self.mailto:
            params["mailto"] = self.mailto
            headers["User-Agent"] = f"{self.user_agent} (mailto:{self.mailto})"
        try:
            response = await http.request(
                "GET", f"{self.api.rstrip('/')}/works", params=params, headers=headers
            )
        except SourceUnavailable as exc:
            return dict.fromkeys(keys, Lookup("unchecked", reason=f"Crossref unreachable ({exc})"))
        self.pace(response.headers)
        if response.status_code != 200:
            reason = f"Crossref answered HTTP {response.status_code}"
            return dict.fromkeys(keys, Lookup("unchecked", reason=reason))
        items = read_items(response.content)
        if items is None:
            return dict.fromkeys(keys, Lookup("unchecked", reason="Crossref sent a malformed answer"))
        found = {record["doi"]: record for record in items}
        return {
            doi: Lookup("found", found[doi]) if doi in found else Lookup("missing", reason="not in Crossref")
            for doi in keys
        }

    async def wait_turn(self) -> None:
        delay = self._next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self._next_at = time.monotonic() + self._pause

    def pace(self, headers: Mapping[str, str]) -> None:
        """Space requests as Crossref's ``x-rate-limit-*`` headers ask."""
        try:
            limit = int(headers.get("x-rate-limit-limit", "0"))
            interval = float(re.sub(r"[^\d.]", "", headers.get("x-rate-limit-interval", "1s")) or 1)
        except ValueError:
            return
        if limit > 0:
            self._pause = min(interval / limit, 10.0)

    def ttl(self, lookup: Lookup) -> float:
        return {"found": 30 * DAY, "missing": 7 * DAY}.get(lookup.status, 0.0)

    def vouches_for(self, link: Link, lookup: Lookup) -> bool:
        return False  # the DOI registry settles existence


def read_items(body: bytes) -> list[dict[str, Any]] | None:
    """Crossref's work items as small records, or None when the answer is not Crossref's shape."""
    try:
        data = json.loads(body)
        items = data["message"]["items"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(items, list):
        return None
    records = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("DOI"), str):
            continue
        records.append(
            {
                "doi": item["DOI"].lower(),
                "title": first_text(item.get("title")),
                "container": first_text(item.get("container-title")),
                "short_container": first_text(item.get("short-container-title")),
                "event": first_text((item.get("event") or {}).get("name"))
                if isinstance(item.get("event"), dict)
                else "",
                "year": year_of(item.get("published")) or year_of(item.get("issued")),
                "type": item.get("type") if isinstance(item.get("type"), str) else "",
            }
        )
    return records


def first_text(value: Any) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return value[:2000] if isinstance(value, str) else ""


def year_of(value: Any) -> int | None:
    try:
        year = value["date-parts"][0][0]
    except (KeyError, IndexError, TypeError):
        return None
    return year if isinstance(year, int) and 1900 <= year <= 2200 else None


def make_source(settings: Any) -> CrossrefSource:
    return CrossrefSource(
        api=settings.get("crossref-api-url"),
        mailto=settings.get("crossref-mailto"),
        user_agent=settings.get("user-agent"),
    )
