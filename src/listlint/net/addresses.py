"""Which addresses a link checker must not visit, and name resolution.

A list is untrusted input: a link to ``http://169.254.169.254/`` or to a
public-looking name that resolves to ``10.0.0.5`` would make a CI runner
probe its own network.  The check is made on the *resolved* address, at
connection time (see :mod:`listlint.net.transport`), so DNS tricks and
redirects are covered too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Mapping

__all__ = [
    "Resolver",
    "ResolveError",
    "PrivateAddressError",
    "is_private_address",
    "private_literal",
    "system_resolver",
    "static_resolver",
]

# async (host, port) -> addresses (IP strings), or raise ResolveError.
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud metadata endpoints that are not already link-local or private.
METADATA_ADDRESSES = frozenset({"100.100.100.200", "fd00:ec2::254"})
DEFINITE_DNS_ERRORS = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


class ResolveError(Exception):
    """A name did not resolve.  ``definite``: the DNS answered "no such name"."""

    def __init__(self, host: str, message: str, *, definite: bool) -> None:
        super().__init__(f"{host}: {message}")
        self.host = host
        self.definite = definite


class PrivateAddressError(Exception):
    """A connection to a loopback, private, link-local or metadata address was refused."""

    def __init__(self, host: str, address: str) -> None:
        where = address if host == address else f"{host} ({address})"
        super().__init__(f"{where} is a private address")
        self.host = host
        self.address = address


def is_private_address(address: str) -> bool:
    """Whether ``address`` (an IP string) is anything but a public internet address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip) in METADATA_ADDRESSES or not ip.is_global or ip.is_multicast


def private_literal(host: str) -> bool:
    """Whether ``host`` as written (an IP literal or localhost) is private."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return is_private_address(host)


def system_resolver() -> Resolver:
    """Resolve with the operating system (``getaddrinfo``), once per host and port."""
    memo: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    async def resolve(host: str, port: int) -> list[str]:
        key = (host, port)
        if key not in memo:
            memo[key] = asyncio.ensure_future(lookup(host, port))
            # Mark a failure as seen even if every waiter was cancelled.
            memo[key].add_done_callback(lambda done: done.cancelled() or done.exception())
        return await asyncio.shield(memo[key])

    return resolve


async def lookup(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except socket.gaierror as exc:
        definite = exc.errno in DEFINITE_DNS_ERRORS
        raise ResolveError(
            host,
            "the name does not resolve" if definite else f"name lookup failed ({exc.strerror})",
            definite=definite,
        ) from exc
    except (OSError, UnicodeError) as exc:
        raise ResolveError(host, f"name lookup failed ({exc})", definite=False) from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ResolveError(host, "the name has no address", definite=True)
    return addresses


def static_resolver(
    table: Mapping[str, str | list[str]],
    *,
    fallback: Resolver | None = None,
) -> Resolver:
    """A resolver from a table (``{"example.org": "127.0.0.1"}``), for tests and benchmarks.

    IP literals resolve to themselves; other names not in the table go to
    ``fallback`` or do not resolve.
    """

    async def resolve(host: str, port: int) -> list[str]:
        bare = host.strip("[]")
        try:
            ipaddress.ip_address(bare.split("%", 1)[0])
            return [bare]
        except ValueError:
            pass
        found = table.get(host.lower())
        if found is not None:
            return [found] if isinstance(found, str) else list(found)
        if fallback is not None:
            return await fallback(host, port)
        raise ResolveError(host, "the name does not resolve", definite=True)

    return resolve
