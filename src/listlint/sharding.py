"""``--shard K/N``: split the unique URLs of an audit deterministically.

Every job of a matrix computes the same assignment from the URL alone, so the
N shard reports together cover every URL exactly once.
"""

from __future__ import annotations

import re
from typing import Any

from listlint.urls import normalize_url

SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")

__all__ = ["parse_shard", "in_shard"]


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``; raise ValueError unless 1 <= K <= N."""
    match = SHARD_RE.match(text)
    if not match:
        raise ValueError(f"shard must look like K/N (for example 2/4), not {text!r}")
    index, total = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= total:
        raise ValueError(f"shard {text!r}: K must be between 1 and N")
    return index, total


def in_shard(url: str, settings: Any) -> bool:
    """Whether this run's shard owns ``url`` (always true without ``--shard``)."""
    shard = settings.get("shard") if settings is not None else None
    if not shard:
        return True
    import hashlib  # only with --shard; it is not cheap to import

    index, total = parse_shard(shard)
    digest = hashlib.sha1(normalize_url(url).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total == index - 1
