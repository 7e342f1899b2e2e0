"""Which markdown-it-py versions listlint's parser fast paths are proven for.

``fast_lists`` (a block rule) and ``fast_inline`` (the core ``inline``
rule) push the very tokens markdown-it-py would; the tests compare the token
streams on the corpora, against the markdown-it-py installed.  They reach
into markdown-it-py's internals (``mdTrim``, ``StateBlock`` and ``StateCore``
fields), so they are used only on the versions they were proven on; on any
other version listlint parses with plain markdown-it-py (slower, same
findings).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["PROVEN_VERSIONS", "fast_paths", "version_is_proven"]

# The range the fast paths are proven for: [low, high).
PROVEN_VERSIONS = ((4, 3, 0), (5, 0, 0))


def version_is_proven(version: str) -> bool:
    numbers = tuple(int(part) for part in re.findall(r"\d+", version)[:3])
    low, high = PROVEN_VERSIONS
    return low <= numbers < high


def fast_paths() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """``(flat_list, parse_inline_tokens)``, or None where they are not proven
    (another markdown-it-py version, or one without the internals they use)."""
    import markdown_it

    if not version_is_proven(getattr(markdown_it, "__version__", "0")):
        return None
    try:
        from listlint.document.fast_inline import parse_inline_tokens
        from listlint.document.fast_lists import flat_list
    except ImportError:
        return None
    return flat_list, parse_inline_tokens
