"""Scale under hostility: N links whose hosts all accept and never answer.

    python3 benchmarks/hostile_scale.py --links 10000 --hosts 100 --timeout 2
    python3 benchmarks/hostile_scale.py --links 10000 --hosts 10000 --timeout 2

Every host name maps (static resolver) to one loopback server that accepts
connections, reads the requests and never answers.  Prints the wall time,
the verdicts and the peak memory (RSS) of this process.  Issue 7 asks for
"bounded time" and under 300 MB; tests/test_hardening_net.py keeps a small
version of this in the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import selectors
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from listlint.net.addresses import static_resolver  # noqa: E402
from listlint.net.engine import LinkEngine  # noqa: E402
from listlint.net.policy import EnginePolicy  # noqa: E402


class SilentServer:
    """Accepts, reads and discards; never writes a byte.  One thread, any number of sockets."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1024)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.stop = threading.Event()
        self.accepted = 0
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self) -> None:
        while not self.stop.is_set():
            for key, _ in self.selector.select(timeout=0.1):
                sock = key.fileobj
                if sock is self.listener:
                    try:
                        conn, _ = self.listener.accept()
                    except OSError:
                        continue
                    conn.setblocking(False)
                    self.accepted += 1
                    self.selector.register(conn, selectors.EVENT_READ)
                    continue
                try:
                    data = sock.recv(65536)  # type: ignore[union-attr]
                except OSError:
                    data = b""
                if not data:
                    self.selector.unregister(sock)
                    sock.close()  # type: ignore[union-attr]
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self.selector.close()

    def __enter__(self) -> SilentServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


class AliveServer:
    """Answers every request with 200 at once."""

    def __enter__(self) -> AliveServer:
        import http.server

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(
    links: int,
    hosts: int,
    timeout: float,
    concurrency: int,
    port: int,
    alive_port: int | None = None,
) -> tuple[Counter[str], float]:
    names = [f"h{i}.hang.test" for i in range(hosts)]
    resolver = static_resolver({name: "127.0.0.1" for name in names} | {"alive.test": "127.0.0.1"})
    urls = [f"http://{names[i % hosts]}:{port}/p/{i}" for i in range(links)]
    if alive_port is not None:  # one server that answers at once: the network is up
        urls.insert(0, f"http://alive.test:{alive_port}/")
    policy = EnginePolicy(timeout=timeout, max_concurrency=concurrency, allow_private_hosts=True)
    engine = LinkEngine(policy, resolver=resolver)
    started = time.monotonic()
    try:
        verdicts = await engine.check_all(urls)
    finally:
        await engine.aclose()
    return Counter(str(v.kind) for v in verdicts.values()), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--max-concurrency", type=int, default=64)
    parser.add_argument(
        "--alive",
        action="store_true",
        help="also one link to a server that answers (no 'network down' shortcut)",
    )
    args = parser.parse_args()
    with SilentServer() as server, AliveServer() as alive:
        kinds, seconds = asyncio.run(
            run(
                args.links,
                args.hosts,
                args.timeout,
                args.max_concurrency,
                server.port,
                alive.port if args.alive else None,
            )
        )
        accepted = server.accepted
    print(
        f"{args.links} links on {args.hosts} silent hosts, timeout {args.timeout:g} s, "
        f"max-concurrency {args.max_concurrency}"
    )
    print(f"  wall time {seconds:.1f} s, peak RSS {peak_rss_mb():.0f} MB, {accepted} connections accepted")
    print(f"  verdicts: {dict(kinds)}")


if __name__ == "__main__":
    main()
