"""HTTP/2 over TLS (ALPN) with connection reuse, against a real h2 server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import ssl
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from listlint.net.engine import LinkEngine
from listlint.net.policy import EnginePolicy
from listlint.net.verdicts import Kind

pytest.importorskip("cryptography")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_servers import make_certificates  # noqa: E402


class H2Server:
    """Answers every stream: 404 for paths containing "404", else 200."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.connections = 0
        self.streams: list[tuple[str, str]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.context)
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        self._loop.run_until_complete(server.wait_closed())
        tasks = asyncio.all_tasks(self._loop)
        for task in tasks:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import h2.config
        import h2.connection
        import h2.events

        self.connections += 1
        protocol = writer.get_extra_info("ssl_object").selected_alpn_protocol()
        connection = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        )
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        try:
            while data := await reader.read(65535):
                for event in connection.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        headers = dict(event.headers)
                        self.streams.append((protocol, headers[":method"] + " " + headers[":path"]))
                        status = "404" if "404" in headers[":path"] else "200"
                        connection.send_headers(
                            event.stream_id, [(":status", status), ("content-length", "0")], end_stream=True
                        )
                writer.write(connection.data_to_send())
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    def __enter__(self) -> H2Server:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[ssl.SSLContext, ssl.SSLContext]]:
    paths = make_certificates(tmp_path)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(paths["valid_cert"], paths["valid_key"])
    server.set_alpn_protocols(["h2", "http/1.1"])
    client = ssl.create_default_context(cafile=str(paths["ca"]))
    yield server, client


def test_http2_is_used_and_one_connection_carries_every_request(
    tls: tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    server_context, client_context = tls
    with H2Server(server_context) as server:
        urls = [f"https://127.0.0.1:{server.port}/page/{n}" for n in range(12)]
        urls.append(f"https://127.0.0.1:{server.port}/404/x")

        async def run() -> dict[str, object]:
            engine = LinkEngine(EnginePolicy(allow_private_hosts=True, timeout=5), verify=client_context)
            try:
                return dict(await engine.check_all(urls))
            finally:
                await engine.aclose()

        verdicts = asyncio.run(run())
    kinds = {url: verdict.kind for url, verdict in verdicts.items()}  # type: ignore[attr-defined]
    assert kinds[urls[-1]] is Kind.DEAD
    assert all(kinds[url] is Kind.OK for url in urls[:-1])
    assert {protocol for protocol, _ in server.streams} == {"h2"}
    # 12 HEADs, then HEAD and GET for the 404: all multiplexed on one connection.
    assert len(server.streams) == 14 and server.connections == 1
