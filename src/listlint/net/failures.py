"""What a failed request means: a pure reading of the exception.

:func:`classify_error` turns the exception of one request into a
:class:`Failure`: the verdict it would lead to, whether trying again may
help, and what it says about the network (the engine's outage detection and
host budgets act on ``cause``; nothing here has side effects).
"""

from __future__ import annotations

import errno
import ssl
from dataclasses import dataclass
from enum import StrEnum

import httpx

from listlint.net.addresses import PrivateAddressError, ResolveError
from listlint.net.verdicts import Kind

__all__ = ["Cause", "Failure", "BadRedirect", "classify_error", "root_cause", "describe_error"]


class BadRedirect(Exception):
    """A redirect whose Location httpx itself refused to parse."""


class Cause(StrEnum):
    """Where a request failed, for outage detection and host budgets."""

    NAME = "name"  # the name did not resolve (``definite``: NXDOMAIN)
    CONNECT_TIMEOUT = "connect-timeout"
    READ_TIMEOUT = "read-timeout"  # accepted, then silent
    ROUTE = "route"  # network or host unreachable
    REFUSED = "refused"
    BROKEN = "broken"  # reset, garbage, a closed connection
    TLS = "tls"
    PRIVATE = "private"
    INVALID = "invalid"  # the URL or a header cannot be sent
    BAD_REDIRECT = "bad-redirect"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Failure:
    """The meaning of one failed request.

    kind:       the verdict if this is the last word (dead, unreachable, private).
    reason:     why, safe to print (no server text beyond a short error name).
    transient:  worth another try.
    network:    no server was reached (evidence of an outage, never of a dead link).
    cause:      the category, for the engine's bookkeeping.
    """

    kind: Kind
    reason: str
    cause: Cause
    transient: bool = False
    network: bool = False


def classify_error(exc: BaseException, *, timeout: float) -> Failure:
    """The :class:`Failure` an exception of one request stands for."""
    if isinstance(exc, BadRedirect):
        return Failure(
            Kind.UNREACHABLE,
            "the redirect's Location is not a valid web URL; not followed",
            Cause.BAD_REDIRECT,
        )
    if isinstance(exc, PrivateAddressError):
        return Failure(Kind.PRIVATE, str(exc), Cause.PRIVATE)
    if isinstance(exc, ResolveError):
        if exc.definite:
            return Failure(Kind.DEAD, f"the name {exc.host} does not resolve", Cause.NAME, network=True)
        return Failure(
            Kind.UNREACHABLE,
            f"name lookup of {exc.host} failed",
            Cause.NAME,
            transient=True,
            network=True,
        )
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        if isinstance(exc, httpx.ConnectTimeout):
            return Failure(
                Kind.UNREACHABLE,
                f"timed out after {timeout:g} s",
                Cause.CONNECT_TIMEOUT,
                transient=True,
                network=True,
            )
        return Failure(Kind.UNREACHABLE, f"timed out after {timeout:g} s", Cause.READ_TIMEOUT, transient=True)
    if isinstance(exc, httpx.ConnectError):
        cause = root_cause(exc)
        if isinstance(cause, ssl.SSLError):
            return Failure(Kind.UNREACHABLE, f"TLS error: {tls_reason(cause)}", Cause.TLS)
        code = getattr(cause, "errno", None)
        if code in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN):
            return Failure(Kind.UNREACHABLE, "network unreachable", Cause.ROUTE, transient=True, network=True)
        what = "connection refused" if code == errno.ECONNREFUSED else "cannot connect"
        return Failure(Kind.UNREACHABLE, what, Cause.REFUSED, transient=True)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | ValueError):
        return Failure(Kind.DEAD, f"invalid URL ({describe_error(exc)})", Cause.INVALID)
    if isinstance(exc, httpx.LocalProtocolError):
        # We could not send the request (a URL that cannot be written as
        # HTTP): a fault of the URL as written, never of the server.
        return Failure(Kind.DEAD, f"invalid URL ({describe_error(exc)})", Cause.INVALID)
    if isinstance(exc, httpx.TransportError | OSError):
        what = (
            "connection reset"
            if isinstance(exc, httpx.ReadError | httpx.WriteError)
            else f"broken answer ({describe_error(exc)})"
        )
        return Failure(Kind.UNREACHABLE, what, Cause.BROKEN, transient=True)
    return Failure(Kind.UNREACHABLE, f"{type(exc).__name__}: {describe_error(exc)}", Cause.OTHER)


def root_cause(exc: BaseException) -> BaseException:
    seen = 0
    while exc.__cause__ is not None and seen < 10:
        exc, seen = exc.__cause__, seen + 1
    if exc.__context__ is not None and isinstance(exc.__context__, OSError):
        return exc.__context__
    return exc


def tls_reason(exc: ssl.SSLError) -> str:
    return getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or str(exc)


def describe_error(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    text = " ".join(text.split())  # no line breaks from a server reach a message
    return text if len(text) <= 80 else text[:77] + "..."
