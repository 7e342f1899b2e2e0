"""What the gather stage learned online: one immutable object per run.

Network rules are plain ``check(document, context)`` functions that read
``context.facts`` (``None`` in an offline run)::

    facts = context.facts
    lookup = facts.lookup("arxiv", link)     # a Lookup, or None: no key / source not asked
    verdict = facts.verdict(link)            # the link engine's Verdict, or None: not crawled
    facts.network_down                       # no server at all answered this run
    facts.unchecked("arxiv")                 # keys that source could not check
    facts.notes                              # the run notes (SourceNote records)

Nothing here imports the network stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from listlint.gather.sources import Lookup, MetadataSource, SourceNote

if TYPE_CHECKING:
    from listlint.document.model import Document, Link
    from listlint.net.verdicts import Verdict

__all__ = ["Facts", "url_key"]

T = TypeVar("T")


def url_key(url: str) -> str:
    """How a link's URL is looked up among the crawl's verdicts."""
    return url.strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """Everything a run's network rules may know (see the module docstring).

    sources:       the sources asked this run, by name (their ``key`` maps a link to a lookup)
    lookups:       per source name, every asked key's :class:`Lookup`
    verdicts:      the crawl's verdict per URL (``url_key``)
    in_scope:      per document path, the links in this run's scope (changed lines, shard)
    crawled:       per document path, the links handed to the crawl, in document order
    documents:     the documents of the run, in order
    changed_lines: the run's changed-lines filter (None: every line)
    network_down:  no server at all answered the crawl
    not_checked:   URLs an outage left unchecked (when ``network_down``)
    reasons:       per source, why keys stayed unchecked (short, no server text)
    notes:         end-of-run notes, for every reporter
    """

    sources: Mapping[str, MetadataSource] = field(default_factory=dict)
    lookups: Mapping[str, Mapping[str, Lookup]] = field(default_factory=dict)
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    in_scope: Mapping[str, tuple[Link, ...]] = field(default_factory=dict)
    crawled: Mapping[str, tuple[Link, ...]] = field(default_factory=dict)
    documents: tuple[Document, ...] = ()
    changed_lines: Mapping[str, frozenset[int]] | None = None
    network_down: bool = False
    not_checked: int = 0
    reasons: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[SourceNote, ...] = ()
    # Memo of pure functions of these facts (see ``derive``); not part of equality.
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, source: str, link: Link) -> Lookup | None:
        """``source``'s answer about ``link``; None when it has no key for it or was not asked."""
        found = self.sources.get(source)
        if found is None:
            return None
        key = found.key(link)
        if key is None:
            return None
        return self.lookups.get(source, {}).get(key)

    def verdict(self, link: Link) -> Verdict | None:
        """The link engine's verdict on ``link``; None when it was not crawled."""
        return self.verdicts.get(url_key(link.url))

    def unchecked(self, source: str) -> int:
        """How many keys ``source`` left unchecked this run."""
        return sum(1 for lookup in self.lookups.get(source, {}).values() if lookup.status == "unchecked")

    def changed_lines_of(self, path: str) -> frozenset[int] | None:
        if self.changed_lines is None:
            return None
        return self.changed_lines.get(path, frozenset())

    def derive(self, name: str, compute: Callable[[Facts], T]) -> T:
        """``compute(self)``, once per run: a view over several documents (arXiv's
        cross-file title judgements) that every rule of the run shares.
        ``compute`` must be a pure function of the facts."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]  # type: ignore[no-any-return]
