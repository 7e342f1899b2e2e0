"""A loopback "simulated web" for link-checker benchmarks and tests.

Every simulated host is its own 127.x.y.z address (all on one port), with its
own latency.  The path says what the server does, so a generated list knows
the truth about each of its links:

    /ok/ID                  200
    /404/ID, /410/ID        404, 410
    /chain/N/ID             N redirects (301, 302 alternating) then 200
    /moved/ID               301 to /ok/moved-ID
    /loop/ID                302 to /loop-b/ID, which 302s back
    /retry-after/ID         first request 429 (Retry-After: 1), then 200
    /flaky/ID               first request 503, then 200
    /reset/ID               first request: connection reset; then 200
    /head405/ID, /head403/ID  HEAD answers 405 / 403, GET 200
    /slow/ID                200 after SLOW seconds (within the timeout)
    /hang/ID                accepts, never answers
    /bot/ID                 403 with the signs of a Cloudflare challenge
    /endless/ID             HEAD 405; GET 200 with an endless body

A host listed in ``crowded`` answers 429 (no Retry-After) whenever more than
``crowd_limit`` requests to it are in flight.

Run it alone:  python3 benchmarks/simulated_web.py --hosts 100 --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["SimulatedWeb", "host_addresses", "TRUTH", "truth_of"]

SLOW_SECONDS = 1.0
RETRY_AFTER_SECONDS = 1

# Expected verdict per behaviour: "alive" (must not be reported as dead or
# unreachable), "dead" (must be reported dead), "hang" (unreachable is right).
TRUTH = {
    "ok": "alive",
    "404": "dead",
    "410": "dead",
    "chain": "alive",
    "moved": "alive",
    "loop": "dead",
    "retry-after": "alive",
    "flaky": "alive",
    "reset": "alive",
    "head405": "alive",
    "head403": "alive",
    "slow": "alive",
    "hang": "hang",
    "bot": "blocked",
    "endless": "alive",
}


def truth_of(url: str) -> str:
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return TRUTH[path.split("/", 1)[0]]


def host_addresses(count: int) -> list[str]:
    """``count`` loopback addresses 127.0.1.1, 127.0.1.2, ... (never 127.0.0.1)."""
    return [f"127.0.{1 + index // 250}.{1 + index % 250}" for index in range(count)]


@dataclass
class Request:
    host: str
    method: str
    path: str
    headers: dict[str, str]
    at: float = 0.0  # monotonic time of arrival


@dataclass
class SimulatedWeb:
    addresses: list[str]
    port: int = 0
    latency: dict[str, float] = field(default_factory=dict)
    crowded: set[str] = field(default_factory=set)
    crowd_limit: int = 2
    slow_seconds: float = SLOW_SECONDS
    retry_after: int = RETRY_AFTER_SECONDS
    # Requests seen, in order (host address, method, path, headers).
    log: list[Request] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)
    endless_bytes: int = 0
    connections: int = 0

    def __post_init__(self) -> None:
        self._seen: defaultdict[tuple[str, str], int] = defaultdict(int)
        self._servers: list[asyncio.base_events.Server] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    # -- lifecycle ------------------------------------------------------------

    async def start_async(self) -> None:
        for address in self.addresses:
            server = await asyncio.start_server(
                self._serve, address, self.port, reuse_address=True, backlog=1024
            )
            if self.port == 0:
                self.port = server.sockets[0].getsockname()[1]
            self._servers.append(server)

    async def stop_async(self) -> None:
        for server in self._servers:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)
        self._servers.clear()

    def start(self) -> SimulatedWeb:
        """Serve on a background thread (for tests and the benchmark driver)."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self.start_async())
            except BaseException as exc:  # noqa: BLE001 - reported to the starter
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop_async())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()
            asyncio.set_event_loop(None)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> SimulatedWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, address: str, path: str) -> str:
        return f"http://{address}:{self.port}{path}"

    def requests_to(self, path: str) -> list[Request]:
        return [request for request in self.log if request.path == path]

    # -- serving --------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        self.connections += 1
        self._writers.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, _, rest = lines[0].partition(" ")
                path = rest.rsplit(" ", 1)[0]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name:
                        headers[name.strip().lower()] = value.strip()
                self.log.append(Request(host, method, path, headers, time.monotonic()))
                keep = await self._respond(host, method, path, writer)
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, OSError):
            return
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _respond(self, host: str, method: str, path: str, writer: asyncio.StreamWriter) -> bool:
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])
        try:
            crowded = host in self.crowded and self.in_flight[host] > self.crowd_limit
            delay = self.latency.get(host, 0.0)
            if delay:
                await asyncio.sleep(delay)
            if crowded:
                return await send(writer, method, 429, "Too Many Requests")
            return await self._behave(host, method, path, writer)
        finally:
            self.in_flight[host] -= 1

    async def _behave(self, host: str, method: str, path: str, writer: asyncio.StreamWriter) -> bool:
        parts = path.strip("/").split("/")
        kind = parts[0]
        ident = parts[-1]
        self._seen[(host, path)] += 1
        first = self._seen[(host, path)] == 1
        if kind == "ok":
            return await send(writer, method, 200, "OK")
        if kind in ("404", "410"):
            return await send(writer, method, int(kind), "Gone" if kind == "410" else "Not Found")
        if kind == "chain":
            remaining = int(parts[1])
            if remaining <= 0:
                return await send(writer, method, 200, "OK")
            code = 301 if remaining % 2 else 302
            return await send(writer, method, code, "Moved", {"Location": f"/chain/{remaining - 1}/{ident}"})
        if kind == "moved":
            return await send(writer, method, 301, "Moved Permanently", {"Location": f"/ok/moved-{ident}"})
        if kind == "loop":
            return await send(writer, method, 302, "Found", {"Location": f"/loop-b/{ident}"})
        if kind == "loop-b":
            return await send(writer, method, 302, "Found", {"Location": f"/loop/{ident}"})
        if kind == "retry-after":
            if first:
                return await send(
                    writer, method, 429, "Too Many Requests", {"Retry-After": str(self.retry_after)}
                )
            return await send(writer, method, 200, "OK")
        if kind == "flaky":
            return await send(writer, method, 503 if first else 200, "Flaky")
        if kind == "reset":
            if first:
                reset(writer)
                return False
            return await send(writer, method, 200, "OK")
        if kind in ("head405", "head403"):
            if method == "HEAD":
                return await send(writer, method, int(kind[4:]), "Not for HEAD")
            return await send(writer, method, 200, "OK")
        if kind == "slow":
            await asyncio.sleep(self.slow_seconds)
            return await send(writer, method, 200, "OK")
        if kind == "hang":
            await asyncio.sleep(3600)
            return False
        if kind == "bot":
            return await send(
                writer,
                method,
                403,
                "Forbidden",
                {"Server": "cloudflare", "CF-RAY": "8a1b2c3d4e5f-AMS", "cf-mitigated": "challenge"},
                body=b"<title>Just a moment...</title>",
            )
        if kind == "endless":
            if method == "HEAD":
                return await send(writer, method, 405, "No HEAD")
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: 1000000000000\r\n\r\n"
            )
            chunk = b"x" * 65536
            try:
                for _ in range(100_000):
                    writer.write(chunk)
                    self.endless_bytes += len(chunk)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            return False
        return await send(writer, method, 404, "Not Found")


async def send(
    writer: asyncio.StreamWriter,
    method: str,
    status: int,
    reason: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> bool:
    body = body if body is not None else f"{status} {reason}\n".encode()
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Content-Type: text/html"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    payload = ("\r\n".join(lines) + "\r\n\r\n").encode()
    if method != "HEAD":
        payload += body
    writer.write(payload)
    await writer.drain()
    return True


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), like a crashing server or a middlebox."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(list(argv) if argv is not None else None)
    web = SimulatedWeb(host_addresses(args.hosts), port=args.port)
    web.start()
    print(f"serving {args.hosts} hosts on port {web.port}: {web.url(web.addresses[0], '/ok/1')}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        web.stop()


if __name__ == "__main__":
    main()
