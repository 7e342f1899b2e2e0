"""Finding the metadata sources of a run: built-ins and the ``listlint.sources`` entry points.

A source comes from a *factory*, ``Callable[[Settings], MetadataSource | None]``:
it reads its own config keys from the settings and returns ``None`` when it
cannot work this run (no token, switched off).  Built-in factories are named
in :data:`BUILTIN_SOURCES` as ``"module:attribute"`` strings, so nothing is
imported until an online run asks for its sources.

A third-party package declares, in its ``pyproject.toml``::

    [project.entry-points."listlint.sources"]
    example = "example_listlint.source:make_source"

where ``make_source(settings)`` returns a source or ``None`` (a ready source
object works too).  A factory may also have an optional member
``inactive_note(settings, links) -> SourceNote | None``: the run note of a run
in which it returned ``None`` (e.g. "no token: ... a token makes the check
exact and fast"), given the links in scope so it can stay quiet when none
of them is its kind.  As for rule plugins, ``importlib.metadata`` is only
imported when an installed distribution may declare the group.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from listlint.errors import PluginError
from listlint.gather.sources import MetadataSource, SourceNote

if TYPE_CHECKING:
    from listlint.config import Settings
    from listlint.document.model import Link

__all__ = [
    "BUILTIN_SOURCES",
    "ENTRY_POINT_GROUP",
    "SourceFactory",
    "SourceRef",
    "find_sources",
    "load_sources",
    "active_sources",
    "inactive_notes",
]

ENTRY_POINT_GROUP = "listlint.sources"

SourceFactory = Callable[["Settings"], "MetadataSource | None"]

# Built-in sources, in the order they are asked (and their notes are shown).
BUILTIN_SOURCES: tuple[str, ...] = (
    "listlint.net.sources.arxiv:make_source",
    "listlint.net.sources.doi_registry:make_source",
    "listlint.net.sources.crossref:make_source",
    "listlint.net.sources.semantic_scholar:make_source",
    "listlint.net.sources.github:github_source",
)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a source factory comes from (``origin`` names it in errors)."""

    origin: str
    target: str  # "module:attribute"


def find_sources(builtin: Iterable[str] = BUILTIN_SOURCES) -> list[SourceRef]:
    """The built-in factories, then every ``listlint.sources`` entry point."""
    from listlint.rules.registry import may_have_entry_points

    refs = [SourceRef("listlint", target) for target in builtin]
    if may_have_entry_points(ENTRY_POINT_GROUP):
        from importlib.metadata import entry_points

        for point in entry_points(group=ENTRY_POINT_GROUP):
            refs.append(SourceRef(f"source entry point {point.name!r}", point.value))
    return refs


def load_factory(ref: SourceRef) -> SourceFactory:
    """Import the factory of ``ref`` (a ready source object is wrapped in one)."""
    module_name, _, attribute = ref.target.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attribute.split(".") if attribute else ():
            target = getattr(target, part)
    except (Exception, SystemExit) as exc:
        raise PluginError(f"cannot load {ref.origin}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(target, type) and isinstance(target, MetadataSource):
        source = target
        return lambda settings: source
    if not callable(target):
        raise PluginError(f"{ref.origin} ({ref.target}) is neither a source nor a source factory")
    return target


def load_sources(refs: Iterable[SourceRef], settings: Settings) -> list[MetadataSource]:
    """Call each factory; keep the sources that are active this run.

    A factory that crashes, returns something that is not a source, or a
    source whose name is taken, is a ``PluginError`` (exit 2), never a
    silently missing check.
    """
    sources: list[MetadataSource] = []
    owners: dict[str, str] = {}
    for ref in refs:
        factory = load_factory(ref)
        try:
            source = factory(settings)
        except PluginError:
            raise
        except (Exception, SystemExit) as exc:
            raise PluginError(f"{ref.origin} failed to start: {type(exc).__name__}: {exc}") from exc
        if source is None:
            continue
        validate_source(source, ref)
        if source.name in owners:
            raise PluginError(
                f"source {source.name!r} is defined twice: by {owners[source.name]} and by {ref.origin}"
            )
        owners[source.name] = ref.origin
        sources.append(source)
    return sources


def validate_source(source: Any, ref: SourceRef) -> None:
    if isinstance(source, type) or not isinstance(source, MetadataSource):
        raise PluginError(f"{ref.origin} returned {type(source).__name__}, which is not a MetadataSource")
    name = source.name
    if not isinstance(name, str) or not name or name != name.lower() or not name.replace("-", "").isalnum():
        raise PluginError(f"{ref.origin}: source name {name!r} must be lower-case letters, digits and '-'")
    size = source.batch_size
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise PluginError(
            f"{ref.origin}: source {name!r} has batch_size {size!r}; it must be an integer >= 1"
        )


def active_sources(settings: Settings, builtin: Iterable[str] = BUILTIN_SOURCES) -> list[MetadataSource]:
    """The run's sources: every found factory that returned a source."""
    return load_sources(find_sources(builtin), settings)


def inactive_notes(
    settings: Settings, links: Sequence[Link], builtin: Iterable[str] = BUILTIN_SOURCES
) -> list[SourceNote]:
    """The notes of factories that are off this run (their optional ``inactive_note``)."""
    notes: list[SourceNote] = []
    for ref in find_sources(builtin):
        explain = getattr(load_factory(ref), "inactive_note", None)
        if not callable(explain):
            continue
        try:
            note = explain(settings, links)
        except Exception:  # noqa: BLE001 - a note is a courtesy, never a failure
            continue
        if isinstance(note, SourceNote):
            notes.append(note)
    return notes
