"""Verdicts about links, and the reading of HTTP answers that leads to them.

- ``dead``: a definite failure (404, 410, a name that does not resolve, a
  redirect loop, too many redirects).  The only verdict that fails a run.
- ``unreachable``: could not be decided (timeouts, 5xx, resets and 429s that
  persist after retries, TLS trouble).  Never from a single transient fault.
- ``blocked``: a bot wall (403, 401, 999, or a challenge page).
- ``private``: not checked, the address is loopback/private/link-local/metadata.
- ``offline``: not checked, because the network is down.
- ``ok``: alive; ``moved_to`` is set when a permanent redirect leads elsewhere.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

__all__ = [
    "Kind",
    "Verdict",
    "Answer",
    "classify_answer",
    "bot_signs",
    "parse_retry_after",
    "describe_status",
    "TRANSIENT_STATUSES",
    "BLOCKING_STATUSES",
]

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
BLOCKING_STATUSES = frozenset({401, 403, 407, 451, 999})
THROTTLING_STATUSES = frozenset({429, 503})


class Kind(StrEnum):
    OK = "ok"
    DEAD = "dead"
    UNREACHABLE = "unreachable"
    BLOCKED = "blocked"
    PRIVATE = "private"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    url: str
    kind: Kind
    reason: str = ""
    status: int | None = None
    # For ok links: where a leading run of permanent redirects (301/308) leads.
    moved_to: str | None = None
    # No server answered at all (DNS failure, connect timeout): evidence of a
    # network outage when every link fails like this.
    network_failure: bool = False
    cached: bool = False
    elapsed: float = 0.0

    def to_cache(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("url", "cached", "elapsed", "network_failure"):
            data.pop(key)
        data["kind"] = str(self.kind)
        return data

    @classmethod
    def from_cache(cls, url: str, data: Mapping[str, Any]) -> Verdict | None:
        try:
            return cls(
                url=url,
                kind=Kind(data["kind"]),
                reason=str(data.get("reason", "")),
                status=data.get("status"),
                moved_to=data.get("moved_to"),
                cached=True,
            )
        except (KeyError, ValueError, TypeError):
            return None

    def but(self, **changes: Any) -> Verdict:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server said to the last request of a hop."""

    status: int
    location: str | None = None
    signs: str | None = None
    head_status: int | None = None
    retry_after: float | None = None


def classify_answer(url: str, answer: Answer, *, accepts: Any, max_retry_after: float) -> Verdict:
    """The verdict on the final answer of a chain (pure: no state, no I/O).

    ``accepts(status)`` says whether a status counts as alive.
    """
    status = answer.status
    described = describe_status(status)
    if accepts(status) or (300 <= status < 400):
        return Verdict(url=url, kind=Kind.OK, status=status)
    if status in (404, 410):
        return Verdict(url=url, kind=Kind.DEAD, status=status, reason=described)
    if answer.signs:
        return Verdict(url=url, kind=Kind.BLOCKED, status=status, reason=f"{described}, {answer.signs}")
    if status in BLOCKING_STATUSES:
        reason = described
        if answer.head_status is not None and answer.head_status != status:
            reason += f" (HEAD said {answer.head_status})"
        return Verdict(url=url, kind=Kind.BLOCKED, status=status, reason=reason)
    if (
        status in THROTTLING_STATUSES
        and answer.retry_after is not None
        and answer.retry_after > max_retry_after
    ):
        return Verdict(
            url=url,
            kind=Kind.UNREACHABLE,
            status=status,
            reason=f"{described}; Retry-After {answer.retry_after:.0f} s exceeds "
            f"max-retry-after ({max_retry_after:g} s)",
        )
    if status in TRANSIENT_STATUSES:
        return Verdict(
            url=url, kind=Kind.UNREACHABLE, status=status, reason=f"{described}, still after retries"
        )
    return Verdict(url=url, kind=Kind.UNREACHABLE, status=status, reason=described)


# Headers, header values and page fragments that mark a bot wall.
BOT_HEADERS = (
    "cf-mitigated",
    "cf-chl-bypass",
    "x-datadome",
    "x-amzn-waf-action",
    "x-sucuri-id",
    "x-iinfo",
    "x-px-block",
)
BOT_SERVERS = {
    "cloudflare": "Cloudflare",
    "akamaighost": "Akamai",
    "ddos-guard": "DDoS-Guard",
    "sucuri/cloudproxy": "Sucuri",
    "datadome": "DataDome",
}
BOT_COOKIES = {
    "__cf_bm": "Cloudflare",
    "datadome": "DataDome",
    "_px": "PerimeterX",
    "incap_ses": "Imperva",
    "ak_bmsc": "Akamai",
    "aws-waf-token": "AWS WAF",
}
BOT_PAGE_MARKS = {
    "challenge-platform": "Cloudflare challenge",
    "cf-browser-verification": "Cloudflare challenge",
    "just a moment...": "Cloudflare challenge",
    "attention required!": "Cloudflare block",
    "captcha": "CAPTCHA",
    "are you a robot": "robot check",
    "verify you are human": "robot check",
    "pardon our interruption": "bot protection",
    "px-captcha": "PerimeterX",
    "_incapsula_resource": "Imperva",
    "datadome": "DataDome",
    "access denied": "access denied page",
    "enable javascript and cookies": "JavaScript challenge",
}


def bot_signs(headers: Mapping[str, str], body: bytes) -> str | None:
    """A short name of the bot protection these headers/page show, or None."""
    for name in BOT_HEADERS:
        if name in headers:
            return f"{name} header"
    server = headers.get("server", "").lower()
    for marker, label in BOT_SERVERS.items():
        if marker in server and ("cf-ray" in headers or marker != "cloudflare" or body):
            return label
    cookies = headers.get("set-cookie", "").lower()
    for marker, label in BOT_COOKIES.items():
        if marker in cookies:
            return label
    page = body[:65536].decode("utf-8", "replace").lower()
    for marker, label in BOT_PAGE_MARKS.items():
        if marker in page:
            return label
    return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is True, float("²") fails
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def describe_status(status: int) -> str:
    """``404`` -> ``"404 Not Found"``."""
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
