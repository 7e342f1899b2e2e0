"""Hostile and broken HTTP servers on 127.0.0.1, for the hardening tests and benchmarks.

One raw-socket server; the request path picks the misbehaviour:

  /never            accept, read the request, never answer
  /slowloris        drip the status line and headers, one byte every ``drip`` seconds
  /drip-body        proper headers, then the body one byte every ``drip`` seconds
  /endless          200 with no length, then an endless fast body
  /huge-headers     200, then 10 MB of headers
  /close-head       half a status line, then close
  /close-body       headers with Content-Length 1000, 10 bytes of body, then close
  /garbage          random bytes instead of HTTP, then close
  /reset            close with RST (SO_LINGER 0) right after reading the request
  /redirect?to=URL  302 to URL (file:, javascript:, an internal address, ...)
  /moved?to=URL     301 to URL
  /echo?s=N&to=PATH N (a redirect) to PATH with the request's bearer token appended
  /raw-location?v=B 302 with the Location value B written raw (LF, obs-fold, ...)
  /status?s=N&ra=V  status N with ``Retry-After: V`` (e.g. a 503 storm, Retry-After 0)
  /slow-chain?n=K   wait ``drip`` seconds, then 302 to n=K-1; n=0 answers 200
  /hang-head        HEAD never answers; GET answers 200
  /gzip-bomb        403 with a gzip body that inflates to 100 MB
  /retry?v=VALUE    429 with ``Retry-After: VALUE``
  /retry-year       429 with Retry-After one year (in seconds)
  /retry-date       503 with Retry-After an HTTP date a year ahead
  /headers          200 and the request head echoed in the body (and recorded)
  anything else     200 OK

``?head405`` on any path answers HEAD with 405, so the client falls back to GET.

Every request head is recorded in ``requests`` (method, path, headers).
With ``tls=`` an ``ssl.SSLContext`` the server speaks TLS.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import functools
import os
import socket
import ssl
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

__all__ = ["HostileServer", "Request", "make_certificates"]

ONE_YEAR = 365 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class HostileServer:
    host: str = "127.0.0.1"
    drip: float = 0.5
    tls: ssl.SSLContext | None = None
    requests: list[Request] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((self.host, 0))
        self._listener.listen(512)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]

    # -- lifecycle --------------------------------------------------------------

    def __enter__(self) -> HostileServer:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    # -- serving -------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._sockets.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        sock: socket.socket = conn
        try:
            if self.tls is not None:
                conn.settimeout(5)
                sock = self.tls.wrap_socket(conn, server_side=True)
                with self._lock:
                    self._sockets.add(sock)
            sock.settimeout(None)
            while not self._stop.is_set():
                head = self._read_head(sock)
                if head is None:
                    return
                if not self._answer(sock, head):
                    return
        except (OSError, ssl.SSLError, ValueError):
            return
        finally:
            with contextlib.suppress(OSError):
                sock.close()
            with contextlib.suppress(OSError):
                conn.close()
            with self._lock:
                self._sockets.discard(conn)
                self._sockets.discard(sock)

    def _read_head(self, sock: socket.socket) -> Request | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
            if len(data) > 1 << 20:
                return None
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, path, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        request = Request(method, path, headers)
        with self._lock:
            self.requests.append(request)
        return request

    def _wait(self, seconds: float) -> bool:
        """Sleep; False when the server is stopping."""
        return not self._stop.wait(seconds)

    def _answer(self, sock: socket.socket, request: Request) -> bool:
        """Send the answer of ``request.path``; True to keep the connection."""
        parts = urlsplit(request.path)
        path = parts.path
        body_allowed = request.method != "HEAD"
        if request.method == "HEAD" and "head405" in parts.query:
            self._send(sock, 405, {})  # make the client use GET, to reach the body
            return True
        if path == "/never":
            self._stop.wait()
            return False
        if path == "/slowloris":
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Slow: " + b"a" * 10_000:
                sock.sendall(bytes([byte]))
                if not self._wait(self.drip):
                    return False
            return False
        if path == "/drip-body":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
            while body_allowed and self._wait(self.drip):
                sock.sendall(b"x")
            return False
        if path == "/endless":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
            chunk = b"<p>" + b"x" * 65533
            while body_allowed and not self._stop.is_set():
                sock.sendall(chunk)
            return False
        if path == "/huge-headers":
            sock.sendall(b"HTTP/1.1 200 OK\r\n")
            line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
            for _ in range(10_000):  # ~10 MB
                if self._stop.is_set():
                    return False
                sock.sendall(line)
            sock.sendall(b"Content-Length: 0\r\n\r\n")
            return False
        if path == "/close-head":
            sock.sendall(b"HTTP/1.1 20")
            return False
        if path == "/close-body":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
            return False
        if path == "/garbage":
            sock.sendall(os.urandom(4096) + b"\r\n\r\n")
            return False
        if path == "/reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if path == "/redirect":
            target = parse_qs(parts.query).get("to", ["/"])[0]
            self._send(sock, 302, {"Location": target})
            return True
        if path == "/moved":
            target = parse_qs(parts.query).get("to", ["/"])[0]
            self._send(sock, 301, {"Location": target})
            return True
        if path == "/echo":
            query = parse_qs(parts.query)
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            target = query.get("to", ["/"])[0]
            target += ("&" if "?" in target else "?") + "token=" + token
            self._send(sock, int(query.get("s", ["301"])[0]), {"Location": target})
            return True
        if path == "/raw-location":
            raw = parse_qs(parts.query).get("v", ["/"])[0]
            sock.sendall(
                b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: " + raw.encode("latin-1") + b"\r\n\r\n"
            )
            return True
        if path == "/status":
            query = parse_qs(parts.query)
            status = int(query.get("s", ["503"])[0])
            headers = {"Retry-After": query["ra"][0]} if "ra" in query else {}
            self._send(sock, status, headers)
            return True
        if path == "/hang-head":
            if request.method == "HEAD":
                self._stop.wait()
                return False
            self._send(sock, 200, {}, b"ok")
            return True
        if path == "/slow-chain":
            left = int(parse_qs(parts.query).get("n", ["0"])[0])
            if not self._wait(self.drip):
                return False
            if left <= 0:
                self._send(sock, 200, {})
            else:
                self._send(sock, 302, {"Location": f"/slow-chain?n={left - 1}"})
            return True
        if path == "/gzip-bomb":
            body = gzip_bomb() if body_allowed else b""
            self._send(
                sock,
                403,
                {"Content-Encoding": "gzip", "Content-Type": "text/html"},
                body,
                length=len(gzip_bomb()),
            )
            return True
        if path == "/retry":
            value = parse_qs(parts.query).get("v", [""])[0]
            self._send(sock, 429, {"Retry-After": value})
            return True
        if path == "/retry-year":
            self._send(sock, 429, {"Retry-After": str(ONE_YEAR)})
            return True
        if path == "/retry-date":
            when = email.utils.format_datetime(
                datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=365), usegmt=True
            )
            self._send(sock, 503, {"Retry-After": when})
            return True
        self._send(sock, 200, {}, b"ok" if body_allowed else b"")
        return True

    def _send(
        self,
        sock: socket.socket,
        status: int,
        headers: dict[str, str],
        body: bytes = b"",
        length: int | None = None,
    ) -> None:
        size = len(body) if length is None else length
        lines = [
            f"HTTP/1.1 {status} Status",
            f"Content-Length: {size}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


@functools.lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """100 MB of zeros in about 100 KB of gzip."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * 1_000_000
    return b"".join(compressor.compress(zeros) for _ in range(100)) + compressor.flush()


def make_certificates(folder: Path) -> dict[str, Path]:
    """A CA, a valid and an expired server certificate for 127.0.0.1, and a self-signed one.

    Returns paths: ``ca``, ``valid_cert``/``valid_key``, ``expired_cert``/``expired_key``,
    ``self_cert``/``self_key``.
    """
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return path

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("listlint test CA"))
        .issuer_name(name("listlint test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    for label, start, end, issuer_key, issuer in (
        ("valid", now - datetime.timedelta(days=1), now + datetime.timedelta(days=1), ca_key, ca),
        (
            "expired",
            now - datetime.timedelta(days=30),
            now - datetime.timedelta(days=1),
            ca_key,
            ca,
        ),
        ("self", now - datetime.timedelta(days=1), now + datetime.timedelta(days=1), None, None),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(name("127.0.0.1"))
            .issuer_name(issuer.subject if issuer else name("127.0.0.1"))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(san, critical=False)
        )
        cert = builder.sign(issuer_key or key, hashes.SHA256())
        paths[f"{label}_cert"] = folder / f"{label}.pem"
        paths[f"{label}_cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[f"{label}_key"] = write_key(key, folder / f"{label}.key")
    return paths


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def wait_until(predicate: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False
