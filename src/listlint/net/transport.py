"""The HTTP transport of the link engine: httpx over a guarded network backend.

The backend resolves every host itself (with an injectable resolver), refuses
private addresses unless allowed, and connects to the checked address, so the
check cannot be bypassed by DNS or by a redirect.  Tests inject a resolver
that maps public-looking names to 127.0.0.1.
"""

from __future__ import annotations

import ssl
import typing

import httpcore
import httpx

from listlint.net.addresses import PrivateAddressError, Resolver, is_private_address

__all__ = ["GuardedBackend", "PerHostTransport", "build_transport"]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve with ``resolver``; connect only to allowed addresses."""

    def __init__(
        self, resolver: Resolver, *, allow_private: bool, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self.resolver = resolver
        self.allow_private = allow_private
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.resolver(host, port)
        allowed = [a for a in addresses if self.allow_private or not is_private_address(a)]
        if not allowed:
            raise PrivateAddressError(host, addresses[0])
        error: Exception | None = None
        for address in allowed:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the link checker")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class PerHostTransport(httpx.AsyncBaseTransport):
    """One connection pool per origin.

    httpcore matches every queued request against every pooled connection,
    which grows with the square of the number of hosts in a list; a pool per
    origin keeps each match small (the engine limits requests per host anyway).
    """

    def __init__(
        self, resolver: Resolver, *, allow_private: bool, per_host: int, verify: typing.Any = True
    ) -> None:
        self.backend = GuardedBackend(resolver, allow_private=allow_private)
        self.per_host = per_host
        if isinstance(verify, ssl.SSLContext):
            self.ssl_context = verify
        else:
            self.ssl_context = httpx.create_ssl_context(verify=verify)
        self.transports: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}

    def transport_for(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        key = (url.raw_scheme, url.raw_host, url.port)
        transport = self.transports.get(key)
        if transport is None:
            transport = httpx.AsyncHTTPTransport(http2=True, verify=self.ssl_context, retries=0)
            # httpx builds its pool without a way to pass a network backend;
            # rebuild it with the same TLS context and the guarded backend.
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=self.ssl_context,
                max_connections=self.per_host,
                max_keepalive_connections=self.per_host,
                keepalive_expiry=5.0,
                http1=True,
                http2=True,
                network_backend=self.backend,
            )
            self.transports[key] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.transport_for(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        transports, self.transports = list(self.transports.values()), {}
        for transport in transports:
            await transport.aclose()


def build_transport(
    resolver: Resolver, *, allow_private: bool, max_connections: int, verify: typing.Any = True
) -> httpx.AsyncBaseTransport:
    """HTTP/1.1 + HTTP/2, a pool per origin, connections through :class:`GuardedBackend`.

    ``max_connections`` is per origin.
    """
    return PerHostTransport(resolver, allow_private=allow_private, per_host=max_connections, verify=verify)
