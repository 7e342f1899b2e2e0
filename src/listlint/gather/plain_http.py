"""A minimal :class:`~listlint.gather.sources.SourceHttp` over one httpx client.

No host limits, no retries: for tests of a source's own logic and for
embedding.  A run uses the engine-backed implementation instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from listlint.gather.sources import SourceUnavailable

__all__ = ["PlainHttp"]


class PlainHttp:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.requests = 0

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
        self.requests += 1
        try:
            request = self.client.build_request(
                method, url, params=params, headers=headers, json=json, content=content
            )
            response = await self.client.send(request, stream=True)
            try:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise SourceUnavailable(f"response larger than {max_bytes} bytes")
            finally:
                await response.aclose()
        except SourceUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - httpx errors, a resolver's, a transport's
            raise SourceUnavailable(type(exc).__name__) from exc
        return httpx.Response(
            response.status_code, headers=response.headers, content=bytes(body), request=request
        )
